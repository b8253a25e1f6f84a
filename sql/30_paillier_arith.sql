-- Homomorphic laws checked exactly against plaintext numeric arithmetic, on
-- many deterministic pseudo-random values (setseed), with fixed keys.
\set VERBOSITY default
SELECT setseed(0.4242);
CREATE TEMP TABLE vals AS
SELECT i,
       round(((random() - 0.5) * 2e12)::numeric, 0) AS a,          -- integers
       round(((random() - 0.5) * 2e6)::numeric, 4) AS b,           -- scale 4
       round(((random() - 0.5) * 200)::numeric, 2) AS k             -- scalar, scale 2
FROM generate_series(1, 60) i;
CREATE TEMP TABLE enc AS
SELECT v.*, paillier_encrypt(a, pk) AS ca, paillier_encrypt(b, pk, 4) AS cb, sk
FROM vals v, k WHERE k.name = 'a';

SELECT count(*) AS n,
  bool_and(paillier_decrypt(ca + cb, sk) = a + b)            AS add_ct_ct,
  bool_and(paillier_scale(ca + cb) = 4)                     AS add_scale_is_max,
  bool_and(paillier_decrypt(cb + ca, sk) = a + b)            AS add_commutes,
  bool_and(paillier_decrypt(ca - cb, sk) = a - b)            AS sub_ct_ct,
  bool_and(paillier_decrypt(cb - ca, sk) = b - a)            AS sub_reversed,
  bool_and(paillier_decrypt(- ca, sk) = - a)                 AS neg,
  bool_and(paillier_decrypt(- (- cb), sk) = b)               AS neg_neg,
  bool_and(paillier_decrypt(ca + k, sk) = a + k)             AS add_plain,
  bool_and(paillier_decrypt(k + cb, sk) = k + b)             AS plain_add,
  bool_and(paillier_decrypt(cb - k, sk) = b - k)             AS sub_plain,
  bool_and(paillier_decrypt(ca * 7, sk) = a * 7)             AS mul_int,
  bool_and(paillier_decrypt(ca * (-3), sk) = a * (-3))       AS mul_negative,
  bool_and(paillier_decrypt(cb * k, sk) = b * k)             AS mul_fractional,
  bool_and(paillier_decrypt(k * ca, sk) = k * a)             AS mul_commutes,
  bool_and(paillier_decrypt(ca * 0, sk) = 0)                 AS mul_zero,
  bool_and(paillier_decrypt((ca + cb) * k - ca, sk) = (a + b) * k - a) AS combined,
  bool_and(paillier_decrypt(paillier_rerandomize(cb), sk) = b) AS rerandomize
FROM enc;

-- result scales of every operator
SELECT paillier_scale(c2 + c0) AS ct_ct, paillier_scale(- c2) AS neg,
       paillier_scale(c0 + 1.25) AS ct_plain, paillier_scale(c2 + 1.5) AS ct_plain_smaller,
       paillier_scale(c2 * 0.5) AS ct_times_half, paillier_scale(c2 * 3) AS ct_times_int,
       paillier_scale(c2 * 2.50) AS trailing_zeros_ignored
FROM (SELECT paillier_encrypt(1::bigint, pk, 2) AS c2, paillier_encrypt(1::bigint, pk) AS c0
      FROM k WHERE name = 'a') s;
-- a scale-2 ciphertext times 0.5 is a scale-3 ciphertext of the exact product
SELECT paillier_decrypt(paillier_encrypt(12.34, pk, 2) * 0.5, sk) AS half,
       paillier_decrypt(paillier_encrypt(12.34, pk, 2) + 0.001, sk) AS plus_thousandth
FROM k WHERE name = 'a';
-- rerandomize gives a different ciphertext of the same value
SELECT paillier_rerandomize(c)::text <> c::text AS fresh, paillier_decrypt(paillier_rerandomize(c), sk) AS value
FROM (SELECT paillier_encrypt(-5.5, pk, 1) AS c, sk FROM k WHERE name = 'a') s;

-- errors
SELECT paillier_encrypt(1::bigint, a.pk) + paillier_encrypt(1::bigint, b.pk)
FROM k a, k b WHERE a.name = 'a' AND b.name = 'b';
SELECT paillier_encrypt(1::bigint, a.pk) - paillier_encrypt(1::bigint, b.pk)
FROM k a, k b WHERE a.name = 'a' AND b.name = 'b';
SELECT paillier_encrypt(1::bigint, pk) * 'NaN'::numeric FROM k WHERE name = 'a';
SELECT paillier_encrypt(1::bigint, pk) + 'Infinity'::numeric FROM k WHERE name = 'a';
SELECT paillier_encrypt(0::bigint, pk, 999) * 0.01 FROM k WHERE name = 'a';
SELECT paillier_encrypt(1::bigint, pk) + paillier_n(pk) FROM k WHERE name = 'a';
SELECT paillier_encrypt(1::bigint, pk) * paillier_n(pk) FROM k WHERE name = 'a';
SELECT paillier_decrypt(paillier_encrypt(1::bigint, a.pk), b.sk) FROM k a, k b WHERE a.name = 'a' AND b.name = 'b';
-- overflow past n/3 is detected at decryption (22003), never a wrong number
SELECT paillier_decrypt(paillier_encrypt(div(paillier_n(pk), 3) - 1, pk) * 2, sk) FROM k WHERE name = 'a';
SELECT paillier_decrypt(paillier_encrypt(div(paillier_n(pk), 3) - 1, pk) + paillier_encrypt(div(paillier_n(pk), 3) - 1, pk), sk) FROM k WHERE name = 'a';
-- commutators are declared
SELECT oprname, oprleft::regtype, oprright::regtype, oprcom <> 0 AS has_commutator
FROM pg_operator WHERE oprleft = 'paillier_ciphertext'::regtype OR oprright = 'paillier_ciphertext'::regtype
ORDER BY 1, 2, 3;
