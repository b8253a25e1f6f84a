-- Secret sharing: Shamir t-of-n over F_P with P = 2^521 - 1 (glue:
-- src/pg/shamir.c, shamir_agg.c).  Zero-sum masks are in 61_zerosum.sql.

-- ---- the shamir_share type ----

CREATE TYPE shamir_share;

CREATE FUNCTION shamir_share_in(cstring) RETURNS shamir_share
AS 'MODULE_PATHNAME', 'shamir_share_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION shamir_share_out(shamir_share) RETURNS cstring
AS 'MODULE_PATHNAME', 'shamir_share_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION shamir_share_recv(internal) RETURNS shamir_share
AS 'MODULE_PATHNAME', 'shamir_share_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION shamir_share_send(shamir_share) RETURNS bytea
AS 'MODULE_PATHNAME', 'shamir_share_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE shamir_share (
	INPUT = shamir_share_in,
	OUTPUT = shamir_share_out,
	RECEIVE = shamir_share_recv,
	SEND = shamir_share_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = int4,
	STORAGE = plain
);
COMMENT ON TYPE shamir_share IS
'one Shamir share over the field of the prime 2^521 - 1: the point x, the threshold t and the value f(x); text form (x,t,y)';

COMMENT ON FUNCTION shamir_share_in(cstring) IS 'input function of shamir_share: (x,t,y)';
COMMENT ON FUNCTION shamir_share_out(shamir_share) IS 'output function of shamir_share: (x,t,y)';
COMMENT ON FUNCTION shamir_share_recv(internal) IS 'binary input function of shamir_share';
COMMENT ON FUNCTION shamir_share_send(shamir_share) IS 'binary output function of shamir_share';

CREATE FUNCTION shamir_share(x integer, t integer, y numeric) RETURNS shamir_share
AS 'MODULE_PATHNAME', 'shamir_share_make'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shamir_share(integer, integer, numeric) IS
'build a share from its point x >= 1, threshold t and value y in [0, 2^521 - 1)';

CREATE FUNCTION shamir_share_x(share shamir_share) RETURNS integer
AS 'MODULE_PATHNAME', 'shamir_share_x'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shamir_share_x(shamir_share) IS 'the point x of a share';

CREATE FUNCTION shamir_share_t(share shamir_share) RETURNS integer
AS 'MODULE_PATHNAME', 'shamir_share_t'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shamir_share_t(shamir_share) IS 'the threshold t of a share: how many shares recover the secret';

CREATE FUNCTION shamir_share_y(share shamir_share) RETURNS numeric
AS 'MODULE_PATHNAME', 'shamir_share_y'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shamir_share_y(shamir_share) IS 'the value f(x) of a share, in [0, 2^521 - 1)';

CREATE FUNCTION shamir_prime() RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN 6864797660130609714981900799081393217269435300143305409394463459185543183397656052122559640661454554977296311391480858037121987999716643812574028291115057151::numeric;
COMMENT ON FUNCTION shamir_prime() IS 'the prime P = 2^521 - 1 of the field Shamir shares live in';

-- ---- linearity: adding shares ----

CREATE FUNCTION shamir_share_add(shamir_share, shamir_share) RETURNS shamir_share
AS 'MODULE_PATHNAME', 'shamir_share_add'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shamir_share_add(shamir_share, shamir_share) IS
'add two shares at the same point and threshold: shares of a plus shares of b are shares of a + b';

CREATE OPERATOR + (
	LEFTARG = shamir_share,
	RIGHTARG = shamir_share,
	FUNCTION = shamir_share_add,
	COMMUTATOR = +
);
COMMENT ON OPERATOR + (shamir_share, shamir_share) IS
'add two shares at the same point and threshold (a share of the sum of the secrets)';

