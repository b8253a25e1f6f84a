-- Fast Paillier: DJN encryption and its table cache, the textbook choice,
-- batch decryption, paillier_mul_many, packing, and their error cases.
\set VERBOSITY default
\i sql/fixtures/test_keys.psql
-- the default window is 4 with AVX-512 IFMA and 6 without; fix it so the
-- cache listings below are the same on every CPU
SET mpc_eigentrust.djn_window = 4;

-- DJN (the default) round trips under every test key
SELECT name, count(*) AS cases,
       bool_and(paillier_decrypt(paillier_encrypt(x, pk, 3), sk) = x) AS djn_ok
FROM k, (VALUES (0::numeric), (1), (-1), (123456.789), (-98765.432),
                (1e30), (-1e30)) v(x)
GROUP BY name ORDER BY name;
SHOW mpc_eigentrust.encryption_method;
-- randomised: the same value encrypts differently
SELECT paillier_encrypt(5::bigint, pk)::text <> paillier_encrypt(5::bigint, pk)::text AS randomised
FROM k WHERE name = 'a';
-- the tables are cached per key, most recently used first
SELECT bits, window_bits, table_bytes > 0 AS has_table, recency
FROM paillier_djn_cache() ORDER BY recency;

-- the textbook choice
SET mpc_eigentrust.encryption_method = textbook;
SELECT paillier_decrypt(paillier_encrypt(-42.5, pk, 1), sk) AS textbook FROM k WHERE name = 'a';
SET mpc_eigentrust.encryption_method = 'nonsense';
RESET mpc_eigentrust.encryption_method;

-- ciphertexts of DJN, textbook and CRT encryption combine: pack multiplies
-- them homomorphically, and one decryption gives all three back
CREATE TEMP TABLE mixed AS
SELECT paillier_encrypt(5::bigint, pk, max_abs => 1000) AS djn, paillier_encrypt(-7::bigint, sk, max_abs => 1000) AS crt
FROM k WHERE name = 'a';
SET mpc_eigentrust.encryption_method = textbook;
ALTER TABLE mixed ADD COLUMN tb paillier_ciphertext;
UPDATE mixed SET tb = paillier_encrypt(11::bigint, pk, max_abs => 1000) FROM k WHERE name = 'a';
RESET mpc_eigentrust.encryption_method;
SELECT paillier_decrypt_packed(paillier_pack(ARRAY[djn, crt, tb]), sk) AS slots
FROM mixed, k WHERE name = 'a';

-- a bounded cache evicts the least recently used key; 0 disables tables
SET mpc_eigentrust.djn_table_cache_mb = 6;
SELECT paillier_decrypt(paillier_encrypt(1::bigint, pk), sk) FROM k WHERE name = 'b';
SELECT paillier_decrypt(paillier_encrypt(1::bigint, pk), sk) FROM k WHERE name = 'a';
SELECT bits, window_bits, recency FROM paillier_djn_cache() ORDER BY recency;
SELECT sum(table_bytes) <= 6 * 1024 * 1024 AS within_budget FROM paillier_djn_cache();
SET mpc_eigentrust.djn_table_cache_mb = 0;
SELECT paillier_decrypt(paillier_encrypt(2::bigint, pk), sk) AS no_table FROM k WHERE name = 'c';
SELECT bits, window_bits, table_bytes FROM paillier_djn_cache() ORDER BY recency;
RESET mpc_eigentrust.djn_table_cache_mb;
-- a changed window rebuilds the entry: its first encryption goes without a
-- table (as the first under any key does: cheap first calls), the next one
-- builds the table
SET mpc_eigentrust.djn_window = 5;
SELECT paillier_decrypt(paillier_encrypt(3::bigint, pk), sk) AS window_5 FROM k WHERE name = 'a';
SELECT bits, window_bits, table_bytes FROM paillier_djn_cache() WHERE recency = 1;
SELECT paillier_decrypt(paillier_encrypt(4::bigint, pk), sk) AS window_5_again FROM k WHERE name = 'a';
SELECT bits, window_bits, table_bytes > 0 AS has_table FROM paillier_djn_cache() WHERE recency = 1;
SET mpc_eigentrust.djn_window = 4;
-- the cache budget (memory a backend keeps) is for superusers only; both
-- settings have ceilings
-- (PostgreSQL's own wording of the refusal differs between versions: show
-- the SQLSTATE)
DO $$
BEGIN
    PERFORM set_config('mpc_eigentrust.djn_table_cache_mb', '1025', false);
    RAISE NOTICE 'djn_table_cache_mb = 1025 accepted';
