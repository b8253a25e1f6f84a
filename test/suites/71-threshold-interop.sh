#!/usr/bin/env bash
# Interop with python-paillier's formats and a threshold key: the public key
# of a 3-of-5 dealing is exported as a JWK (paillier_jwk), a few lines of
# Python encrypt with it exactly as python-paillier does (g = n + 1,
# c = (1 + m n) r^n mod n^2, mantissa m at a base-16 exponent e) and write
# its {"v", "e"} JSON; the ciphertexts are imported here with
# paillier_ciphertext_from_json, summed and threshold-decrypted.
# python-paillier is not in Debian; the encryption is the textbook one.
set -euo pipefail
py="${MPC_PYTHON:-/usr/bin/python3}"
if ! command -v "$py" >/dev/null; then
	if [ "${CI:-}" = true ]; then echo "FAIL: python3 is missing"; exit 1; fi
	echo "SKIP: threshold interop: python3 is not installed"; exit 77
fi
db=mpc_threshold_interop_suite
trap 'dropdb --if-exists "$db" >/dev/null 2>&1 || true' EXIT
dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb "$db"
sql() { psql -X -At -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }
sql "CREATE EXTENSION mpc_eigentrust" >/dev/null
sql "CREATE TABLE dealt AS SELECT row_number() OVER () AS i, pubkey, share FROM paillier_threshold_keygen(2048, 5, 3)" >/dev/null
jwk=$(sql "SELECT paillier_jwk(pubkey) FROM dealt WHERE i = 1")

# python-paillier's EncodedNumber: value = mantissa * 16^e, mantissa mod n
cts=$(printf '%s' "$jwk" | "$py" -c '
import base64, json, math, secrets, sys
jwk = json.load(sys.stdin)
assert jwk["kty"] == "DAJ" and jwk["alg"] == "PAI-GN1"
b = jwk["n"]
n = int.from_bytes(base64.urlsafe_b64decode(b + "=" * (-len(b) % 4)), "big")
nsq = n * n
def enc(mantissa, e):
    m = mantissa % n
    while True:
        r = secrets.randbelow(n)
        if r > 0 and math.gcd(r, n) == 1:
            break
    return {"v": str((1 + m * n) * pow(r, n, nsq) % nsq), "e": e}
# 12.5 = 200 * 16^-1, -3.25 = -52 * 16^-1, 7 = 112 * 16^-1, -0.0625 = -1 * 16^-1
print(json.dumps([enc(200, -1), enc(-52, -1), enc(7 * 16, -1), enc(-1, -1)]))
')
sql "CREATE TABLE cts AS SELECT o, paillier_ciphertext_from_json(d.pubkey, c) AS ct
     FROM dealt d, jsonb_array_elements('$cts'::jsonb) WITH ORDINALITY AS t(c, o) WHERE d.i = 1" >/dev/null

pass=0; fail=0
check() { if [ "$2" = "$3" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1: got '$2', want '$3'"; fi; }
check "scale from e = -1" "$(sql "SELECT paillier_scale(ct) FROM cts WHERE o = 1")" "4"
# each value on its own, with shares 1, 3, 5
got=$(sql "SELECT string_agg(v::text, ' ' ORDER BY o) FROM (
             SELECT c.o, paillier_combine(paillier_decrypt_share(c.ct, d.share)) AS v
             FROM cts c, dealt d WHERE d.i IN (1, 3, 5) GROUP BY c.o) s")
check "python-paillier ciphertexts, threshold-decrypted one by one" "$got" "12.5000 -3.2500 7.0000 -0.0625"
# their sum with shares 2, 4, 5 and with 1, 2, 3
for set in "2, 4, 5" "1, 2, 3"; do
	got=$(sql "SELECT paillier_combine(paillier_decrypt_share(t.ct, d.share))
	           FROM (SELECT sum(ct) AS ct FROM cts) t, dealt d WHERE d.i IN ($set)")
	check "sum with shares $set" "$got" "16.1875"
done
# two shares are refused
out=$(psql -X -q -d "$db" -v VERBOSITY=verbose -c "SELECT paillier_combine(paillier_decrypt_share(c.ct, d.share)) FROM cts c, dealt d WHERE c.o = 1 AND d.i IN (1, 2)" 2>&1 || true)
if grep -q 'ERROR:  22023' <<<"$out"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: two shares: $out"; fi
echo "threshold interop (python-paillier formats): $pass passed, $fail failed"
[ "$fail" -eq 0 ]
