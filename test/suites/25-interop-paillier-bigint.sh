#!/usr/bin/env bash
# Interop with paillier-bigint from npm: a key made here encrypts there and
# decrypts here and the reverse; a key made there is imported here and used
# both ways.  Without node/npm it fails; a machine that cannot reach the npm
# registry skips, saying why (test/npm-install.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/test/npm-install.sh"
work=$(mktemp -d)
db=mpc_interop_suite
trap 'rm -rf "$work"; dropdb --if-exists "$db" >/dev/null 2>&1 || true' EXIT
cp "$root/test/interop/package.json" "$root/test/interop/paillier_bigint.mjs" "$work/"
npm_install "$work" "paillier-bigint interop"
js() { (cd "$work" && node paillier_bigint.mjs "$@"); }
sql() { psql -X -At -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }
dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb "$db"
sql "CREATE EXTENSION mpc_eigentrust" >/dev/null
values='["0", "1", "123456789012345678901234567890", "-42", "-1"]'
pass=0; fail=0
check() { if [ "$2" = "$3" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1: got $2, want $3"; fi; }

# 1. key made here
sql "CREATE TABLE keys AS SELECT 'here'::text AS origin, paillier_keygen(2048) AS sk" >/dev/null
jwk=$(sql "SELECT paillier_jwk(sk) FROM keys WHERE origin = 'here'")
# there -> here
cts=$(echo "{\"jwk\": $jwk, \"values\": $values}" | js encrypt)
got=$(sql "SELECT json_agg(paillier_decrypt(paillier_ciphertext_from_json(paillier_pubkey(k.sk), jsonb_build_object('v', c, 'e', 0)), k.sk)::text ORDER BY o)
           FROM keys k, jsonb_array_elements_text('$cts'::jsonb->'cts') WITH ORDINALITY AS t(c, o) WHERE origin = 'here'")
check "key here, encrypted by paillier-bigint, decrypted here" "$got" '["0", "1", "123456789012345678901234567890", "-42", "-1"]'
# here -> there
cts=$(sql "SELECT json_build_object('cts', json_agg(paillier_ciphertext_to_json(paillier_encrypt(v::numeric, paillier_pubkey(k.sk)))->>'v' ORDER BY o))
           FROM keys k, jsonb_array_elements_text('$values'::jsonb) WITH ORDINALITY AS t(v, o) WHERE origin = 'here'")
got=$(echo "{\"jwk\": $jwk, \"cts\": $(echo "$cts" | sed 's/^{"cts" : //; s/}$//')}" | js decrypt)
check "key here, encrypted here, decrypted by paillier-bigint" "$got" "{\"values\":$(echo "$values" | tr -d ' ')}"
# a homomorphic sum made here decrypts there
cts=$(sql "SELECT json_build_object('cts', json_build_array(paillier_ciphertext_to_json(sum(paillier_encrypt(v::numeric, paillier_pubkey(k.sk))))->>'v'))
           FROM keys k, jsonb_array_elements_text('$values'::jsonb) AS t(v) WHERE origin = 'here' GROUP BY k.origin")
got=$(echo "{\"jwk\": $jwk, \"cts\": $(echo "$cts" | sed 's/^{"cts" : //; s/}$//')}" | js decrypt)
check "sum() here decrypted by paillier-bigint" "$got" '{"values":["123456789012345678901234567848"]}'

# 2. key made there
jwk2=$(js keygen | sed 's/^{"jwk"://; s/}$//')
sql "INSERT INTO keys SELECT 'there', paillier_privkey_from_jwk('$jwk2'::jsonb)" >/dev/null
check "imported paillier-bigint key has 2048 bits" "$(sql "SELECT paillier_bits(paillier_pubkey(sk)) FROM keys WHERE origin = 'there'")" "2048"
cts=$(echo "{\"jwk\": $jwk2, \"values\": $values}" | js encrypt)
got=$(sql "SELECT json_agg(paillier_decrypt(paillier_ciphertext_from_json(paillier_pubkey(k.sk), jsonb_build_object('v', c, 'e', 0)), k.sk)::text ORDER BY o)
           FROM keys k, jsonb_array_elements_text('$cts'::jsonb->'cts') WITH ORDINALITY AS t(c, o) WHERE origin = 'there'")
check "key there, encrypted there, decrypted here" "$got" '["0", "1", "123456789012345678901234567890", "-42", "-1"]'
cts=$(sql "SELECT json_build_object('cts', json_agg(paillier_ciphertext_to_json(paillier_encrypt(v::numeric, paillier_pubkey(k.sk)))->>'v' ORDER BY o))
           FROM keys k, jsonb_array_elements_text('$values'::jsonb) WITH ORDINALITY AS t(v, o) WHERE origin = 'there'")
got=$(echo "{\"jwk\": $jwk2, \"cts\": $(echo "$cts" | sed 's/^{"cts" : //; s/}$//')}" | js decrypt)
check "key there, encrypted here, decrypted there" "$got" "{\"values\":$(echo "$values" | tr -d ' ')}"
echo "paillier-bigint interop: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
