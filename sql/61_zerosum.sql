-- Zero-sum masks with dropout recovery and double masking.  Keys and masks
-- are random: every check prints booleans or counts.

SELECT zerosum_modulus() = 2::numeric ^ 128 AS modulus_is_2_128;

CREATE TEMP TABLE party AS
SELECT id, k.private_key, k.public_key
FROM unnest(ARRAY['alice', 'bob', 'julia', 'charles', 'dave']) AS id,
     LATERAL zerosum_keypair() AS k;
SELECT count(*) AS parties,
       bool_and(length(private_key) = 32 AND length(public_key) = 384) AS key_sizes,
       bool_and(zerosum_public_key(private_key) = public_key) AS public_derives
FROM party;

-- a party's mask against all the others, for a round
CREATE FUNCTION pg_temp.mask_of(me text, rnd bigint) RETURNS numeric
LANGUAGE sql AS $$
	SELECT zerosum_mask(me, rnd,
	                    array_agg(p.id ORDER BY p.id), array_agg(p.public_key ORDER BY p.id),
	                    (SELECT private_key FROM party WHERE id = me))
	FROM party p WHERE p.id <> me
$$;

-- masks sum to 0 mod M in every round, and differ between rounds
CREATE TEMP TABLE masks AS
SELECT r AS round, id, pg_temp.mask_of(id, r) AS mask
FROM generate_series(1, 40) AS r, party;
SELECT count(DISTINCT round) AS rounds,
       bool_and(total % zerosum_modulus() = 0) AS masks_sum_to_zero
FROM (SELECT round, sum(mask) AS total FROM masks GROUP BY round) AS t;
SELECT count(DISTINCT mask) = count(*) AS masks_all_distinct,
       bool_and(mask >= 0 AND mask < zerosum_modulus()) AS masks_in_range
FROM masks;

-- exact sums over many random values: the plain sum of masked values,
-- reduced mod M, is the true sum (signed, at scales 0 and 2)
CREATE TEMP TABLE vals AS
SELECT round, id, mask,
       (CASE WHEN random() < 0.5 THEN -1 ELSE 1 END) * trunc(random()::numeric * 10::numeric ^ (round % 30)) AS v0,
       round((random()::numeric - 0.5) * 10::numeric ^ (round % 25), 2) AS v2
FROM masks;
SELECT count(*) AS rounds,
       count(*) FILTER (WHERE zerosum_unmask(m0) = true0) AS exact_scale_0,
       count(*) FILTER (WHERE zerosum_unmask(m2, 2) = true2) AS exact_scale_2
FROM (SELECT round, sum(zerosum_mask_value(v0, mask)) AS m0, sum(v0) AS true0,
             sum(zerosum_mask_value(v2, mask, 2)) AS m2, sum(v2) AS true2
      FROM vals GROUP BY round) AS t;
-- for non-negative values, plain sum mod M is already the total
SELECT count(*) FILTER (WHERE mod(m, zerosum_modulus()) = t) AS plain_sum_mod_m_exact
FROM (SELECT round, sum(zerosum_mask_value(abs(v0), mask)) AS m, sum(abs(v0)) AS t
      FROM vals GROUP BY round) AS q;
-- extremes: |value * 10^scale| < 2^127
SELECT zerosum_unmask(zerosum_mask_value(2::numeric ^ 127 - 1, 5) - 5) = 2::numeric ^ 127 - 1 AS max_ok,
       zerosum_unmask(zerosum_mask_value(-(2::numeric ^ 127 - 1), 5) - 5) = -(2::numeric ^ 127 - 1) AS min_ok,
       zerosum_unmask(zerosum_mask_value(-12.34, 0, 2), 2) AS scaled;