CREATE AGGREGATE sum(shamir_share) (
	SFUNC = shamir_share_add,
	STYPE = shamir_share,
	COMBINEFUNC = shamir_share_add,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE sum(shamir_share) IS
'add shares of many secrets at one point: a share of the sum of the secrets';

-- ---- split and combine ----

CREATE FUNCTION shamir_split(secret numeric, n integer, t integer)
RETURNS TABLE(x integer, share shamir_share)
AS 'MODULE_PATHNAME', 'shamir_split_sql'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE ROWS 5;
COMMENT ON FUNCTION shamir_split(numeric, integer, integer) IS
'split an integer secret with |secret| <= 2^520 - 1 into n shares at x = 1..n, any t of which recover it';

CREATE FUNCTION shamir_combine(shares shamir_share[]) RETURNS numeric
AS 'MODULE_PATHNAME', 'shamir_combine_array'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shamir_combine(shamir_share[]) IS
'recover the secret from at least t shares by Lagrange interpolation at 0';

CREATE FUNCTION shamir_combine(x integer[], shares shamir_share[]) RETURNS numeric
AS 'MODULE_PATHNAME', 'shamir_combine_xarray'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shamir_combine(integer[], shamir_share[]) IS
'recover the secret from at least t shares, checking that each share belongs to the point given beside it';

-- The shamir_combine aggregates collect shares in an internal state;
-- the support functions are not meant to be called directly.
CREATE FUNCTION shamir_combine_transfn(internal, shamir_share) RETURNS internal
AS 'MODULE_PATHNAME', 'shamir_combine_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION shamir_combine_transfn(internal, shamir_share) IS
'transition function of the shamir_combine(share) aggregate';

CREATE FUNCTION shamir_combine_transfn(internal, integer, shamir_share) RETURNS internal
AS 'MODULE_PATHNAME', 'shamir_combine_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION shamir_combine_transfn(internal, integer, shamir_share) IS
'transition function of the shamir_combine(x, share) aggregate';

CREATE FUNCTION shamir_combine_combinefn(internal, internal) RETURNS internal
AS 'MODULE_PATHNAME', 'shamir_combine_combinefn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION shamir_combine_combinefn(internal, internal) IS
'combine function of the shamir_combine aggregates';

CREATE FUNCTION shamir_combine_serialfn(internal) RETURNS bytea
AS 'MODULE_PATHNAME', 'shamir_combine_serialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shamir_combine_serialfn(internal) IS
'serialisation function of the shamir_combine aggregates';

CREATE FUNCTION shamir_combine_deserialfn(bytea, internal) RETURNS internal
AS 'MODULE_PATHNAME', 'shamir_combine_deserialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shamir_combine_deserialfn(bytea, internal) IS
'deserialisation function of the shamir_combine aggregates';

CREATE FUNCTION shamir_combine_finalfn(internal) RETURNS numeric
AS 'MODULE_PATHNAME', 'shamir_combine_finalfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION shamir_combine_finalfn(internal) IS
'final function of the shamir_combine aggregates: Lagrange interpolation at 0';

CREATE AGGREGATE shamir_combine(share shamir_share) (
	SFUNC = shamir_combine_transfn,
	STYPE = internal,
	FINALFUNC = shamir_combine_finalfn,
	COMBINEFUNC = shamir_combine_combinefn,
	SERIALFUNC = shamir_combine_serialfn,
	DESERIALFUNC = shamir_combine_deserialfn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE shamir_combine(shamir_share) IS
'recover the secret from the shares in a group (at least t of them)';

CREATE AGGREGATE shamir_combine(x integer, share shamir_share) (
	SFUNC = shamir_combine_transfn,
	STYPE = internal,
	FINALFUNC = shamir_combine_finalfn,
	COMBINEFUNC = shamir_combine_combinefn,
	SERIALFUNC = shamir_combine_serialfn,
	DESERIALFUNC = shamir_combine_deserialfn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE shamir_combine(integer, shamir_share) IS
'recover the secret from the (x, share) rows in a group (at least t of them), checking each share''s point';
