-- Bad input to every input function and SQL function: a clean ERROR with a
-- SQLSTATE each time, and the server stays up.  Each case runs through
-- err(), which returns 'SQLSTATE: message' (or 'no error').
-- Syntax errors are 22P02; well-formed but invalid keys, ciphertexts and
-- arguments are 22023; another key is 22000; overflow is 22003.
\i sql/fixtures/test_keys.psql
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $f$
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  DECLARE d text;
  BEGIN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
    RETURN SQLSTATE || ': ' || SQLERRM || coalesce(nullif(' | ' || d, ' | '), '');
  END;
END $f$;

-- malformed and truncated text
SELECT pg_temp.err($q$SELECT ''::paillier_pubkey$q$);
SELECT pg_temp.err($q$SELECT 'garbage'::paillier_pubkey$q$);
SELECT pg_temp.err($q$SELECT 'pk1:'::paillier_pubkey$q$);
SELECT pg_temp.err($q$SELECT 'pk2:AQAB'::paillier_pubkey$q$);
SELECT pg_temp.err($q$SELECT 'pk1:AQ*B'::paillier_pubkey$q$);
SELECT pg_temp.err($q$SELECT 'pk1:AAEAAQ'::paillier_pubkey$q$);
SELECT pg_temp.err($q$SELECT 'pk1:AQAB:extra'::paillier_pubkey$q$);
SELECT pg_temp.err($q$SELECT left(pk::text, 200)::paillier_pubkey FROM k WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT ''::paillier_privkey$q$);
SELECT pg_temp.err($q$SELECT 'sk1:AQAB'::paillier_privkey$q$);
SELECT pg_temp.err($q$SELECT 'sk1:AQAB:AQAB'::paillier_privkey$q$);
SELECT pg_temp.err($q$SELECT 'sk1:AQAB:AQAB:AQAB'::paillier_privkey$q$);
SELECT pg_temp.err($q$SELECT ''::paillier_ciphertext$q$);
SELECT pg_temp.err($q$SELECT 'ct1'::paillier_ciphertext$q$);
SELECT pg_temp.err($q$SELECT 'ct1:x:AQAB:AQ'::paillier_ciphertext$q$);
SELECT pg_temp.err($q$SELECT 'ct1:-1:AQAB:AQ'::paillier_ciphertext$q$);
SELECT pg_temp.err($q$SELECT 'ct2:0:AQAB:AQ'::paillier_ciphertext$q$);
SELECT pg_temp.err($q$SELECT left(c::text, 500)::paillier_ciphertext FROM (SELECT paillier_encrypt(1::bigint, pk) AS c FROM k WHERE name = 'a') s$q$);
-- a ciphertext whose c is 0, or n^2, or shares a factor with n
SELECT pg_temp.err($q$SELECT ('ct1:0:' || split_part(pk::text, ':', 2) || ':' || repeat('A', 683))::paillier_ciphertext FROM k WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT ('ct1:0:' || split_part(pk::text, ':', 2) || ':' || repeat('_', 682) || 'w')::paillier_ciphertext FROM k WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT ('ct1:0:' || split_part(pk::text, ':', 2) || ':' || repeat('_', 683))::paillier_ciphertext FROM k WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT ('ct1:0:' || split_part(pk::text, ':', 2) || ':AA')::paillier_ciphertext FROM k WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT ('ct1:0:' || split_part(pk::text, ':', 2) || ':' || split_part(pk::text, ':', 2))::paillier_ciphertext FROM k WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT ('ct1:1001:' || split_part(c::text, ':', 4) || ':' || split_part(c::text, ':', 5))::paillier_ciphertext
FROM (SELECT paillier_encrypt(1::bigint, pk) AS c FROM k WHERE name = 'a') s$q$);
SELECT pg_temp.err($q$SELECT ('ct2:1001:63:' || split_part(c::text, ':', 4) || ':' || split_part(c::text, ':', 5))::paillier_ciphertext
FROM (SELECT paillier_encrypt(1::bigint, pk) AS c FROM k WHERE name = 'a') s$q$);
-- format 2: the bound is a non-negative integer within the key's budget
SELECT b, pg_temp.err(format($q$SELECT ('ct2:0:%s:' || split_part(c::text, ':', 4) || ':' || split_part(c::text, ':', 5))::paillier_ciphertext
FROM (SELECT paillier_encrypt(1::bigint, pk) AS c FROM k WHERE name = 'a') s$q$, b))
FROM (VALUES ('2045'), ('2046'), ('-1'), ('x'), (''), ('99999999999')) v(b);
SELECT pg_temp.err($q$SELECT 'ct2:0:AQAB:AQ'::paillier_ciphertext$q$);
SELECT pg_temp.err($q$SELECT 'ct2:0:1:AQAB:AQ:x'::paillier_ciphertext$q$);
-- a private key with p = q, or with q replaced by a composite (another n)
SELECT pg_temp.err($q$SELECT ('sk1:' || split_part(sk::text, ':', 2) || ':' || split_part(sk::text, ':', 2))::paillier_privkey FROM k WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT ('sk1:' || split_part(a.sk::text, ':', 2) || ':' || split_part(b.pk::text, ':', 2))::paillier_privkey
FROM k a, k b WHERE a.name = 'a' AND b.name = 'b'$q$);
-- the key's text never appears in an error (no 'sk1:' in any message above)

