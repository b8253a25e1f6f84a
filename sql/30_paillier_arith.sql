-- Homomorphic laws checked exactly against plaintext numeric arithmetic, on
-- many deterministic pseudo-random values (setseed), with fixed keys.
\set VERBOSITY default
\i sql/fixtures/test_keys.psql
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
SELECT paillier_encrypt(0::bigint, pk, 999, max_abs => 0) * 0.01 FROM k WHERE name = 'a';
SELECT paillier_encrypt(1::bigint, pk) + paillier_n(pk) FROM k WHERE name = 'a';
SELECT paillier_encrypt(1::bigint, pk) * paillier_n(pk) FROM k WHERE name = 'a';
SELECT paillier_decrypt(paillier_encrypt(1::bigint, a.pk), b.sk) FROM k a, k b WHERE a.name = 'a' AND b.name = 'b';
-- An operation whose result could pass n/3 is refused (22003) before it
-- computes: every ciphertext carries a public bound |value * 10^scale| <= 2^B.
-- The four reproductions of issue 14, each of which used to decrypt to a
-- wrong number:
-- 1. three times floor(n/3) - 1 summed: that value's range no longer fits;
--    the largest that does, 2^(bits - 3), cannot even be doubled, and half
--    of it can be doubled but not tripled (also in sum())
SELECT paillier_encrypt(div(paillier_n(pk), 3) - 1, pk, max_abs => div(paillier_n(pk), 3) - 1) FROM k WHERE name = 'a';
CREATE TEMP TABLE big AS
SELECT paillier_encrypt(m, pk, max_abs => m) AS top, paillier_encrypt(m / 2, pk, max_abs => m / 2) AS half
FROM k, LATERAL (SELECT power(2::numeric, paillier_bits(pk) - 3) AS m) mm WHERE name = 'a';
SELECT top + top FROM big;
SELECT paillier_decrypt(half + half, sk) = power(2::numeric, paillier_bits(pk) - 3) AS two_halves_ok,
       paillier_bound(half + half) AS bound
FROM big, k WHERE name = 'a';
SELECT half + half + half FROM big;
SELECT paillier_decrypt(sum(half), (SELECT sk FROM k WHERE name = 'a')) FROM big, generate_series(1, 3);
SELECT top - (- top) FROM big;
-- 2. Enc(3) * (floor(n/3) - 1)
SELECT paillier_encrypt(3::bigint, pk) * (div(paillier_n(pk), 3) - 1) FROM k WHERE name = 'a';
SELECT paillier_encrypt(3::bigint, pk, max_abs => 3) * (div(paillier_n(pk), 3) - 1) FROM k WHERE name = 'a';
-- 3. a scale-1000 value added to a scale-0 value, also inside sum()
SELECT paillier_encrypt(0::bigint, pk, 1000, max_abs => 0) + paillier_encrypt(1::bigint, pk) FROM k WHERE name = 'a';
SELECT paillier_encrypt(1::bigint, pk, max_abs => 1) * ('0.' || repeat('0', 999) || '1')::numeric
       + paillier_encrypt(1::bigint, pk, max_abs => 1) FROM k WHERE name = 'a';
SELECT paillier_decrypt(sum(c), (SELECT sk FROM k WHERE name = 'a'))
FROM k, LATERAL (VALUES (paillier_encrypt(0::bigint, pk, 1000, max_abs => 0)), (paillier_encrypt(1::bigint, pk))) v(c)
WHERE name = 'a';
SELECT paillier_decrypt(paillier_encrypt(0::bigint, pk, 1000, max_abs => 0) + 1, sk) FROM k WHERE name = 'a';
-- 4. Enc(10^400) * 10^400: Enc(10^400) itself is fine
SELECT paillier_decrypt(paillier_encrypt(10::numeric ^ 400, pk, max_abs => 10::numeric ^ 400), sk) = 10::numeric ^ 400 AS enc_10_400_ok
FROM k WHERE name = 'a';
SELECT paillier_encrypt(10::numeric ^ 400, pk, max_abs => 10::numeric ^ 400) * (10::numeric ^ 400) FROM k WHERE name = 'a';
SELECT paillier_decrypt(paillier_encrypt(10::numeric ^ 400, sk, max_abs => 10::numeric ^ 400) * (10::numeric ^ 400), sk) AS key_c_has_room
FROM k WHERE name = 'c';
-- and adding a plaintext: the plaintext's size counts too
SELECT paillier_encrypt(1::bigint, pk) + (power(2::numeric, paillier_bits(pk) - 3) - 1) FROM k WHERE name = 'a';
SELECT paillier_decrypt(paillier_encrypt(1::bigint, pk, max_abs => 1) + (power(2::numeric, paillier_bits(pk) - 4) - 1), sk)
       = power(2::numeric, paillier_bits(pk) - 4) AS plain_ok
FROM k WHERE name = 'a';
-- decryption still refuses the overflow band: a hand-made ciphertext can
-- claim any bound (here 0 for Enc(2^1000), through JSON), and then a
-- product lands between n/3 and 2n/3
SELECT paillier_decrypt(paillier_ciphertext_from_json(pk, jsonb_build_object(
         'v', paillier_ciphertext_to_json(paillier_encrypt(power(2::numeric, 1000), pk, max_abs => power(2::numeric, 1000)))->>'v',
         'e', 0, 'bound', 0)) * div(paillier_n(pk), power(2::numeric, 1001)), sk)
FROM k WHERE name = 'a';

-- how bounds propagate: + takes max + 1, * adds the bits of |k|, a lift
-- adds the bits of 10^d, - and rerandomize keep it
SELECT paillier_bound(c) AS b, paillier_bound(c + c) AS add, paillier_bound(c - c) AS sub,
       paillier_bound(- c) AS neg, paillier_bound(paillier_rerandomize(c)) AS rerand,
       paillier_bound(c * 1000) AS mul_1000, paillier_bound(c * -0.5) AS mul_half,
       paillier_bound(c + paillier_encrypt(1::bigint, pk, 2, 10)) AS lifted_add,
       paillier_bound(c + 1000) AS add_plain, paillier_bound(c + 1e30) AS add_big_plain,
       paillier_bound(c * 0) AS mul_zero
FROM (SELECT paillier_encrypt(7::bigint, pk, 0, 100) AS c, pk FROM k WHERE name = 'a') s;
-- commutators are declared
SELECT oprname, oprleft::regtype, oprright::regtype, oprcom <> 0 AS has_commutator
FROM pg_operator WHERE oprleft = 'paillier_ciphertext'::regtype OR oprright = 'paillier_ciphertext'::regtype
ORDER BY 1, 2, 3;
