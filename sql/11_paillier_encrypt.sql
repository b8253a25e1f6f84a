-- Encryption and decryption of integers, numerics at scales 0 to 30, and
-- double precision, with public-key and key-owner (CRT) encryption.
\set VERBOSITY default

SELECT x, paillier_decrypt(paillier_encrypt(x, pk), sk) = x AS pub_ok,
          paillier_decrypt(paillier_encrypt(x, sk), sk) = x AS crt_ok
FROM k, (VALUES (0::bigint), (1), (-1), (4611686018427387904), (-4611686018427387904),
                (9223372036854775807), (-9223372036854775808)) v(x)
WHERE name = 'a' ORDER BY x;

-- numerics at every scale from 0 to 30, positive and negative
SELECT count(*) AS cases,
       bool_and(paillier_decrypt(paillier_encrypt(x, pk, s), sk) = x) AS all_equal,
       bool_and(paillier_scale(paillier_encrypt(x, pk, s)) = s) AS scale_kept
FROM k, generate_series(0, 30) s,
     LATERAL (VALUES (round(123456789.123456789123456789123456789::numeric, s)),
                     (-round(0.987654321987654321987654321987::numeric, s)),
                     (round(pi()::numeric * 1e20, s))) v(x)
WHERE name = 'a';

-- the decrypted numeric carries the ciphertext's scale
SELECT paillier_decrypt(paillier_encrypt(1.5, pk, 4), sk) AS four_digits,
       paillier_decrypt(paillier_encrypt(-2::bigint, pk, 2), sk) AS int_at_scale_2,
       paillier_decrypt(paillier_encrypt(1.500, pk, 1), sk) AS trailing_zeros_ok
FROM k WHERE name = 'a';

-- double precision rounds to the nearest at the scale, ties away from zero
SELECT x, s, paillier_decrypt(paillier_encrypt(x, pk, s), sk) AS back
FROM k, (VALUES (0.1::float8, 1), (0.1, 20), (2.5, 0), (-2.5, 0), (1e300, 0),
                (-123.456, 2), (5e-324, 0), (1.0/3, 15)) v(x, s)
WHERE name = 'a' ORDER BY x, s;

-- the largest values that fit: |x * 10^s| <= floor(n/3) - 1
SELECT paillier_decrypt(paillier_encrypt(m, pk), sk) = m AS max_ok,
       paillier_decrypt(paillier_encrypt(-m, pk), sk) = -m AS min_ok,
       paillier_decrypt(paillier_encrypt(m / 1000, pk, 3), sk) = m / 1000 AS max_at_scale_3
FROM k, LATERAL (SELECT div(paillier_n(pk), 3) - 1 AS m) mm
WHERE name = 'a';
-- one more is refused, at any scale
SELECT paillier_encrypt(div(paillier_n(pk), 3), pk) FROM k WHERE name = 'a';
SELECT paillier_encrypt(-div(paillier_n(pk), 3), pk) FROM k WHERE name = 'a';
SELECT paillier_encrypt(div(paillier_n(pk), 3) * 0.01, pk, 2) FROM k WHERE name = 'a';