-- dropout: dave's key is 3-of-4 shared among the others; he drops after
-- the others masked with him; 3 survivors remove his masks
CREATE TEMP TABLE dave_shares AS
SELECT ks.x, ks.share FROM party, LATERAL zerosum_key_split(private_key, 4, 3) AS ks
WHERE id = 'dave';
CREATE TEMP TABLE survivors AS SELECT * FROM vals WHERE round = 7 AND id <> 'dave';
SELECT zerosum_unmask(sum(zerosum_mask_value(v0, mask))) = sum(v0) AS exact_without_recovery
FROM survivors;
SELECT zerosum_unmask(
         (SELECT sum(zerosum_mask_value(v0, mask)) FROM survivors)
         + zerosum_recover_mask('dave', 7,
               (SELECT array_agg(id ORDER BY id) FROM party WHERE id <> 'dave'),
               (SELECT array_agg(public_key ORDER BY id) FROM party WHERE id <> 'dave'),
               (SELECT public_key FROM party WHERE id = 'dave'),
               (SELECT array_agg(share) FROM dave_shares WHERE x IN (1, 2, 4))))
       = (SELECT sum(v0) FROM survivors) AS exact_after_recovery;
-- two dropouts (dave and julia): each one's mask against the same survivors
CREATE TEMP TABLE julia_shares AS
SELECT ks.x, ks.share FROM party, LATERAL zerosum_key_split(private_key, 4, 3) AS ks
WHERE id = 'julia';
SELECT zerosum_unmask(
         (SELECT sum(zerosum_mask_value(v0, mask)) FROM vals WHERE round = 8 AND id NOT IN ('dave', 'julia'))
         + zerosum_recover_mask('dave', 8,
               (SELECT array_agg(id ORDER BY id) FROM party WHERE id NOT IN ('dave', 'julia')),
               (SELECT array_agg(public_key ORDER BY id) FROM party WHERE id NOT IN ('dave', 'julia')),
               (SELECT public_key FROM party WHERE id = 'dave'),
               (SELECT array_agg(share) FROM dave_shares WHERE x IN (2, 3, 4)))
         + zerosum_recover_mask('julia', 8,
               (SELECT array_agg(id ORDER BY id) FROM party WHERE id NOT IN ('dave', 'julia')),
               (SELECT array_agg(public_key ORDER BY id) FROM party WHERE id NOT IN ('dave', 'julia')),
               (SELECT public_key FROM party WHERE id = 'julia'),
               (SELECT array_agg(share) FROM julia_shares WHERE x IN (1, 2, 3))))
       = (SELECT sum(v0) FROM vals WHERE round = 8 AND id NOT IN ('dave', 'julia')) AS two_dropouts_exact;
-- two shares are not enough, a tampered share is caught
SELECT zerosum_recover_mask('dave', 7,
           (SELECT array_agg(id ORDER BY id) FROM party WHERE id <> 'dave'),
           (SELECT array_agg(public_key ORDER BY id) FROM party WHERE id <> 'dave'),
           (SELECT public_key FROM party WHERE id = 'dave'),
           (SELECT array_agg(share) FROM dave_shares WHERE x IN (1, 2)));
SELECT zerosum_recover_mask('dave', 7,
           (SELECT array_agg(id ORDER BY id) FROM party WHERE id <> 'dave'),
           (SELECT array_agg(public_key ORDER BY id) FROM party WHERE id <> 'dave'),
           (SELECT public_key FROM party WHERE id = 'dave'),
           (SELECT array_agg(CASE WHEN x = 2 THEN share + shamir_share(2, 3, 1) ELSE share END)
            FROM dave_shares WHERE x IN (1, 2, 4)));

-- double masking (Bonawitz et al.): each party also adds a random
-- self-mask b and Shamir-shares b as well as its key.  For a survivor the
-- others release shares of b, for a dropped party shares of its key, never
-- both, so a party's key alone no longer opens its masked value.
CREATE TEMP TABLE dm AS
SELECT id, zerosum_random_mask() AS b, trunc(random()::numeric * 1e9) AS v FROM party;
SELECT bool_and(b >= 0 AND b < zerosum_modulus()) AS self_masks_in_range,
       count(DISTINCT b) = 5 AS self_masks_distinct
