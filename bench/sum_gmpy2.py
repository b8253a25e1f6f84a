#!/usr/bin/env python3
"""Stand-in for python-paillier's `+` loop (python-paillier is not in Debian):
its EncryptedNumber addition is c1 * c2 mod n^2 on Python ints (gmpy2 when
installed), so a gmpy2 loop `a = a * c % n2` over ciphertext-shaped values
is that loop without python-paillier's object overhead (a lower bound on
its cost).  Prints CPU ns per addition (time.thread_time_ns).

    python3 bench/sum_gmpy2.py ROWS BITS
"""
import os
import sys
import time

import gmpy2

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
bits = int(sys.argv[2]) if len(sys.argv) > 2 else 2048
n = gmpy2.mpz(int.from_bytes(os.urandom(bits // 8), "big")) | (1 << (bits - 1)) | 1
n2 = n * n
cs = [gmpy2.mpz(int.from_bytes(os.urandom(bits // 4), "big")) % n2 for _ in range(64)]
vals = [cs[i & 63] for i in range(rows)]
a = gmpy2.mpz(1)
t0 = time.thread_time_ns()
for c in vals:
    a = a * c % n2
t1 = time.thread_time_ns()
print("gmpy2_ns %.1f check %d" % ((t1 - t0) / rows, int(a % 1000)))