EXCEPTION WHEN invalid_parameter_value THEN
    RAISE NOTICE 'djn_table_cache_mb = 1025 refused (%)', SQLSTATE;
END
$$;
SET mpc_eigentrust.djn_window = 9;
CREATE ROLE regress_mpc_guc_user;
SET ROLE regress_mpc_guc_user;
SET mpc_eigentrust.djn_table_cache_mb = 100;
SET mpc_eigentrust.djn_window = 6;
SHOW mpc_eigentrust.djn_window;
RESET ROLE;
DROP ROLE regress_mpc_guc_user;
SET mpc_eigentrust.djn_window = 4;

-- paillier_rerandomize and the sum() aggregate's final re-randomisation use DJN too
SELECT paillier_decrypt(paillier_rerandomize(c), sk) AS rerandomised,
       paillier_rerandomize(c)::text <> c::text AS fresh
FROM (SELECT paillier_encrypt(-3.25, pk, 2) AS c, sk FROM k WHERE name = 'a') t;
SELECT paillier_decrypt((SELECT sum(paillier_encrypt(g::bigint, pk)) FROM generate_series(1, 50) g), sk) AS summed
FROM k WHERE name = 'a';

-- batch decryption: NULLs stay NULL, dimensions are kept
SELECT paillier_decrypt_many(ARRAY[paillier_encrypt(1.5, pk, 1), NULL, paillier_encrypt(-2.25, pk, 2)], sk)
FROM k WHERE name = 'a';
SELECT paillier_decrypt_many(ARRAY[[paillier_encrypt(1::bigint, pk), paillier_encrypt(2::bigint, pk)],
                              [paillier_encrypt(3::bigint, pk), paillier_encrypt(4::bigint, pk)]], sk)
FROM k WHERE name = 'a';
SELECT paillier_decrypt_many(ARRAY[]::paillier_ciphertext[], sk) FROM k WHERE name = 'a';
SELECT paillier_decrypt_many((SELECT array_agg(paillier_encrypt(g::bigint, pk) ORDER BY g)
                         FROM generate_series(1, 5) g), sk) AS from_a_set
FROM k WHERE name = 'a';
-- every element is checked before any decryption: a foreign key is an error
SELECT paillier_decrypt_many(ARRAY[paillier_encrypt(1::bigint, a.pk), paillier_encrypt(1::bigint, b.pk)], a.sk)
FROM k a, k b WHERE a.name = 'a' AND b.name = 'b';

-- batch encryption (eight at a time on IFMA): every element decrypts to its
-- value, at the extremes of bigint too; NULLs stay NULL, dimensions are kept
SELECT paillier_decrypt_many(paillier_encrypt_many(
         ARRAY[1, -2, NULL, 9223372036854775807, -9223372036854775808, 0]::bigint[], pk), sk)
FROM k WHERE name = 'a';
SELECT paillier_decrypt_many(paillier_encrypt_many(ARRAY[[1, 2, 3], [4, 5, 6]]::bigint[], pk), sk)
FROM k WHERE name = 'a';
SELECT paillier_encrypt_many(ARRAY[]::bigint[], pk) AS empty FROM k WHERE name = 'a';
SELECT paillier_encrypt_many(NULL::bigint[], pk) IS NULL AS null_array,
       paillier_encrypt_many(ARRAY[1]::bigint[], NULL) IS NULL AS null_key
FROM k WHERE name = 'a';
-- 21 values: two groups of eight and a tail of five; scale 0, bound 2^63,
-- randomised (no two ciphertexts of one value alike)
SELECT count(*) AS n, bool_and(d = v) AS all_equal, bool_and(paillier_scale(c) = 0) AS scale_0,
       bool_and(paillier_bound(c) = paillier_bound(paillier_encrypt(0::bigint, pk))) AS same_bound,
       count(DISTINCT c::text) AS distinct_ciphertexts
FROM (SELECT v, c, paillier_decrypt(c, sk) AS d, pk
      FROM k, unnest(ARRAY(SELECT (g % 3)::bigint FROM generate_series(1, 21) g),
                     paillier_encrypt_many(ARRAY(SELECT (g % 3)::bigint FROM generate_series(1, 21) g), pk)) AS u(v, c)
      WHERE name = 'a') s;
