-- Fixed test keys (generated once by paillier_keygen; for tests only) and
-- round trips of every type through text and binary.
\set VERBOSITY default
\i sql/fixtures/test_keys.psql

SELECT name, paillier_bits(pk) AS bits, length(paillier_fingerprint(pk)) AS fp_len,
       paillier_fingerprint(sk) = paillier_fingerprint(pk) AS fp_match
FROM k ORDER BY name;

-- text round trips are exact
SELECT name,
       sk::text::paillier_privkey::text = sk::text AS privkey_text,
       pk::text::paillier_pubkey::text = pk::text AS pubkey_text,
       left(sk::text, 4) AS sk_prefix, left(pk::text, 4) AS pk_prefix
FROM k ORDER BY name;

CREATE TABLE cts AS
SELECT name, x, s, paillier_encrypt(x, pk, s) AS ct
FROM k, (VALUES (0::numeric, 0), (-1, 0), (1, 0), (123.45, 2), (-0.000001, 6)) v(x, s);
SELECT name, x, ct::text::paillier_ciphertext::text = ct::text AS ct_text,
       left(ct::text, 6) AS prefix,
       paillier_decrypt(ct::text::paillier_ciphertext, sk) AS back
FROM cts JOIN k USING (name) ORDER BY name, x;

-- binary round trips through COPY BINARY
\copy (SELECT name, sk, pk FROM k ORDER BY name) TO '/tmp/mpc_eigentrust_keys.bin' WITH (FORMAT binary)
CREATE TEMP TABLE keys_back (name text, sk paillier_privkey, pk paillier_pubkey);
\copy keys_back FROM '/tmp/mpc_eigentrust_keys.bin' WITH (FORMAT binary)
SELECT b.name, b.sk::text = k.sk::text AS sk_binary, b.pk::text = k.pk::text AS pk_binary
FROM keys_back b JOIN k USING (name) ORDER BY 1;
\copy (SELECT name, x, ct FROM cts) TO '/tmp/mpc_eigentrust_cts.bin' WITH (FORMAT binary)
CREATE TEMP TABLE cts_back (name text, x numeric, ct paillier_ciphertext);
\copy cts_back FROM '/tmp/mpc_eigentrust_cts.bin' WITH (FORMAT binary)
SELECT count(*) AS rows, bool_and(b.ct::text = c.ct::text) AS ct_binary,
       bool_and(paillier_decrypt(b.ct, k.sk) = b.x) AS decrypts
FROM cts_back b JOIN cts c USING (name, x) JOIN k USING (name);

-- storage: ciphertexts are stored uncompressed (STORAGE external)
SELECT typname, typstorage FROM pg_type
WHERE typname IN ('paillier_pubkey', 'paillier_privkey', 'paillier_ciphertext') ORDER BY 1;
-- no equality on ciphertexts: encryption is randomised
SELECT count(*) AS eq_operators FROM pg_operator
WHERE oprname = '=' AND oprleft = 'paillier_ciphertext'::regtype;
-- the same value encrypts differently each time
SELECT paillier_encrypt(5::bigint, pk)::text <> paillier_encrypt(5::bigint, pk)::text AS randomised
FROM k WHERE name = 'a';

