#!/usr/bin/env python3
"""Count the bad inputs the pg_regress files try, per type and function.

A bad input is a statement whose expected output is an ERROR (an "ERROR:"
line) or a caught error (a row "SQLSTATE: message" printed by the err()
wrapper of sql/13_paillier_errors.sql).  Each is attributed to:
  - the type named in "invalid input syntax / binary value for type T";
  - else the function named at the start of the message ("fname: ...");
  - else the first of the extension's SQL objects named in the statement;
  - else "(PostgreSQL)".
Suites print their own counts (test/suites/20-paillier-binary.sh: "N
passed").  Usage: python3 scripts/count-bad-inputs.py [expected/*.out]
"""
import collections
import glob
import os
import re
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
names = set()
for f in glob.glob(os.path.join(root, 'src/sql/*.sql')):
    text = open(f).read()
    names.update(re.findall(r'CREATE (?:FUNCTION|AGGREGATE|TYPE)\s+(\w+)', text, re.I))
names = sorted(names, key=len, reverse=True)
name_re = re.compile(r'\b(' + '|'.join(map(re.escape, names)) + r')\b')
err_row = re.compile(r'^ ([0-9A-Z]{5}): (.*)$')

def attribute(stmt, msg):
    m = re.search(r'(?:input syntax|binary value) for type (\w+)', msg)
    if m:
        return 'type ' + m.group(1)
    m = re.match(r'(\w+): ', msg)
    if m and m.group(1) in names:
        return m.group(1)
    m = name_re.search(stmt)
    if m:
        return m.group(1)
    m = re.match(r'(sum|eigentrust|private eigentrust)\b', msg)
    if m:
        return m.group(1)
    return '(PostgreSQL)'

counts = collections.Counter()
per_file = collections.Counter()
states = collections.Counter()
files = sys.argv[1:] or sorted(glob.glob(os.path.join(root, 'expected/*.out')))
for f in files:
    stmt = []
    in_stmt = False
    for line in open(f):
        line = line.rstrip('\n')
        m = re.match(r'^(?:psql:[^ ]* )?ERROR:  (?:([0-9A-Z]{5}): )?(.*)$', line)
        r = err_row.match(line)
        if m or r:
            msg = (m.group(2) if m else r.group(2))
            key = attribute(' '.join(stmt), msg)
            counts[key] += 1
            per_file[os.path.basename(f)] += 1
            states[(m.group(1) if m else r.group(1)) or '?'] += 1
            continue
        if re.match(r'^(SELECT|INSERT|UPDATE|DELETE|WITH|COPY|DO|SET|VALUES|TABLE|CREATE|\\\\)', line):
            stmt = [line]
            in_stmt = True
        elif in_stmt and line and not line.startswith(('-', ' ', '(')):
            stmt.append(line)
total = sum(counts.values())
print('bad inputs tried by pg_regress: %d' % total)
print('\nper file:')
for k, v in sorted(per_file.items()):
    print('  %-28s %4d' % (k, v))
print('\nper type or function:')
for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
    print('  %-40s %4d' % (k, v))
print('\nper SQLSTATE (where the output shows it):')
for k, v in sorted(states.items(), key=lambda kv: -kv[1]):
    print('  %-8s %4d' % (k, v))