-- with the textbook method as well
SET mpc_eigentrust.encryption_method = 'textbook';
SELECT paillier_decrypt_many(paillier_encrypt_many(ARRAY[7, -7, 8, 9, 10]::bigint[], pk), sk) AS textbook
FROM k WHERE name = 'a';
RESET mpc_eigentrust.encryption_method;
-- bad inputs: values that are not bigint, a key that is not a public key
SELECT paillier_encrypt_many(ARRAY[1.5], pk) FROM k WHERE name = 'a';
SELECT paillier_encrypt_many(ARRAY[1]::bigint[], sk) FROM k WHERE name = 'a';

-- one base, many scalars: equal to one multiplication per scalar
CREATE TEMP TABLE base AS
SELECT paillier_encrypt(0.75, pk, 2) AS ct FROM k WHERE name = 'a';
SELECT paillier_decrypt_many(paillier_mul_many(ct, ARRAY[0, 1, -1, 2.5, 1000, -0.125, 4294967295, NULL], 3), sk)
FROM base, k WHERE name = 'a';
SELECT paillier_scale((paillier_mul_many(ct, ARRAY[1, 2, 3], 4))[1]) AS result_scale FROM base;
-- every result carries the bound of the largest scalar (the table's size
-- already shows it), so no result's bound tells its own scalar
SELECT paillier_bound(ct) AS base_bound,
       (SELECT array_agg(paillier_bound(c)) FROM unnest(paillier_mul_many(ct, ARRAY[1, 2, 1000, -3])) c) AS bounds
FROM base;
SELECT paillier_mul_many(ct, ARRAY[1, power(2::numeric, 2000)]) FROM base;
-- below three scalars it takes the per-scalar path; the results agree
SELECT paillier_decrypt_many(paillier_mul_many(ct, ARRAY[3, -4]), sk) FROM base, k WHERE name = 'a';
-- 200 random 32-bit scalars against the plain product
SELECT count(*) AS n, bool_and(d = 0.75 * s) AS all_equal
FROM (SELECT s, paillier_decrypt(c, sk) AS d
      FROM base, k,
           LATERAL (SELECT array_agg(floor(random() * 4294967296)::numeric ORDER BY g) AS ss
                    FROM generate_series(1, 200) g) r,
           LATERAL unnest(ss, paillier_mul_many(ct, ss)) u(s, c)
      WHERE name = 'a') t;
-- the variable-time lookup gives the same results
SELECT bool_and(paillier_decrypt(a, sk) = paillier_decrypt(b, sk)) AS vartime_same
FROM base, k,
     LATERAL unnest(paillier_mul_many(ct, ARRAY[5, -17, 123456789, 0, 65536], 0, true),
                    paillier_mul_many(ct, ARRAY[5, -17, 123456789, 0, 65536], 0, false)) u(a, b)
WHERE name = 'a';
-- the same values as the * operator, one scalar at a time
SELECT count(*) AS n, bool_and(paillier_decrypt(m, sk) = paillier_decrypt(ct * s, sk)) AS equals_star
FROM base, k,
     LATERAL unnest(ARRAY[3, -2.5, 0, 77777.125, 1e-3]::numeric[],
                    paillier_mul_many(ct, ARRAY[3, -2.5, 0, 77777.125, 1e-3], 3)) u(s, m)
WHERE name = 'a';
SELECT paillier_mul_many(ct, ARRAY[]::numeric[]) FROM base;
SELECT paillier_mul_many(ct, ARRAY[1.5]) FROM base;
SELECT paillier_mul_many(ct, ARRAY['NaN'::numeric]) FROM base;
SELECT paillier_mul_many(ct, ARRAY[1], 999) FROM base;
SELECT paillier_mul_many(ct, ARRAY[1], -1) FROM base;
SELECT paillier_mul_many(ct, ARRAY[paillier_n(pk)]) FROM base, k WHERE name = 'a';

-- packing: round trip, slot-wise sums, headroom
CREATE TEMP TABLE packed AS
SELECT paillier_encrypt_packed(ARRAY[1.5, -2.25, 0, 1000000, -0.01], pk, 2) AS p1,
       paillier_encrypt_packed(ARRAY[0.5, 2.25, -7, 1, 0.01], pk, 2) AS p2
FROM k WHERE name = 'a';
SELECT paillier_decrypt_packed(p1, sk) AS p1, paillier_decrypt_packed(p1 + p2, sk) AS p1_plus_p2,
       paillier_slots(p1) AS slots, paillier_terms(p1 + p2 + p2) AS terms
