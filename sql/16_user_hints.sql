-- Common first mistakes get an ERROR (or NOTICE) that says what to write.
\set VERBOSITY default
\i sql/fixtures/test_keys.psql

-- arguments in the wrong order
SELECT paillier_encrypt(pk, 5) FROM k WHERE name = 'a';
SELECT paillier_encrypt(pk, 12.5, 1) FROM k WHERE name = 'a';
SELECT paillier_encrypt(sk, 2.5::double precision) FROM k WHERE name = 'a';
SELECT paillier_decrypt(sk, paillier_encrypt(5, pk)) FROM k WHERE name = 'a';
-- decrypting with the public key, as a value or as a literal
SELECT paillier_decrypt(paillier_encrypt(5, pk), pk) FROM k WHERE name = 'a';
SELECT pk::text AS pk_a, sk::text AS sk_a FROM k WHERE name = 'a' \gset
SELECT paillier_decrypt(paillier_encrypt(5, pk), :'pk_a') FROM k WHERE name = 'a';
-- untyped keys and values still resolve to the real functions, as a
-- client's parameters do (psycopg and node-postgres send text as unknown)
PREPARE dec(paillier_ciphertext, unknown) AS SELECT paillier_decrypt($1, $2);
PREPARE enc(unknown, paillier_pubkey) AS SELECT paillier_encrypt($1, $2, 2);
SELECT paillier_decrypt(paillier_encrypt(12.34, pk, 2), :'sk_a') AS literal_key,
       paillier_decrypt(paillier_encrypt('-1.5', pk, 2), sk) AS literal_value
FROM k WHERE name = 'a';
SELECT paillier_encrypt(7, pk)::text AS ct_a FROM k WHERE name = 'a' \gset
EXECUTE dec(:'ct_a', :'sk_a');
DEALLOCATE dec; DEALLOCATE enc;
-- the right order still resolves to the real functions, for every value type
SELECT paillier_decrypt(paillier_encrypt(5, pk), sk) AS int_literal,
       paillier_decrypt(paillier_encrypt(5::bigint, pk), sk) AS bigint,
       paillier_decrypt(paillier_encrypt(12.5, pk, 1), sk) AS numeric,
       paillier_decrypt(paillier_encrypt(2.5::double precision, sk, 1), sk) AS float_priv
FROM k WHERE name = 'a';

-- a public key from a bare modulus, decimal or 0x-hexadecimal
CREATE FUNCTION pg_temp.hex(x numeric) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  WITH RECURSIVE d(v, s) AS (
    SELECT x, ''::text
    UNION ALL
    SELECT div(v, 16), substr('0123456789abcdef', (mod(v, 16))::int + 1, 1) || s FROM d WHERE v > 0)
  SELECT s FROM d WHERE v = 0 $$;
CREATE FUNCTION pg_temp.b64url(hex text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT translate(encode(decode(CASE WHEN length(hex) % 2 = 1 THEN '0' || hex ELSE hex END, 'hex'),
                          'base64'), E'+/=\n', '-_') $$;
SELECT paillier_pubkey_from_n(paillier_n(pk)::text)::text = pk::text AS from_decimal,
       paillier_pubkey_from_n('0x' || pg_temp.hex(paillier_n(pk)))::text = pk::text AS from_hex,
       paillier_pubkey_from_n('0X' || upper(pg_temp.hex(paillier_n(pk))))::text = pk::text AS from_upper_hex,
       paillier_pubkey_from_n(paillier_n(pk)::text, (paillier_n(pk) + 1)::text)::text = pk::text AS g_n_plus_1,
       paillier_pubkey_from_n(paillier_n(pk)::text, '0x' || pg_temp.hex(paillier_n(pk) + 1))::text = pk::text AS g_hex,
       paillier_pubkey_from_n(NULL) IS NULL AS null_n
FROM k WHERE name = 'a';
-- and the key works: encrypt under the imported key, decrypt with the private key
SELECT paillier_decrypt(paillier_encrypt(-77, paillier_pubkey_from_n(paillier_n(pk)::text)), sk) AS back
FROM k WHERE name = 'a';
-- a generator other than n + 1 is refused, from n and g or from a JWK with "g"
SELECT paillier_pubkey_from_n(paillier_n(pk)::text, (paillier_n(pk) + 2)::text) FROM k WHERE name = 'a';
SELECT paillier_pubkey_from_jwk(paillier_jwk(pk) || jsonb_build_object('g', pg_temp.b64url(pg_temp.hex(paillier_n(pk) * 7 + 3))))
FROM k WHERE name = 'a';
SELECT paillier_pubkey_from_jwk(paillier_jwk(pk) || jsonb_build_object('g', pg_temp.b64url(pg_temp.hex(paillier_n(pk) + 1))))::text = pk::text
       AS jwk_g_n_plus_1
FROM k WHERE name = 'a';
-- bad moduli: validated like every other key
SELECT paillier_pubkey_from_n('');
SELECT paillier_pubkey_from_n('0x');
SELECT paillier_pubkey_from_n('abc');
SELECT paillier_pubkey_from_n('-15');
SELECT paillier_pubkey_from_n(' 15');
SELECT paillier_pubkey_from_n('0xfg');
SELECT paillier_pubkey_from_n('0');
SELECT paillier_pubkey_from_n('15');
SELECT paillier_pubkey_from_n(repeat('9', 10000));
SELECT paillier_pubkey_from_n((paillier_n(pk) + 1)::text) FROM k WHERE name = 'a';
SELECT paillier_pubkey_from_n(paillier_n(pk)::text, 'x') FROM k WHERE name = 'a';

-- a table name where eigentrust() wants a query
CREATE TABLE hint_ratings (truster bigint, trustee bigint, score int);
INSERT INTO hint_ratings VALUES (1, 2, 1), (2, 3, 1), (3, 1, 1);
SELECT * FROM eigentrust('hint_ratings');
SELECT * FROM eigentrust(' public.hint_ratings; ');
SELECT * FROM eigentrust('SELECT * FROM hint_ratings', 'pretrust');
-- TABLE is a query, and works
SELECT count(*) AS peers FROM eigentrust('TABLE hint_ratings');
-- other syntax errors are PostgreSQL's own
SELECT * FROM eigentrust('SELEC * FROM hint_ratings');

-- networkx's alpha = 0.85 means pre-trust weight 0.15 here: a NOTICE says so
SELECT count(*) AS peers FROM eigentrust('TABLE hint_ratings', alpha => 0.85);
-- 0.5 means the same in both conventions: no NOTICE
SELECT count(*) AS peers FROM eigentrust('TABLE hint_ratings', alpha => 0.5);
DROP TABLE hint_ratings;
