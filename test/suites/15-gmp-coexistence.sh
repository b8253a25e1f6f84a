#!/usr/bin/env bash
# Another GMP user in the same backend: PL/Python with gmpy2.  The extension's
# GMP allocator (palloc + wiping) must be in force only while our own code
# runs, so gmpy2 values kept in GD across our calls (including one that
# ERRORs and is caught, and eigentrust(), which runs a user query that uses
# gmpy2 from inside our function) stay valid.  Both load orders.  The backend
# must survive (same pid throughout) and every number must be right.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
db=mpc_gmp_coexist

# The pattern that makes this hold: every SQL-callable function is defined
# with MPC_FUNCTION (mpc_pg.h), which brackets it; none bypasses it.
bare=$(grep -n 'PG_FUNCTION_INFO_V1' "$here"/../../src/pg/*.c || true)
if [ -n "$bare" ]; then
	echo "FAIL: SQL-callable functions defined without MPC_FUNCTION:" >&2
	echo "$bare" >&2
	exit 1
fi
if ! psql -X -Atq -d postgres -c "SELECT 1 FROM pg_available_extensions WHERE name = 'plpython3u'" | grep -q 1 ||
   ! /usr/bin/python3 -c 'import gmpy2' 2>/dev/null; then
	if [ "${CI:-}" = true ]; then
		echo "postgresql-plpython3-15 and python3-gmpy2 are required (scripts/packages.d/gmpy2.txt)" >&2
		exit 1
	fi
	echo "skip: postgresql-plpython3-15 or python3-gmpy2 is not installed"
	exit 77
fi
trap 'dropdb --if-exists "$db" >/dev/null 2>&1 || true' EXIT
dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" <<'SQL'
CREATE EXTENSION mpc_eigentrust;
CREATE EXTENSION plpython3u;
CREATE TABLE k AS SELECT paillier_keygen(2048) AS sk;

-- Keep big gmpy2 values (limbs allocated by gmpy2's GMP) in GD.
CREATE FUNCTION keep() RETURNS text LANGUAGE plpython3u AS $$
import gmpy2
GD['a'] = gmpy2.mpz(3) ** 5000 + 12345
GD['b'] = gmpy2.mpz(7) ** 4000 - 1
GD['l'] = [(i, gmpy2.mpz(i) ** 300) for i in range(2, 200)]
return 'kept'
$$;
-- Use, grow, shrink and free them; compare with Python's own integers.
CREATE FUNCTION use_kept() RETURNS text LANGUAGE plpython3u AS $$
import gmpy2
a, b = GD['a'], GD['b']
pa, pb = 3 ** 5000 + 12345, 7 ** 4000 - 1
if int(a) != pa or int(b) != pb:
    return 'kept values changed'
if int(a * b % (2 ** 521 - 1)) != pa * pb % (2 ** 521 - 1):
    return 'product wrong'
if any(int(x) != i ** 300 for i, x in GD['l']):
    return 'list changed'
GD['a'] = a * a * b          # realloc-ish growth, old value freed
GD['l'] = GD['l'][::2]       # frees half of them
GD['a'] = gmpy2.mpz(3) ** 5000 + 12345
return 'ok'
$$;
-- Our functions called from inside Python while gmpy2 values are live,
-- one of which ERRORs and is caught.
CREATE FUNCTION mixed() RETURNS text LANGUAGE plpython3u AS $$
import gmpy2
x = gmpy2.mpz(11) ** 3000
r = plpy.execute("SELECT paillier_decrypt(paillier_encrypt(41::bigint, paillier_pubkey(sk)) + 1, sk)::text AS v FROM k")
if r[0]['v'] != '42':
    return 'decrypt wrong: ' + r[0]['v']
try:
    plpy.execute("SELECT paillier_encrypt(1::bigint, 'paillier_pubkey:garbage'::paillier_pubkey)")
    return 'bad key accepted'
except plpy.SPIError:
    pass
try:
    plpy.execute("SELECT paillier_decrypt(paillier_encrypt(1::bigint, paillier_pubkey(paillier_keygen(2048))), sk) FROM k")
    return 'wrong key accepted'
except plpy.SPIError:
    pass
y = x * gmpy2.mpz(13) ** 2000
if int(y) != 11 ** 3000 * 13 ** 2000:
    return 'local value wrong'
return 'ok'
$$;
-- Called from the user query that eigentrust() runs through SPI.
CREATE FUNCTION gmpy_weight(i int) RETURNS double precision LANGUAGE plpython3u AS $$
import gmpy2
v = GD['a'] + gmpy2.mpz(i) ** 2000
GD.setdefault('tmp', []).append(v)
if len(GD['tmp']) > 3:
    del GD['tmp'][0]
return float(int(v % 7) + 1)
$$;
SQL

check() {  # name, expected, actual
	if [ "$2" != "$3" ]; then
		echo "FAIL $1: expected [$2], got [$3]" >&2
		exit 1
	fi
	echo "ok $1"
}

# One psql session = one backend; prints pid lines and results.
run_session() {
	psql -X -Atq -v ON_ERROR_STOP=1 -d "$db" 2>&1 <<<"$1"
}

# Order 1: gmpy2 first, then our library.
out=$(run_session "
SELECT pg_backend_pid();
SELECT keep();
SELECT paillier_decrypt(paillier_encrypt(5::bigint, paillier_pubkey(sk)) * 3, sk) FROM k;
SELECT use_kept();
DO \$\$ BEGIN PERFORM paillier_encrypt(1::bigint, 'nonsense'::paillier_pubkey);
  EXCEPTION WHEN OTHERS THEN NULL; END \$\$;
SELECT use_kept();
SELECT mixed();
SELECT use_kept();
SELECT count(*), round(sum(trust)::numeric, 6) FROM eigentrust(
  'SELECT i, i % 5 + 1, gmpy_weight(i) FROM generate_series(1, 20) i');
SELECT use_kept();
SELECT pg_backend_pid();") || { echo "$out" >&2; exit 1; }
echo "$out"
mapfile -t L <<<"$out"
check "order 1: backend survived" "${L[0]}" "${L[9]}"
check "order 1: keep" kept "${L[1]}"
check "order 1: decrypt" 15 "${L[2]}"
check "order 1: gmpy2 after paillier" ok "${L[3]}"
check "order 1: gmpy2 after a caught paillier ERROR" ok "${L[4]}"
check "order 1: paillier inside python" ok "${L[5]}"
check "order 1: gmpy2 after that" ok "${L[6]}"
check "order 1: eigentrust over a gmpy2 query" "20|1.000000" "${L[7]}"
check "order 1: gmpy2 after eigentrust" ok "${L[8]}"

# Order 2: our library first (it is loaded by the first paillier call), then gmpy2.
out=$(run_session "
SELECT pg_backend_pid();
SELECT paillier_decrypt(paillier_encrypt(5::bigint, paillier_pubkey(sk)) * 3, sk) FROM k;
SELECT keep();
SELECT paillier_decrypt(paillier_encrypt(6::bigint, paillier_pubkey(sk)) * 7, sk) FROM k;
SELECT use_kept();
DO \$\$ BEGIN PERFORM paillier_decrypt(paillier_encrypt(1::bigint, paillier_pubkey(sk)), paillier_keygen(2048)) FROM k;
  EXCEPTION WHEN OTHERS THEN NULL; END \$\$;
SELECT use_kept();
SELECT mixed();
SELECT count(*), round(sum(trust)::numeric, 6) FROM eigentrust(
  'SELECT i, i % 5 + 1, gmpy_weight(i) FROM generate_series(1, 20) i');
SELECT use_kept();
SELECT pg_backend_pid();") || { echo "$out" >&2; exit 1; }
echo "$out"
mapfile -t L <<<"$out"
check "order 2: backend survived" "${L[0]}" "${L[9]}"
check "order 2: decrypt" 15 "${L[1]}"
check "order 2: keep" kept "${L[2]}"
check "order 2: decrypt after gmpy2" 42 "${L[3]}"
check "order 2: gmpy2 after paillier" ok "${L[4]}"
check "order 2: gmpy2 after a caught paillier ERROR" ok "${L[5]}"
check "order 2: paillier inside python" ok "${L[6]}"
check "order 2: eigentrust over a gmpy2 query" "20|1.000000" "${L[7]}"
check "order 2: gmpy2 after eigentrust" ok "${L[8]}"
echo "gmp coexistence: ok"