-- keygen, encrypt, decrypt arguments
SELECT pg_temp.err($q$SELECT paillier_keygen(1024)$q$);
SELECT pg_temp.err($q$SELECT paillier_keygen(8193 * 2)$q$);
SELECT paillier_keygen(NULL) IS NULL AS null_in_null_out;
SELECT pg_temp.err($q$SELECT paillier_encrypt(1::bigint, pk, -1) FROM k WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT paillier_encrypt(1::bigint, pk, 1001) FROM k WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT paillier_encrypt(1.25, pk, 1) FROM k WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT paillier_encrypt('NaN'::numeric, pk) FROM k WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT paillier_encrypt('Infinity'::numeric, pk) FROM k WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT paillier_encrypt('NaN'::float8, pk) FROM k WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT paillier_encrypt('-Infinity'::float8, pk) FROM k WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT paillier_encrypt(1e308::float8, pk, 400) FROM k WHERE name = 'a'$q$);
SELECT paillier_encrypt(NULL::bigint, pk) IS NULL AS null_value, paillier_encrypt(1::bigint, NULL::paillier_pubkey) IS NULL AS null_key,
       paillier_encrypt(1::bigint, pk, NULL) IS NULL AS null_scale FROM k WHERE name = 'a';
SELECT pg_temp.err($q$SELECT paillier_decrypt(paillier_encrypt(1::bigint, a.pk), b.sk) FROM k a, k b WHERE a.name = 'a' AND b.name = 'c'$q$);
SELECT paillier_decrypt(NULL, sk) IS NULL AS null_ct FROM k WHERE name = 'a';

-- JSON and JWK
SELECT pg_temp.err($q$SELECT paillier_pubkey_from_jwk('[]')$q$);
SELECT pg_temp.err($q$SELECT paillier_pubkey_from_jwk('{}')$q$);
SELECT pg_temp.err($q$SELECT paillier_pubkey_from_jwk('{"kty": "RSA", "n": "AQAB"}')$q$);
SELECT pg_temp.err($q$SELECT paillier_pubkey_from_jwk('{"kty": "DAJ", "alg": "PAI-XYZ", "n": "AQAB"}')$q$);
SELECT pg_temp.err($q$SELECT paillier_pubkey_from_jwk('{"kty": "DAJ", "n": 65537}')$q$);
SELECT pg_temp.err($q$SELECT paillier_pubkey_from_jwk('{"kty": "DAJ", "n": "AQ=="}')$q$);
SELECT pg_temp.err($q$SELECT paillier_pubkey_from_jwk('{"kty": "DAJ", "n": "AQAB"}')$q$);
SELECT pg_temp.err($q$SELECT paillier_privkey_from_jwk('{"kty": "DAJ", "p": "AQAB"}')$q$);
SELECT pg_temp.err($q$SELECT paillier_privkey_from_jwk(jsonb_build_object('kty', 'DAJ', 'p', j->>'p', 'q', j->>'p')) FROM k, LATERAL (SELECT paillier_jwk(sk) j) x WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT paillier_privkey_from_jwk(jsonb_set(a, '{pub}', b->'pub'))
FROM (SELECT paillier_jwk(a.sk) a, paillier_jwk(b.sk) b FROM k a, k b WHERE a.name = 'a' AND b.name = 'b') s$q$);
SELECT pg_temp.err($q$SELECT paillier_ciphertext_from_json(pk, '{"e": 0}') FROM k WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT paillier_ciphertext_from_json(pk, '{"v": "12x", "e": 0}') FROM k WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT paillier_ciphertext_from_json(pk, '{"v": "-5", "e": 0}') FROM k WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT paillier_ciphertext_from_json(pk, '{"v": "0", "e": 0}') FROM k WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT paillier_ciphertext_from_json(pk, jsonb_build_object('v', (paillier_n(pk) * paillier_n(pk))::text, 'e', 0)) FROM k WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT paillier_ciphertext_from_json(pk, jsonb_build_object('v', paillier_n(pk)::text, 'e', 0)) FROM k WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT paillier_ciphertext_from_json(pk, '{"v": "5", "e": 65}') FROM k WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT paillier_ciphertext_from_json(pk, '{"v": "5", "e": -251}') FROM k WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT paillier_ciphertext_from_json(pk, '{"v": "5", "e": 1.5}') FROM k WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT paillier_ciphertext_from_json(pk, '{"v": "5", "e": "0"}') FROM k WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT paillier_ciphertext_from_json(pk, '{"v": "5", "e": -1, "scale": 2}') FROM k WHERE name = 'a'$q$);
SELECT pg_temp.err($q$SELECT paillier_ciphertext_from_json(pk, '[1]') FROM k WHERE name = 'a'$q$);

-- a private key never appears in an error report: PostgreSQL prints the
-- failing row of a NOT NULL or CHECK violation through the output function
CREATE TEMP TABLE sk_rows (id int NOT NULL, sk paillier_privkey CHECK (id > 0));
INSERT INTO sk_rows SELECT NULL, sk FROM test_keys WHERE name = 'a';
INSERT INTO sk_rows SELECT -1, sk FROM test_keys WHERE name = 'b';
DO $$ BEGIN RAISE EXCEPTION 'the key is %', (SELECT sk FROM test_keys WHERE name = 'c'); END $$;
-- but the type's text form is unchanged
SELECT left(sk::text, 12) AS text_form FROM test_keys WHERE name = 'a';

-- secrets still held when their memory context goes (an ERROR) are wiped
SELECT _mpc_memory_selftest() AS wiped_on_reset;

-- after all of that the server is still up
SELECT 'still up' AS status;

