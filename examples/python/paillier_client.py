#!/usr/bin/env python3
"""Encrypt at the edge, add up in PostgreSQL: a Python client of mpc_eigentrust.

The analyst makes a Paillier key pair here, in Python, and gives the database
only the modulus n.  Clients encrypt with n alone; the database adds up and
scales ciphertexts without any key; the analyst reads the results as
python-paillier JSON and decrypts them here.

    python3 paillier_client.py "dbname=mydb"     # any libpq connection string

Needs only Python 3.8+ and psycopg 3 (Debian: python3-psycopg).  Exits 0 when
every decrypted result equals the sum computed in the clear, 1 otherwise.
See docs/clients.md.
"""
import base64
import json
import math
import secrets
import sys
from decimal import Decimal

import psycopg
from psycopg.adapt import Dumper, Loader
from psycopg.types import TypeInfo


# ---------------------------------------------------------------------------
# Paillier with g = n + 1 (the only generator mpc_eigentrust accepts).
# ---------------------------------------------------------------------------
class PublicKey:
    """All a client needs: the modulus n."""

    def __init__(self, n):
        self.n = n
        self.nsq = n * n
        self.max_int = n // 3 - 1        # python-paillier's signed range

    def encrypt(self, value, scale=0, max_abs=2**63):
        """Encrypt value * 10^scale; digits beyond the scale are an error.
        max_abs is the column's declared range: the ciphertext's public
        magnitude bound comes from it, never from the value."""
        d = Decimal(str(value)).scaleb(scale)
        if d != d.to_integral_value():
            raise ValueError(f"{value} has more decimals than scale {scale}")
        m = int(d)
        if abs(d) > Decimal(max_abs).scaleb(scale):
            raise OverflowError("value exceeds the declared max_abs")
        bound = int(Decimal(max_abs).scaleb(scale).to_integral_value(rounding="ROUND_CEILING")).bit_length()
        if abs(m) > self.max_int or bound > self.n.bit_length() - 3:
            raise OverflowError("value out of range for this key")
        while True:
            r = secrets.randbelow(self.n - 1) + 1
            if math.gcd(r, self.n) == 1:
                break
        # (n + 1)^m = 1 + m*n (mod n^2), so no exponentiation by m is needed
        c = (1 + (m % self.n) * self.n) * pow(r, self.n, self.nsq) % self.nsq
        return Ciphertext(self.n, c, scale, bound)


class PrivateKey:
    def __init__(self, p, q):
        self.public_key = PublicKey(p * q)
        n = self.public_key.n
        self.lam = (p - 1) * (q - 1) // math.gcd(p - 1, q - 1)
        self.mu = pow(self.lam, -1, n)   # L((n+1)^lam) = lam (mod n)

    def decrypt(self, ct):
        pk = self.public_key
        if ct.n != pk.n:
            raise ValueError("ciphertext is under another key")
        m = (pow(ct.c, self.lam, pk.nsq) - 1) // pk.n * self.mu % pk.n
        if m > pk.max_int:
            if m < pk.n - pk.max_int:
                raise OverflowError("the computation overflowed")
            m -= pk.n
        return Decimal(m).scaleb(-ct.scale)


def _probable_prime(x, rounds=40):
    for sp in (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47):
        if x % sp == 0:
            return x == sp
    d, s = x - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(rounds):
        y = pow(secrets.randbelow(x - 3) + 2, d, x)
        if y in (1, x - 1):
            continue
        for _ in range(s - 1):
            y = y * y % x
            if y == x - 1:
                break
        else:
            return False
    return True


def _prime(bits):
    while True:
        x = secrets.randbits(bits) | (3 << (bits - 2)) | 1   # top two bits: n has 2*bits
        if _probable_prime(x):
            return x