-- Format 1 ciphertexts (before the magnitude bound) are still read: text
-- ct1:... made by version 0.1.0 (Enc(-42.5) at scale 1 under key a) decrypts,
-- gets the documented legacy bound (the key's budget |n| - 3 minus 64 bits)
-- and is written back as ct2
CREATE TEMP TABLE v1 AS SELECT 'ct1:1:3YnJ6_oXyH4KBcjo0iDaf2jXQ6oHGsz8jip_ElwB3jgZZItd4Y-2ps70pbmz17u0Gbw3RuTpKx1Z4s-zb3yRgTz048uW7NOgdlHnY49sG2aDHMscfmqaLG2r1PzsGimP7JIOrrGCk1zhOEOFn-Js2D3XOJdLg7ji7LCDwBXJ_O1myeYwdT64xKKXp1MiLl82UzmYAbmEPhw6PNIB6avxvBpHHzNNqOYSy-P14ZVM6pfu0JofwHZgJnpTOzBJRivUYo7AfI5L4ahdYfQGVyHW_8xxWOEw5yttmOG2OWGhlmHaOZq4WtYrRXlQNkLZgyWjAlwfJQ8becSYhLgouiXv5Q:t3eeUXaxXbPNQ07Eu21wq7WKN_9IU_CwfWd8RRj78WbJ37w7xzvNZVCRIKkxP_3VF_yVQA-UTua1VpjtvO2TJGRdUfTOvG9yCYATDHBqpDtM8g2Gcp0T38vPtgWxB5kLny8j2n0WOLkplsMZAIuQhaRAmvahYd_fvcfZwd5BlI5qOettz5539EAbkITE0ASvO3xbCJF_NAkWbWyymTCeCziSLTwxWBG0sgADi58EkyfGOINRTKHQEtKUJ9OfjIB_cotlk8uH_wJd8ttFRubpZ8bZdngUD_mJ3sHADQ3ztd5jjil8kvHP7fSfKTEHXozJIrP2Pj8Yu9YDoashvnTHn0K82NZ3qiWIido0yPOfyHHI6_-y2VLwNJMeDvjcplHawyhAtg8vXCE_7Yv3SQ0NU0DOQkTJfwVJN1e7G-4f6CChgzxNv2eTdHo2tu5evSv-KV5odreni5wNLKTUVpvX71GcqSu60Ww6NFbWAJ_RFj5rsaIG9TlteI2o5CcYD5otVfWObWsF-N4mMSfKUie5yQ8oD3gyPW24q-KgBMb7YVC3JEPVkH4bBchmMX4bX-ojGmvrF-AenXHe_WN0MF3QgJIydMIhS1PXG3d4V99IJTDTaEVuAkVgrTmavUSQwRrWGZ0x9LkpHgot22ZDbaLx7I27zd0JJf9TwgJunwpZPZo'::paillier_ciphertext AS ct;
SELECT paillier_decrypt(ct, sk) AS v1_text, paillier_scale(ct) AS scale, paillier_bound(ct) AS legacy_bound,
       left(ct::text, 12) AS written_as, paillier_decrypt(ct::text::paillier_ciphertext, sk) AS via_ct2,
       paillier_decrypt(ct + ct * 2 + 0.5, sk) AS arith, paillier_bound(ct + ct) AS sum_bound
FROM v1, k WHERE name = 'a';
-- a format 1 value stored on disk (the layout without the bound field, in
-- native byte order as PostgreSQL stores it) is read through the same
-- accessors: built here from bytes through a binary-coercible cast
CREATE CAST (bytea AS paillier_ciphertext) WITHOUT FUNCTION;
CREATE CAST (paillier_ciphertext AS bytea) WITHOUT FUNCTION;
CREATE TEMP TABLE v1_disk AS
SELECT ('\x0100'::bytea || substr(s, 4, 1) || substr(s, 3, 1)
        || substr(s, 8, 1) || substr(s, 7, 1) || substr(s, 6, 1) || substr(s, 5, 1)
        || substr(s, 9, 8) || substr(s, 21))::paillier_ciphertext AS ct
FROM (SELECT paillier_ciphertext_send(ct) AS s FROM v1) b;
SELECT paillier_decrypt(ct, sk) AS v1_disk, paillier_bound(ct) AS legacy_bound,
       get_byte(paillier_ciphertext_send(ct), 0) AS sent_version,
       ct::text = (SELECT ct::text FROM v1) AS same_text,
       paillier_decrypt((SELECT sum(c) FROM (SELECT ct AS c UNION ALL SELECT ct FROM v1) u), sk) AS summed,
       paillier_decrypt(- ct, sk) AS negated, paillier_decrypt_many(ARRAY[ct, ct * 3], sk) AS many
FROM v1_disk, k WHERE name = 'a';
-- a corrupted stored value is an ERROR, not a crash: a wrong version, a
-- format 1 length that does not match, a format 2 bound past the budget
SELECT paillier_decrypt(('\x09' || substr(ct::bytea, 2))::paillier_ciphertext, sk) FROM v1_disk, k WHERE name = 'a';
SELECT paillier_decrypt((ct::bytea || '\x00'::bytea)::paillier_ciphertext, sk) FROM v1_disk, k WHERE name = 'a';
SELECT paillier_bound((substr(b, 1, 16) || '\xffffff7f'::bytea || substr(b, 21))::paillier_ciphertext)
FROM (SELECT paillier_encrypt(1::bigint, pk)::bytea AS b FROM k WHERE name = 'a') s;
DROP CAST (bytea AS paillier_ciphertext);
DROP CAST (paillier_ciphertext AS bytea);
