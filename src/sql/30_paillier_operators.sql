-- Homomorphic operators and the parallel sum() aggregate.

CREATE FUNCTION paillier_ct_add(paillier_ciphertext, paillier_ciphertext) RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_ct_add(paillier_ciphertext, paillier_ciphertext) IS
'Enc(a) + Enc(b) = Enc(a + b); the result has the larger scale';
CREATE FUNCTION paillier_ct_sub(paillier_ciphertext, paillier_ciphertext) RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_ct_sub(paillier_ciphertext, paillier_ciphertext) IS
'Enc(a) - Enc(b) = Enc(a - b); the result has the larger scale';
CREATE FUNCTION paillier_ct_neg(paillier_ciphertext) RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_ct_neg(paillier_ciphertext) IS '-Enc(a) = Enc(-a) (modular inverse)';
CREATE FUNCTION paillier_ct_add_plain(paillier_ciphertext, numeric) RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_ct_add_plain(paillier_ciphertext, numeric) IS
'Enc(a) + k = Enc(a + k) without encrypting k (multiplies by 1 + k n)';
CREATE FUNCTION paillier_plain_add_ct(numeric, paillier_ciphertext) RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_plain_add_ct(numeric, paillier_ciphertext) IS 'k + Enc(a) = Enc(k + a)';
CREATE FUNCTION paillier_ct_sub_plain(paillier_ciphertext, numeric) RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_ct_sub_plain(paillier_ciphertext, numeric) IS 'Enc(a) - k = Enc(a - k)';
CREATE FUNCTION paillier_ct_mul(paillier_ciphertext, numeric) RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_ct_mul(paillier_ciphertext, numeric) IS
'Enc(a) * k = Enc(a k); a fractional k adds its digits to the scale';
CREATE FUNCTION paillier_mul_ct(numeric, paillier_ciphertext) RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_mul_ct(numeric, paillier_ciphertext) IS 'k * Enc(a) = Enc(k a)';

CREATE FUNCTION paillier_rerandomize(paillier_ciphertext) RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_rerandomize(paillier_ciphertext) IS
'a fresh ciphertext of the same value (multiplies by a new encryption of zero)';

CREATE OPERATOR + (LEFTARG = paillier_ciphertext, RIGHTARG = paillier_ciphertext,
                   FUNCTION = paillier_ct_add, COMMUTATOR = +);
COMMENT ON OPERATOR + (paillier_ciphertext, paillier_ciphertext) IS 'homomorphic addition';
CREATE OPERATOR - (LEFTARG = paillier_ciphertext, RIGHTARG = paillier_ciphertext,
                   FUNCTION = paillier_ct_sub);
COMMENT ON OPERATOR - (paillier_ciphertext, paillier_ciphertext) IS 'homomorphic subtraction';
CREATE OPERATOR - (RIGHTARG = paillier_ciphertext, FUNCTION = paillier_ct_neg);
COMMENT ON OPERATOR - (NONE, paillier_ciphertext) IS 'homomorphic negation';
CREATE OPERATOR + (LEFTARG = paillier_ciphertext, RIGHTARG = numeric,
                   FUNCTION = paillier_ct_add_plain, COMMUTATOR = +);
COMMENT ON OPERATOR + (paillier_ciphertext, numeric) IS 'add a plaintext to a ciphertext';
CREATE OPERATOR + (LEFTARG = numeric, RIGHTARG = paillier_ciphertext,
                   FUNCTION = paillier_plain_add_ct, COMMUTATOR = +);
COMMENT ON OPERATOR + (numeric, paillier_ciphertext) IS 'add a plaintext to a ciphertext';
CREATE OPERATOR - (LEFTARG = paillier_ciphertext, RIGHTARG = numeric,
                   FUNCTION = paillier_ct_sub_plain);
COMMENT ON OPERATOR - (paillier_ciphertext, numeric) IS 'subtract a plaintext from a ciphertext';
CREATE OPERATOR * (LEFTARG = paillier_ciphertext, RIGHTARG = numeric,
                   FUNCTION = paillier_ct_mul, COMMUTATOR = *);
COMMENT ON OPERATOR * (paillier_ciphertext, numeric) IS 'scalar multiplication';
CREATE OPERATOR * (LEFTARG = numeric, RIGHTARG = paillier_ciphertext,
                   FUNCTION = paillier_mul_ct, COMMUTATOR = *);
COMMENT ON OPERATOR * (numeric, paillier_ciphertext) IS 'scalar multiplication';

CREATE FUNCTION paillier_sum_transfn(internal, paillier_ciphertext) RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION paillier_sum_transfn(internal, paillier_ciphertext) IS
'sum(paillier_ciphertext) transition: multiplies the row into the state';
CREATE FUNCTION paillier_sum_combinefn(internal, internal) RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION paillier_sum_combinefn(internal, internal) IS
'sum(paillier_ciphertext) combine: multiplies two partial states';
CREATE FUNCTION paillier_sum_serialfn(internal) RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_sum_serialfn(internal) IS 'sum(paillier_ciphertext) state serializer';
CREATE FUNCTION paillier_sum_deserialfn(bytea, internal) RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_sum_deserialfn(bytea, internal) IS 'sum(paillier_ciphertext) state deserializer';
CREATE FUNCTION paillier_sum_finalfn(internal) RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE PARALLEL SAFE;
COMMENT ON FUNCTION paillier_sum_finalfn(internal) IS
'sum(paillier_ciphertext) final: re-randomises the product once';

CREATE AGGREGATE sum(paillier_ciphertext) (
    SFUNC = paillier_sum_transfn,
    STYPE = internal,
    COMBINEFUNC = paillier_sum_combinefn,
    SERIALFUNC = paillier_sum_serialfn,
    DESERIALFUNC = paillier_sum_deserialfn,
    FINALFUNC = paillier_sum_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE sum(paillier_ciphertext) IS
'encrypted sum: the product of the ciphertexts, re-randomised once; NULLs skipped, no rows gives NULL, scales lifted to the largest';
