#!/usr/bin/env python3
"""python-paillier's algorithm, timed in CPU seconds, for bench/plots.sh.

python-paillier (PyPI "phe") is not packaged in Debian, and only Debian's
archive is reachable here, so this is a stand-in: python-paillier's own
operations, with gmpy2 (Debian's python3-gmpy2) doing the arithmetic, as
python-paillier does when gmpy2 is installed:

  encrypt   c = (n*m + 1) * r^n mod n^2, r uniform in [1, n)   (raw_encrypt
            with g = n + 1 and its obfuscate(): one powmod(r, n, n^2))
  decrypt   CRT: m_p = L(c^(p-1) mod p^2) * h_p mod p, the same mod q, then
            m = m_p + ((m_q - m_p) * p^-1 mod q) * p           (raw_decrypt)
  sum       c1 * c2 mod n^2 per term                            (_raw_add)

It leaves out python-paillier's EncodedNumber and EncryptedNumber objects
(encoding, exponent checks), so it is, if anything, a little faster than
python-paillier itself.  Randomness: the secrets module (getrandom).

  plots_phe.py BITS...      prints TSV rows: impl op bits n cpu_seconds
"""
import secrets
import sys
import time

import gmpy2
from gmpy2 import mpz, powmod, invert


def keygen(bits):
    while True:
        p = gmpy2.next_prime(mpz(secrets.randbits(bits // 2)) | (mpz(1) << (bits // 2 - 1)))
        q = gmpy2.next_prime(mpz(secrets.randbits(bits // 2)) | (mpz(1) << (bits // 2 - 1)))
        n = p * q
        if p != q and n.bit_length() == bits:
            return p, q, n


class Key:
    def __init__(self, bits):
        self.p, self.q, self.n = keygen(bits)
        self.nsquare = self.n * self.n
        self.psquare = self.p * self.p
        self.qsquare = self.q * self.q
        self.p_inverse = invert(self.p, self.q)
        g = self.n + 1
        self.hp = invert((powmod(g, self.p - 1, self.psquare) - 1) // self.p, self.p)
        self.hq = invert((powmod(g, self.q - 1, self.qsquare) - 1) // self.q, self.q)

    def encrypt(self, m):
        nude = (self.n * m + 1) % self.nsquare
        r = mpz(secrets.randbelow(int(self.n) - 1) + 1)
        return nude * powmod(r, self.n, self.nsquare) % self.nsquare

    def decrypt(self, c):
        mp = (powmod(c, self.p - 1, self.psquare) - 1) // self.p * self.hp % self.p
        mq = (powmod(c, self.q - 1, self.qsquare) - 1) // self.q * self.hq % self.q
        return mp + (mq - mp) * self.p_inverse % self.q * self.p


def cpu_per_op(fn, n, reps=3):
    """Least CPU seconds of reps runs of fn() (which does n operations)."""
    best = None
    for _ in range(reps):
        t = time.process_time()
        fn()
        dt = time.process_time() - t
        best = dt if best is None or dt < best else best
    return best


def main():
    for bits in map(int, sys.argv[1:]):
        key = Key(bits)
        values = [secrets.randbelow(10**6) for _ in range(2000)]
        cts = [key.encrypt(v) for v in values[:64]]
        assert [key.decrypt(c) for c in cts] == values[:64], "stand-in decrypts wrong"
        n_enc = max(8, 96 * 2048**3 // bits**3)
        n_dec = max(32, 400 * 2048**3 // bits**3)
        n_sum = 20000
        big = [cts[i % len(cts)] for i in range(n_sum)]
        total = mpz(1)
        for c in big:
            total = total * c % key.nsquare
        assert key.decrypt(total) == sum(values[i % 64] for i in range(n_sum)), "stand-in sum wrong"

        def enc():
            for i in range(n_enc):
                key.encrypt(values[i])

        def dec():
            for i in range(n_dec):
                key.decrypt(cts[i % len(cts)])

        def add():
            t = mpz(1)
            for c in big:
                t = t * c % key.nsquare

        for op, fn, n in (("encrypt", enc, n_enc), ("decrypt", dec, n_dec), ("sum", add, n_sum)):
            print("python-paillier (stand-in)\t%s\t%d\t%d\t%.6f" % (op, bits, n, cpu_per_op(fn, n)), flush=True)


if __name__ == "__main__":
    main()