def keygen(bits=2048):
    while True:
        p, q = _prime(bits // 2), _prime(bits // 2)
        if p != q:
            return PrivateKey(p, q)


# ---------------------------------------------------------------------------
# Ciphertexts to and from the database.
# ---------------------------------------------------------------------------
def _b64(x, width=None):
    raw = x.to_bytes(width or (x.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(s):
    return int.from_bytes(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)), "big")


class Ciphertext:
    def __init__(self, n, c, scale=0, bound=None):
        # bound: the public magnitude bound B, |value * 10^scale| <= 2^B
        self.n, self.c, self.scale, self.bound = n, c, scale, bound

    def to_json(self):
        """python-paillier's {"v", "e"}, plus our "scale" and "bound" (read
        by paillier_ciphertext_from_json)."""
        obj = {"v": str(self.c), "e": 0, "scale": self.scale}
        if self.bound is not None:
            obj["bound"] = self.bound
        return obj

    @classmethod
    def from_json(cls, n, obj):
        """The jsonb of paillier_ciphertext_to_json(): e is 0, "scale", when
        present, is the decimal scale and "bound" the magnitude bound."""
        if obj.get("e", 0) != 0:
            raise ValueError("expected e = 0")
        return cls(n, int(obj["v"]), obj.get("scale", 0), obj.get("bound"))

    def to_text(self):
        """The text form of paillier_ciphertext: ct2:<scale>:<bound>:<n>:<c>,
        base64url without padding, c at the full width of n^2."""
        if self.bound is None:
            raise ValueError("a ciphertext needs its magnitude bound to be sent as text")
        nbytes = (self.n.bit_length() + 7) // 8
        return f"ct2:{self.scale}:{self.bound}:{_b64(self.n)}:{_b64(self.c, 2 * nbytes)}"

    @classmethod
    def from_text(cls, text):
        """Reads format 2, and format 1 (no bound) as written by 0.1.0."""
        parts = text.split(":")
        if parts[0] == "ct2" and len(parts) == 5:
            return cls(_unb64(parts[3]), _unb64(parts[4]), int(parts[1]), int(parts[2]))
        if parts[0] == "ct1" and len(parts) == 4:
            return cls(_unb64(parts[2]), _unb64(parts[3]), int(parts[1]))
        raise ValueError(f"unknown ciphertext format {parts[0]}")


class CiphertextLoader(Loader):
    def load(self, data):
        return Ciphertext.from_text(bytes(data).decode())


def register_adapters(conn):
    """Make paillier_ciphertext columns come back as Ciphertext objects, and
    let Ciphertext objects be passed as query parameters."""
    info = TypeInfo.fetch(conn, "paillier_ciphertext")

    class CiphertextDumper(Dumper):
        oid = info.oid

        def dump(self, obj):
            return obj.to_text().encode()

    conn.adapters.register_loader(info.oid, CiphertextLoader)
    conn.adapters.register_dumper(Ciphertext, CiphertextDumper)


# ---------------------------------------------------------------------------
# The example: average salary and a raise, computed on ciphertexts.
# ---------------------------------------------------------------------------
SALARIES = [("Alice", "4200.50"), ("Bob", "3900.00"), ("Julia", "5100.25"),
            ("Charles", "4480.75"), ("Eve", "-120.40")]   # a negative correction


def main(dsn):
    failures = 0

    def check(what, got, want):
        nonlocal failures
        ok = got == want
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {what}: {got}" + ("" if ok else f" (want {want})"))

    analyst = keygen(2048)                 # the private key never leaves Python
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS mpc_eigentrust")
        conn.execute("DROP TABLE IF EXISTS salaries, analyst_pubkey")
        conn.execute("CREATE TABLE analyst_pubkey AS SELECT paillier_pubkey_from_n(%s) AS pk",
                     (str(analyst.public_key.n),))
        conn.execute("CREATE TABLE salaries (name text, salary paillier_ciphertext)")

        # A client knows only n, which it reads from the database.
        n = int(conn.execute("SELECT paillier_n(pk)::text FROM analyst_pubkey").fetchone()[0])
        client = PublicKey(n)

        # 1. as python-paillier JSON, through paillier_ciphertext_from_json
        for name, amount in SALARIES[:3]:
            conn.execute("""INSERT INTO salaries
                            SELECT %s, paillier_ciphertext_from_json(pk, %s::jsonb) FROM analyst_pubkey""",
                         (name, json.dumps(client.encrypt(amount, 2).to_json())))
        # 2. as Ciphertext objects, through the psycopg adapter
        register_adapters(conn)
        for name, amount in SALARIES[3:]:
            conn.execute("INSERT INTO salaries VALUES (%s, %s)", (name, client.encrypt(amount, 2)))

        # The database adds and scales without any key.
        total, raised, count = conn.execute("""
            SELECT paillier_ciphertext_to_json(sum(salary)),
                   paillier_ciphertext_to_json(sum(salary * 1.03 + 100)),
                   count(*)
            FROM salaries""").fetchone()
        # ... and, with the adapter, a ciphertext comes back as an object
        total_obj = conn.execute("SELECT sum(salary) FROM salaries").fetchone()[0]

    # Only the analyst decrypts, here.
    want_total = sum(Decimal(a) for _, a in SALARIES)
    want_raised = sum(Decimal(a) * Decimal("1.03") + 100 for _, a in SALARIES)
    check("rows", count, len(SALARIES))
    check("sum(salary), JSON", analyst.decrypt(Ciphertext.from_json(n, total)), want_total)
    check("sum(salary * 1.03 + 100), JSON", analyst.decrypt(Ciphertext.from_json(n, raised)), want_raised)
    check("sum(salary), adapter", analyst.decrypt(total_obj), want_total)
    check("average", analyst.decrypt(total_obj) / count, want_total / len(SALARIES))
    check("JSON scale", (total.get("scale"), raised.get("scale")), (2, 4))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ""))