FROM packed, k WHERE name = 'a';
SELECT paillier_decrypt_packed((SELECT sum(paillier_encrypt_packed(ARRAY[g, -g, g * 0.5], pk, 1))
                                 FROM generate_series(1, 100) g), sk) AS summed
FROM k WHERE name = 'a';
-- text and binary round trips
SELECT p1::text::paillier_packed::text = p1::text AS text_ok, left(p1::text, 18) AS prefix FROM packed;
\copy (SELECT p1 FROM packed) TO '/tmp/mpc_eigentrust_packed.bin' WITH (FORMAT binary)
CREATE TEMP TABLE packed_back (p paillier_packed);
\copy packed_back FROM '/tmp/mpc_eigentrust_packed.bin' WITH (FORMAT binary)
SELECT paillier_decrypt_packed(p, sk) AS binary_back FROM packed_back, k WHERE name = 'a';
-- the widest layout that fits a 2048-bit key: 31 slots of 64 bits; the
-- extreme values allowed with max_terms 1024 are +-(2^53 - 1)
SELECT paillier_decrypt_packed(paillier_encrypt_packed(
         array_fill(9007199254740991::numeric, ARRAY[31]), pk), sk) = array_fill(9007199254740991::numeric, ARRAY[31]) AS widest
FROM k WHERE name = 'a';
SELECT paillier_decrypt_packed(paillier_encrypt_packed(ARRAY[-9007199254740991, 9007199254740991], pk, 0, 64, 1024), sk)
FROM k WHERE name = 'a';
-- rerandomised: new ciphertext, same slots
SELECT paillier_rerandomize(p1)::text <> p1::text AS fresh,
       paillier_decrypt_packed(paillier_rerandomize(p1), sk) = paillier_decrypt_packed(p1, sk) AS same
FROM packed, k WHERE name = 'a';
-- packing existing ciphertexts: one decryption for many sums
SELECT paillier_decrypt_packed(paillier_pack((SELECT array_agg(paillier_encrypt(g * 1.5 - 5, pk, 1, 100) ORDER BY g)
                                              FROM generate_series(1, 6) g)), sk) AS packed_cts
FROM k WHERE name = 'a';

