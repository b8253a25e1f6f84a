-- python-paillier interop: JWK keys and {"v", "e"} ciphertexts.
\set VERBOSITY default
\i sql/fixtures/test_keys.psql

-- JWK shapes (values vary with the key, so show the member names)
SELECT jsonb_object_keys(paillier_jwk(pk)) AS pub_members FROM k WHERE name = 'a' ORDER BY 1;
SELECT jsonb_object_keys(paillier_jwk(sk)) AS priv_members FROM k WHERE name = 'a' ORDER BY 1;
SELECT paillier_jwk(pk)->>'kty' AS kty, paillier_jwk(pk)->>'alg' AS alg,
       paillier_jwk(pk)->'key_ops' AS ops, paillier_jwk(sk)->'key_ops' AS priv_ops,
       paillier_jwk(sk)->'pub' = paillier_jwk(pk) AS embedded_pub
FROM k WHERE name = 'a';
-- export then import is exact
SELECT name, paillier_pubkey_from_jwk(paillier_jwk(pk))::text = pk::text AS pub_rt,
       paillier_privkey_from_jwk(paillier_jwk(sk))::text = sk::text AS priv_rt
FROM k ORDER BY name;
-- python-paillier's private JWK may list p and q either way round
SELECT paillier_privkey_from_jwk(jsonb_build_object('kty', 'DAJ', 'p', j->>'q', 'q', j->>'p'))::text = sk::text AS swapped
FROM k, LATERAL (SELECT paillier_jwk(sk) AS j) jj WHERE name = 'a';

-- ciphertext JSON
SELECT paillier_ciphertext_to_json(paillier_encrypt(5::bigint, pk)) ? 'v' AS has_v,
       paillier_ciphertext_to_json(paillier_encrypt(5::bigint, pk))->'e' AS e,
       paillier_ciphertext_to_json(paillier_encrypt(5.25, pk, 2))->'scale' AS scale
FROM k WHERE name = 'a';
SELECT x, s, paillier_decrypt(paillier_ciphertext_from_json(pk, paillier_ciphertext_to_json(paillier_encrypt(x, pk, s))), sk) AS back
FROM k, (VALUES (0::numeric, 0), (-17, 0), (3.14159, 5), (-0.5, 1)) v(x, s)
WHERE name = 'a' ORDER BY x;
-- the JSON "v" is the ciphertext c itself, in decimal
SELECT (paillier_ciphertext_to_json(ct)->>'v')::numeric < paillier_n(pk) * paillier_n(pk) AS below_n2
FROM k, LATERAL (SELECT paillier_encrypt(1::bigint, pk) AS ct) c WHERE name = 'a';

-- a python-paillier value mantissa * 16^e: build such ciphertexts from an
-- encrypted mantissa, as phe does, and check the exact decimal result
SELECT m, e, paillier_decrypt(paillier_ciphertext_from_json(pk,
           jsonb_build_object('v', paillier_ciphertext_to_json(paillier_encrypt(m, pk))->>'v', 'e', e)), sk) AS value
FROM k, (VALUES (3::bigint, 0), (3, 1), (3, -1), (-1, -2), (7, -32), (1, 2)) v(m, e)
WHERE name = 'a' ORDER BY e, m;
-- "v" may also be a JSON number
SELECT paillier_decrypt(paillier_ciphertext_from_json(pk,
           jsonb_build_object('v', (paillier_ciphertext_to_json(paillier_encrypt(9::bigint, pk))->>'v')::numeric, 'e', 0)), sk) AS from_number
FROM k WHERE name = 'a';

-- the magnitude bound: our export writes "bound" and our import keeps it;
-- otherwise max_abs when given, else the numeric default |x| <= 2^128 at the
-- imported scale (python-paillier's e = -2 is scale 8: 128 + 27 bits)
SELECT paillier_ciphertext_to_json(c)->'bound' AS exported,
       paillier_bound(paillier_ciphertext_from_json(pk, paillier_ciphertext_to_json(c))) AS kept,
       paillier_bound(paillier_ciphertext_from_json(pk, paillier_ciphertext_to_json(c) - 'bound')) AS default_bound,
       paillier_bound(paillier_ciphertext_from_json(pk, paillier_ciphertext_to_json(c), 1000)) AS declared,
       paillier_bound(paillier_ciphertext_from_json(pk, jsonb_build_object('v', paillier_ciphertext_to_json(c)->>'v', 'e', -2))) AS phe_scale_8,
       paillier_bound(paillier_ciphertext_from_json(pk, jsonb_build_object('v', paillier_ciphertext_to_json(c)->>'v', 'e', -2), 1)) AS phe_declared,
       paillier_decrypt(paillier_ciphertext_from_json(pk, paillier_ciphertext_to_json(c), NULL), sk) AS back
FROM k, LATERAL (SELECT paillier_encrypt(-12::bigint, pk, 1, 100) AS c) cc WHERE name = 'a';
SELECT paillier_ciphertext_from_json(NULL, '{"v": "1", "e": 0}') IS NULL AS null_key,
       paillier_ciphertext_from_json(pk, NULL) IS NULL AS null_json
FROM k WHERE name = 'a';
-- a bound beyond the key's budget, a negative or too wide max_abs
SELECT paillier_ciphertext_from_json(pk, paillier_ciphertext_to_json(paillier_encrypt(1::bigint, pk)) || '{"bound": 2046}')
FROM k WHERE name = 'a';
SELECT paillier_ciphertext_from_json(pk, paillier_ciphertext_to_json(paillier_encrypt(1::bigint, pk)) || '{"bound": "x"}')
FROM k WHERE name = 'a';
SELECT paillier_ciphertext_from_json(pk, paillier_ciphertext_to_json(paillier_encrypt(1::bigint, pk)), -1)
FROM k WHERE name = 'a';
SELECT paillier_ciphertext_from_json(pk, paillier_ciphertext_to_json(paillier_encrypt(1::bigint, pk)), power(2::numeric, 2046))
FROM k WHERE name = 'a';
SELECT paillier_ciphertext_from_json(pk, jsonb_build_object('v', paillier_ciphertext_to_json(paillier_encrypt(1::bigint, pk))->>'v', 'e', -200))
FROM k WHERE name = 'a';
