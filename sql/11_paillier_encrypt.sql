-- Encryption and decryption of integers, numerics at scales 0 to 30, and
-- double precision, with public-key and key-owner (CRT) encryption.
\set VERBOSITY default
\i sql/fixtures/test_keys.psql

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
-- (1e300 is beyond the default range |x| <= 2^128: declare max_abs)
SELECT x, s, paillier_decrypt(paillier_encrypt(x, pk, s, max_abs => 1e301), sk) AS back
FROM k, (VALUES (0.1::float8, 1), (0.1, 20), (2.5, 0), (-2.5, 0), (1e300, 0),
                (-123.456, 2), (5e-324, 0), (1.0/3, 15)) v(x, s)
WHERE name = 'a' ORDER BY x, s;

-- the largest values that fit: a declared |x * 10^s| <= 2^(bits - 3), which
-- is below floor(n/3) - 1 for every key
SELECT paillier_decrypt(paillier_encrypt(m, pk, max_abs => m), sk) = m AS max_ok,
       paillier_decrypt(paillier_encrypt(-m, pk, max_abs => m), sk) = -m AS min_ok,
       paillier_decrypt(paillier_encrypt(m * 0.001, pk, 3, m * 0.001), sk) = m * 0.001 AS max_at_scale_3,
       paillier_bound(paillier_encrypt(m, pk, max_abs => m)) = paillier_bits(pk) - 3 AS bound_is_budget
FROM k, LATERAL (SELECT power(2::numeric, paillier_bits(pk) - 3) AS m) mm
WHERE name = 'a';
-- a range one more is refused, at any scale, and so is floor(n/3) - 1 itself
SELECT paillier_encrypt(1::bigint, pk, max_abs => power(2::numeric, paillier_bits(pk) - 3) + 1) FROM k WHERE name = 'a';
SELECT paillier_encrypt(-1::bigint, pk, 2, power(2::numeric, paillier_bits(pk) - 3) * 0.01 + 0.01) FROM k WHERE name = 'a';
SELECT paillier_encrypt(div(paillier_n(pk), 3) - 1, pk, max_abs => div(paillier_n(pk), 3) - 1) FROM k WHERE name = 'a';
-- a value above the declared max_abs is refused; the default ranges are
-- 2^63 for bigint and 2^128 for numeric and double precision
SELECT paillier_encrypt(101, pk, max_abs => 100) FROM k WHERE name = 'a';
SELECT paillier_encrypt(-100.01, pk, 2, 100) FROM k WHERE name = 'a';
SELECT paillier_encrypt(340282366920938463463374607431768211457, pk) FROM k WHERE name = 'a';
SELECT paillier_encrypt(3.5e38::float8, pk) FROM k WHERE name = 'a';
SELECT paillier_encrypt(-1::bigint, pk, max_abs => -1) FROM k WHERE name = 'a';
SELECT paillier_encrypt(1::bigint, pk, max_abs => 'NaN') FROM k WHERE name = 'a';
-- the bound comes from the declared range, never from the value
SELECT paillier_bound(paillier_encrypt(0::bigint, pk)) AS int8_default,
       paillier_bound(paillier_encrypt((-9223372036854775808)::bigint, pk)) AS int8_min,
       paillier_bound(paillier_encrypt(5::bigint, pk, 2)) AS int8_scale_2,
       paillier_bound(paillier_encrypt(5, pk)) AS numeric_default,
       paillier_bound(paillier_encrypt(5::float8, sk, 1)) AS float8_scale_1,
       paillier_bound(paillier_encrypt(5, pk, 2, 99.99)) AS declared_9999,
       paillier_bound(paillier_encrypt(0, pk, 0, 0)) AS declared_zero,
       paillier_decrypt(paillier_encrypt((-9223372036854775808)::bigint, pk), sk) AS int8_min_back,
       paillier_decrypt(paillier_encrypt(340282366920938463463374607431768211456, sk), sk) AS numeric_max_back
FROM k WHERE name = 'a';
-- NULL max_abs means the default; NULL value, key or scale give NULL
SELECT paillier_bound(paillier_encrypt(1::bigint, pk, 0, NULL)) AS null_max_abs,
       paillier_encrypt(NULL::numeric, pk, 0, 5) IS NULL AS null_value,
       paillier_encrypt(1.5, NULL::paillier_pubkey, 1, 5) IS NULL AS null_key,
       paillier_encrypt(1.5::float8, sk, NULL, 5) IS NULL AS null_scale
FROM k WHERE name = 'a';