-- packing errors
SELECT paillier_encrypt_packed(array_fill(1::numeric, ARRAY[32]), pk) FROM k WHERE name = 'a';
SELECT paillier_encrypt_packed(ARRAY[9007199254740992], pk) FROM k WHERE name = 'a';
SELECT paillier_encrypt_packed(ARRAY[128], pk, 0, 8, 1) FROM k WHERE name = 'a';
SELECT paillier_encrypt_packed(ARRAY[1], pk, 0, 7) FROM k WHERE name = 'a';
SELECT paillier_encrypt_packed(ARRAY[1], pk, 0, 64, 0) FROM k WHERE name = 'a';
SELECT paillier_encrypt_packed(ARRAY[1], pk, 0, 8, 128) FROM k WHERE name = 'a';
SELECT paillier_encrypt_packed(ARRAY[]::numeric[], pk) FROM k WHERE name = 'a';
SELECT paillier_encrypt_packed(ARRAY[1, NULL], pk) FROM k WHERE name = 'a';
SELECT paillier_encrypt_packed(ARRAY[[1, 2], [3, 4]], pk) FROM k WHERE name = 'a';
SELECT paillier_encrypt_packed(ARRAY[1.25], pk, 1) FROM k WHERE name = 'a';
SELECT paillier_encrypt_packed(ARRAY[1], NULL::paillier_pubkey) IS NULL AS strict_null;
-- layouts must match, and headroom runs out after max_terms additions
SELECT p1 + paillier_encrypt_packed(ARRAY[1, 2, 3, 4], pk, 2) FROM packed, k WHERE name = 'a';
SELECT p1 + paillier_encrypt_packed(ARRAY[1, 2, 3, 4, 5], pk, 3) FROM packed, k WHERE name = 'a';
SELECT p1 + paillier_encrypt_packed(ARRAY[1, 2, 3, 4, 5], pk, 2) FROM packed, k WHERE name = 'b';
SELECT paillier_terms(p + p + p) FROM (SELECT paillier_encrypt_packed(ARRAY[1], pk, 0, 64, 3) AS p FROM k WHERE name = 'a') t;
SELECT p + p + p + p FROM (SELECT paillier_encrypt_packed(ARRAY[1], pk, 0, 64, 3) AS p FROM k WHERE name = 'a') t;
SELECT paillier_decrypt_packed(p1, sk) FROM packed, k WHERE name = 'b';
-- paillier_pack checks each ciphertext's public bound against the slot:
-- a value that might not fit is refused before packing (it used to
-- overflow into the next slot silently)
SELECT paillier_decrypt_packed(paillier_pack(ARRAY[paillier_encrypt(1::bigint, pk, max_abs => 100), paillier_encrypt(200::bigint, pk, max_abs => 200)], 8), sk)
FROM k WHERE name = 'a';
SELECT paillier_decrypt_packed(paillier_pack(ARRAY[paillier_encrypt(-127::bigint, pk, max_abs => 127), paillier_encrypt(127::bigint, pk, max_abs => 127)], 8), sk)
FROM k WHERE name = 'a';
SELECT paillier_decrypt_packed(paillier_pack(ARRAY[paillier_encrypt(-64::bigint, pk, max_abs => 64), paillier_encrypt(64::bigint, pk, max_abs => 64)], 8), sk)
FROM k WHERE name = 'a';
SELECT paillier_decrypt_packed(paillier_pack(ARRAY[c, c + c], 8, 2), sk)
FROM (SELECT paillier_encrypt(-15::bigint, pk, max_abs => 15) AS c, sk FROM k WHERE name = 'a') s;
SELECT paillier_pack(ARRAY[c, c + c], 8, 2)
FROM (SELECT paillier_encrypt(-30::bigint, pk, max_abs => 32) AS c FROM k WHERE name = 'a') s;
SELECT paillier_pack(ARRAY[paillier_encrypt(1::bigint, pk)]) FROM k WHERE name = 'a';
SELECT paillier_pack(ARRAY[paillier_encrypt(1::bigint, pk, 0, 1), paillier_encrypt(1::bigint, pk, 1, 1)]) FROM k WHERE name = 'a';
SELECT paillier_pack(ARRAY[paillier_encrypt(1::bigint, a.pk, 0, 1), paillier_encrypt(1::bigint, b.pk, 0, 1)])
FROM k a, k b WHERE a.name = 'a' AND b.name = 'b';
-- bad text and binary input
SELECT 'pp1:2:5:64:1:1024:AAAA'::paillier_packed;
SELECT 'pp2:2:5:64:1:1024:AAAA:AAAA'::paillier_packed;
SELECT replace(p1::text, ':5:64:1:1024:', ':5:64:2:1:') ::paillier_packed FROM packed;
SELECT replace(p1::text, ':5:64:1:1024:', ':40:64:1:1024:') ::paillier_packed FROM packed;
SELECT replace(p1::text, ':5:64:1:1024:', ':5:-64:1:1024:') ::paillier_packed FROM packed;
SELECT replace(p1::text, ':5:64:1:1024:', ':5:64:1:0:') ::paillier_packed FROM packed;
-- the AVX-512 IFMA products and GMP's portable code give the same values:
-- ciphertexts made on either path decrypt on the other, for 2048- and
-- 3072-bit keys (without IFMA both settings run the portable path)
SET mpc_eigentrust.use_avx512 = off;
CREATE TEMP TABLE portable AS
SELECT name, v,
       paillier_encrypt(v, pk, 2) AS by_pk,
       paillier_encrypt(v, sk, 2) AS by_sk,
       paillier_rerandomize(paillier_encrypt(v, pk, 2)) AS rerand,
       (paillier_mul_many(paillier_encrypt(v, pk, 2), ARRAY[3, -2, 0]))[1:3] AS many
FROM k, (VALUES (-12345.67), (0), (98765432.1)) vals(v);
SET mpc_eigentrust.use_avx512 = on;
SELECT name, v,
       paillier_decrypt(by_pk, sk) = v AS pk_ok,
       paillier_decrypt(by_sk, sk) = v AS sk_ok,
       paillier_decrypt(rerand, sk) = v AS rerand_ok,
       paillier_decrypt_many(many, sk) = ARRAY[3 * v, -2 * v, 0] AS many_ok,
       paillier_decrypt(paillier_encrypt(v, pk, 2), sk) = v AS fast_pk_ok,
       paillier_decrypt(paillier_encrypt(v, sk, 2), sk) = v AS fast_sk_ok
FROM portable JOIN k USING (name) ORDER BY name, v;
SET mpc_eigentrust.use_avx512 = off;
SELECT name, bool_and(paillier_decrypt(paillier_encrypt(v, pk, 2), sk) = v) AS back_ok
FROM portable JOIN k USING (name) GROUP BY name ORDER BY name;
RESET mpc_eigentrust.use_avx512;
RESET mpc_eigentrust.djn_window;
