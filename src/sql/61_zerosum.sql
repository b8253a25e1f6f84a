-- Zero-sum masked sums with pairwise Diffie-Hellman seeds (no dealer, no key
-- holder); glue: src/pg/zerosum.c.

-- ---- zero-sum masks ----

CREATE FUNCTION zerosum_keygen() RETURNS bytea
AS 'MODULE_PATHNAME', 'zerosum_keygen'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zerosum_keygen() IS
'a fresh Diffie-Hellman private key (32 bytes) for zero-sum masks; keep it in a table only its party can read';

CREATE FUNCTION zerosum_public_key(private_key bytea) RETURNS bytea
AS 'MODULE_PATHNAME', 'zerosum_public_key'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zerosum_public_key(bytea) IS
'the public key 2^x mod p (384 bytes, RFC 3526 group 15) of a zero-sum private key';

CREATE FUNCTION zerosum_keypair(OUT private_key bytea, OUT public_key bytea)
LANGUAGE sql VOLATILE PARALLEL SAFE
AS $$ SELECT k, @extschema@.zerosum_public_key(k) FROM @extschema@.zerosum_keygen() AS k $$;
COMMENT ON FUNCTION zerosum_keypair() IS
'a fresh zero-sum key pair: the private key to keep, the public key to publish';

CREATE FUNCTION zerosum_mask(self_id text, round bigint, peer_ids text[],
                             peer_public_keys bytea[], private_key bytea)
RETURNS numeric
AS 'MODULE_PATHNAME', 'zerosum_mask'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zerosum_mask(text, bigint, text[], bytea[], bytea) IS
'this party''s mask in [0, 2^128) for a round against its peers; the masks of all parties sum to 0 mod 2^128';

CREATE FUNCTION zerosum_mask_value(value numeric, mask numeric, scale integer DEFAULT 0)
RETURNS numeric
AS 'MODULE_PATHNAME', 'zerosum_mask_value'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zerosum_mask_value(numeric, numeric, integer) IS
'(value * 10^scale + mask) mod 2^128: the masked value a party publishes; |value * 10^scale| < 2^127';

CREATE FUNCTION zerosum_unmask(total numeric, scale integer DEFAULT 0) RETURNS numeric
AS 'MODULE_PATHNAME', 'zerosum_unmask'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zerosum_unmask(numeric, integer) IS
'the true sum from the plain sum of all masked values: total mod 2^128, read as signed, divided by 10^scale';

CREATE FUNCTION zerosum_random_mask() RETURNS numeric
AS 'MODULE_PATHNAME', 'zerosum_random_mask'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zerosum_random_mask() IS
'a uniformly random value in [0, 2^128): a self-mask for double masking, to be Shamir-shared with shamir_split';

CREATE FUNCTION zerosum_modulus() RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN 340282366920938463463374607431768211456::numeric;
COMMENT ON FUNCTION zerosum_modulus() IS 'the modulus M = 2^128 of zero-sum masks';

CREATE FUNCTION zerosum_key_split(private_key bytea, n integer, t integer)
RETURNS TABLE(x integer, share shamir_share)
AS 'MODULE_PATHNAME', 'zerosum_key_split'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE ROWS 5;
COMMENT ON FUNCTION zerosum_key_split(bytea, integer, integer) IS
'Shamir-share a zero-sum private key among n peers, any t of whom can remove this party''s mask if it drops out';

CREATE FUNCTION zerosum_recover_mask(dropped_id text, round bigint, peer_ids text[],
                                     peer_public_keys bytea[], dropped_public_key bytea,
                                     key_shares shamir_share[])
RETURNS numeric
AS 'MODULE_PATHNAME', 'zerosum_recover_mask'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zerosum_recover_mask(text, bigint, text[], bytea[], bytea, shamir_share[]) IS
'the mask of a dropped party against the survivors, from t shares of its private key; add it to the survivors'' masked sum';
