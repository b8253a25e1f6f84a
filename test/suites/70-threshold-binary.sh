#!/usr/bin/env bash
# Threshold Paillier end to end in a throwaway database: a real 2048-bit
# safe-prime dealing by paillier_threshold_keygen, key shares and decryption
# shares through COPY BINARY and back (the values must come back identical
# and still decrypt), and mutated binary values refused with 22P03.
set -euo pipefail
db=mpc_threshold_binary_suite
work=$(mktemp -d)
trap 'rm -rf "$work"; dropdb --if-exists "$db" >/dev/null 2>&1 || true' EXIT
dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb "$db"
sql() { psql -X -At -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }
psql -X -q -v ON_ERROR_STOP=1 -d "$db" <<SQL
CREATE EXTENSION mpc_eigentrust;
CREATE TABLE dealt AS
SELECT row_number() OVER () AS i, pubkey, share FROM paillier_threshold_keygen(2048, 4, 3);
CREATE TABLE data AS
SELECT paillier_encrypt(g * 0.5, (SELECT pubkey FROM dealt WHERE i = 1), 1) AS ct FROM generate_series(1, 10) g;
CREATE TABLE total AS SELECT sum(ct) AS ct FROM data;
CREATE TABLE dec AS SELECT d.i, paillier_decrypt_share(t.ct, d.share) AS ds FROM dealt d, total t;
\copy (SELECT share FROM dealt ORDER BY i) TO '$work/ks.bin' WITH (FORMAT binary)
\copy (SELECT ds FROM dec ORDER BY i) TO '$work/ds.bin' WITH (FORMAT binary)
CREATE TABLE ks_in (share paillier_keyshare);
CREATE TABLE ds_in (ds paillier_decshare);
SQL

pass=0; fail=0
check() { if [ "$2" = "$3" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1: got '$2', want '$3'"; fi; }

check "dealt shares" "$(sql "SELECT count(*) || ' ' || count(DISTINCT pubkey::text) FROM dealt")" "4 1"
check "display redacted" "$(sql "SELECT share FROM dealt WHERE i = 2")" \
	"ks1 share 2 of 4 (threshold 3) key $(sql "SELECT paillier_fingerprint(pubkey) FROM dealt WHERE i = 1") [share value redacted]"
check "3 of 4 decrypt" "$(sql "SELECT paillier_combine(ds) FROM dec WHERE i > 1")" "27.5"

# round trip: identical values, and they still work
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "\\copy ks_in FROM '$work/ks.bin' WITH (FORMAT binary)"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "\\copy ds_in FROM '$work/ds.bin' WITH (FORMAT binary)"
check "key shares identical after COPY BINARY" \
	"$(sql "SELECT count(*) FROM ks_in k JOIN dealt d ON paillier_keyshare_export(k.share) = paillier_keyshare_export(d.share)")" "4"
check "decryption shares identical after COPY BINARY" \
	"$(sql "SELECT count(*) FROM ds_in k JOIN dec d ON k.ds::text = d.ds::text")" "4"
check "reloaded decryption shares combine" "$(sql "SELECT paillier_combine(ds) FROM ds_in")" "27.5"
check "reloaded key shares decrypt" \
	"$(sql "SELECT paillier_combine(paillier_decrypt_share(t.ct, k.share)) FROM ks_in k, total t")" "27.5"

# mutated one-row files
"${MPC_PYTHON:-/usr/bin/python3}" - "$work" <<'PY'
import struct, sys, os
work = sys.argv[1]
HDR = 11 + 4 + 4
def first(name):
    raw = open(os.path.join(work, name), 'rb').read()
    ln, = struct.unpack('>i', raw[HDR+2:HDR+6])
    return raw[:HDR], raw[HDR+6:HDR+6+ln]
def save(name, head, field):
    with open(os.path.join(work, name), 'wb') as f:
        f.write(head + struct.pack('>hi', 1, len(field)) + field + struct.pack('>h', -1))
for kind in ('ks', 'ds'):
    head, v = first(kind + '.bin')
    nb, = struct.unpack('>I', v[48:52])
    save(kind + '_version.bin', head, bytes([2]) + v[1:])
    save(kind + '_kind.bin', head, v[:1] + bytes([7]) + v[2:])
    save(kind + '_threshold.bin', head, v[:2] + bytes([1]) + v[3:])
    save(kind + '_index.bin', head, v[:4] + bytes([9]) + v[5:])
    save(kind + '_reserved.bin', head, v[:5] + bytes([1]) + v[6:])
    save(kind + '_fingerprint.bin', head, v[:8] + bytes(8) + v[16:])
    save(kind + '_digest.bin', head, v[:16] + bytes([v[16] ^ 1]) + v[17:])
    save(kind + '_huge_n.bin', head, v[:48] + struct.pack('>I', 0x7fffffff) + v[52:])
    save(kind + '_truncated.bin', head, v[:-7])
    save(kind + '_short.bin', head, v[:20])
    save(kind + '_trailing.bin', head, v + b'\x00')
    save(kind + '_v_zero.bin', head, v[:52 + nb + (2 * nb if kind == 'ds' else 0)] + bytes(2 * nb)
         + v[52 + nb + (2 * nb if kind == 'ds' else 0) + 2 * nb:])
    save(kind + '_last_byte.bin', head, v[:-1] + bytes([v[-1] ^ 0x40]))
PY
expect_error() {   # file table expected-sqlstate
	local out
	out=$(psql -X -q -d "$db" -v VERBOSITY=verbose -c "\\copy $2 FROM '$work/$1' WITH (FORMAT binary)" 2>&1 || true)
	if grep -q "ERROR:  $3" <<<"$out"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); echo "FAIL: $1: expected $3, got: $out"
	fi
}
for c in version kind threshold index reserved fingerprint digest huge_n truncated short trailing v_zero; do
	expect_error "ks_$c.bin" ks_in 22P03
	expect_error "ds_$c.bin" ds_in 22P03
done
# the last byte of a key share is in its value: no longer matches its verification key
expect_error ks_last_byte.bin ks_in 22P03
# the last byte of a decryption share is in its proof: it loads, and combining names it
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "TRUNCATE ds_in" -c "\\copy ds_in FROM '$work/ds_last_byte.bin' WITH (FORMAT binary)"
out=$(psql -X -q -d "$db" -v VERBOSITY=verbose -c "SELECT paillier_combine(x) FROM (SELECT ds FROM ds_in UNION ALL SELECT ds FROM dec WHERE i > 2) s(x)" 2>&1 || true)
if grep -q "ERROR:  22000: paillier_combine: decryption share 1 has an invalid proof" <<<"$out"; then
	pass=$((pass + 1))
else
	fail=$((fail + 1)); echo "FAIL: tampered proof through COPY BINARY: $out"
fi
check "server still up" "$(sql "SELECT 1")" "1"
echo "threshold binary: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