FROM dm;
CREATE TEMP TABLE dm_b_shares AS
SELECT id AS owner, s.x, s.share FROM dm, LATERAL shamir_split(b, 4, 3) AS s;
CREATE TEMP TABLE dm_k_shares AS
SELECT id AS owner, s.x, s.share FROM party, LATERAL zerosum_key_split(private_key, 4, 3) AS s;
CREATE TEMP TABLE dm_in AS      -- dave's masked value never arrives
SELECT id, zerosum_mask_value(v, mod(pg_temp.mask_of(id, 9) + b, zerosum_modulus())) AS masked
FROM dm WHERE id <> 'dave';
SELECT zerosum_unmask(
         (SELECT sum(masked) FROM dm_in)
         - (SELECT sum(b_back) FROM (SELECT shamir_combine(x, share) AS b_back FROM dm_b_shares
                                     WHERE owner <> 'dave' AND x IN (1, 3, 4) GROUP BY owner) AS q)
         + zerosum_recover_mask('dave', 9,
               (SELECT array_agg(id ORDER BY id) FROM party WHERE id <> 'dave'),
               (SELECT array_agg(public_key ORDER BY id) FROM party WHERE id <> 'dave'),
               (SELECT public_key FROM party WHERE id = 'dave'),
               (SELECT array_agg(share) FROM dm_k_shares WHERE owner = 'dave' AND x IN (2, 3, 4))))
       = (SELECT sum(v) FROM dm WHERE id <> 'dave') AS double_masking_exact;
-- alice's pairwise mask (what her key would give) does not open her value
SELECT zerosum_unmask((SELECT masked FROM dm_in WHERE id = 'alice') - pg_temp.mask_of('alice', 9))
       <> (SELECT v FROM dm WHERE id = 'alice') AS key_alone_does_not_unmask;

-- Errors (no key material in any message)
SELECT zerosum_public_key('\x01'::bytea);
SELECT zerosum_public_key(decode(repeat('00', 32), 'hex'));
SELECT zerosum_mask('alice', 1, ARRAY['bob'], ARRAY['\x02'::bytea], (SELECT private_key FROM party WHERE id = 'alice'));
SELECT zerosum_mask('alice', 1, ARRAY['bob'], ARRAY[decode(repeat('00', 383) || '01', 'hex')],
                    (SELECT private_key FROM party WHERE id = 'alice'));
SELECT zerosum_mask('alice', 1, ARRAY['alice'], ARRAY[(SELECT public_key FROM party WHERE id = 'bob')],
                    (SELECT private_key FROM party WHERE id = 'alice'));
SELECT zerosum_mask('alice', 1, ARRAY['bob', 'bob'],
                    (SELECT array_agg(public_key) FROM party WHERE id IN ('bob', 'julia')),
                    (SELECT private_key FROM party WHERE id = 'alice'));
SELECT zerosum_mask('alice', 1, ARRAY['bob', 'julia'], ARRAY[(SELECT public_key FROM party WHERE id = 'bob')],
                    (SELECT private_key FROM party WHERE id = 'alice'));
SELECT zerosum_mask('alice', 1, ARRAY[]::text[], ARRAY[]::bytea[], (SELECT private_key FROM party WHERE id = 'alice'));
SELECT zerosum_mask('', 1, ARRAY['bob'], ARRAY[(SELECT public_key FROM party WHERE id = 'bob')],
                    (SELECT private_key FROM party WHERE id = 'alice'));
SELECT zerosum_mask_value(2::numeric ^ 127, 0);
SELECT zerosum_mask_value(1.5, 0);
SELECT zerosum_mask_value(1.505, 0, 2);
SELECT zerosum_mask_value(1, 2::numeric ^ 128);
SELECT zerosum_mask_value(1, -1);
SELECT zerosum_mask_value('Infinity', 0);
SELECT zerosum_mask_value(1, 0, -1);
SELECT zerosum_unmask(1.5);
SELECT * FROM zerosum_key_split('\x00'::bytea, 3, 2);
SELECT * FROM zerosum_key_split((SELECT private_key FROM party WHERE id = 'alice'), 3, 4);
\set VERBOSITY sqlstate
SELECT zerosum_public_key('\x01'::bytea);                        -- bad private key
SELECT zerosum_mask('alice', 1, ARRAY['bob'], ARRAY['\x02'::bytea], (SELECT private_key FROM party WHERE id = 'alice'));
SELECT zerosum_mask_value(2::numeric ^ 127, 0);                   -- value out of range
SELECT zerosum_mask_value(1.505, 0, 2);                           -- too many decimals
SELECT zerosum_mask('alice', 1, ARRAY['bob', 'julia'], ARRAY[(SELECT public_key FROM party WHERE id = 'bob')],
                    (SELECT private_key FROM party WHERE id = 'alice'));
\set VERBOSITY default
