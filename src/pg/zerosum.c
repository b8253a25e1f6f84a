/*
 * zerosum.c: SQL glue for zero-sum masks (src/sql/61_zerosum.sql): keys,
 * masks, unmasking and the split/recovery of a party's mask key.
 */
#include "postgres.h"

#include <gmp.h>
#include <limits.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/memutils.h"

#include "mpc_pg.h"
#include "encoding.h"
#include "paillier_glue.h"
#include "serial.h"
#include "sharing.h"
#include "zerosum.h"
#include "sharing_glue.h"

/* ---- zero-sum masks ---- */

static zs_party *
parties_from_arrays(ArrayType *ids, ArrayType *keys, int *np, const char *what)
{
	Datum	   *ie,
			   *ke;
	bool	   *in,
			   *kn;
	int			ni,
				nk,
				i;
	zs_party   *ps;

	deconstruct_array(ids, TEXTOID, -1, false, TYPALIGN_INT, &ie, &in, &ni);
	deconstruct_array(keys, BYTEAOID, -1, false, TYPALIGN_INT, &ke, &kn, &nk);
	if (ni != nk)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s: the arrays of peer ids and public keys differ in length", what),
				 errdetail("The array of ids has length %d, the array of public keys %d.", ni, nk)));
	ps = palloc(sizeof(zs_party) * Max(ni, 1));
	for (i = 0; i < ni; i++)
	{
		text	   *id;
		bytea	   *key;

		if (in[i] || kn[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s: peer ids and public keys must not be null", what)));
		id = DatumGetTextPP(ie[i]);
		key = DatumGetByteaPP(ke[i]);
		ps[i].id = VARDATA_ANY(id);
		ps[i].id_len = VARSIZE_ANY_EXHDR(id);
		ps[i].pub = (const uint8_t *) VARDATA_ANY(key);
		ps[i].pub_len = VARSIZE_ANY_EXHDR(key);
	}
	*np = ni;
	return ps;
}

/* zerosum_keygen() RETURNS bytea: a fresh private key */
MPC_FUNCTION(zerosum_keygen)
{
	bytea	   *res = palloc(VARHDRSZ + ZS_PRIV_LEN);
	mpc_error	err = {MPC_OK, ""};

	SET_VARSIZE(res, VARHDRSZ + ZS_PRIV_LEN);
	sharing_raise_if(zs_keygen((uint8_t *) VARDATA(res), &err), &err, "zerosum_keygen");
	PG_RETURN_BYTEA_P(res);
}

/* zerosum_public_key(private_key bytea) RETURNS bytea */
MPC_FUNCTION(zerosum_public_key)
{
	bytea	   *priv = PG_GETARG_BYTEA_PP(0);
	bytea	   *res = palloc(VARHDRSZ + ZS_PUB_LEN);
	mpc_error	err = {MPC_OK, ""};

	SET_VARSIZE(res, VARHDRSZ + ZS_PUB_LEN);
	sharing_raise_if(zs_public_key((const uint8_t *) VARDATA_ANY(priv), VARSIZE_ANY_EXHDR(priv),
						   (uint8_t *) VARDATA(res), &err), &err, "zerosum_public_key");
	PG_RETURN_BYTEA_P(res);
}

static Datum
finish_mask(mpc_status st, mpc_error *err, mpz_t mask, const char *what)
{
	Datum		d;

	sharing_raise_if(st, err, what);
	d = mpc_numeric_from_scaled(mask, 0);
	mpz_clear(mask);
	return d;
}

/*
 * zerosum_mask(self_id text, round bigint, peer_ids text[],
 *              peer_public_keys bytea[], private_key bytea) RETURNS numeric
 */
MPC_FUNCTION(zerosum_mask)
{
	text	   *self = PG_GETARG_TEXT_PP(0);
	int64		round = PG_GETARG_INT64(1);
	bytea	   *priv = PG_GETARG_BYTEA_PP(4);
	zs_party   *peers;
	int			np;
	mpz_t		mask;
	mpc_error	err = {MPC_OK, ""};
	mpc_status	st;

	peers = parties_from_arrays(PG_GETARG_ARRAYTYPE_P(2), PG_GETARG_ARRAYTYPE_P(3),
								&np, "zerosum_mask");
	mpz_init(mask);
	CORE_CALL(st, zs_mask((const uint8_t *) VARDATA_ANY(priv), VARSIZE_ANY_EXHDR(priv),
						  VARDATA_ANY(self), VARSIZE_ANY_EXHDR(self), round, peers, np,
						  mask, &err));
	PG_RETURN_DATUM(finish_mask(st, &err, mask, "zerosum_mask"));
}

/* zerosum_mask_value(value numeric, mask numeric, scale integer) RETURNS numeric */
MPC_FUNCTION(zerosum_mask_value)
{
	int32		scale = PG_GETARG_INT32(2);
	mpz_t		v,
				m,
				out;
	mpc_error	err = {MPC_OK, ""};
	mpc_status	st;
	Datum		d;

	sharing_check_scale(scale, "zerosum_mask_value");
	mpz_inits(v, m, out, NULL);
	sharing_numeric_to_mpz(PG_GETARG_DATUM(0), scale, v, "zerosum_mask_value");
	sharing_numeric_to_mpz(PG_GETARG_DATUM(1), 0, m, "zerosum_mask_value");
	st = zs_mask_value(v, m, out, &err);
	mpz_clears(v, m, NULL);
	sharing_raise_if(st, &err, "zerosum_mask_value");
	d = mpc_numeric_from_scaled(out, 0);
	mpz_clear(out);
	PG_RETURN_DATUM(d);
}

/* zerosum_random_mask() RETURNS numeric: uniform in [0, 2^128) */
MPC_FUNCTION(zerosum_random_mask)
{
	mpz_t		m;
	mpc_error	err = {MPC_OK, ""};
	Datum		d;

	mpz_init(m);
	sharing_raise_if(zs_random_mask(m, &err), &err, "zerosum_random_mask");
	d = mpc_numeric_from_scaled(m, 0);
	mpz_clear(m);
	PG_RETURN_DATUM(d);
}

/* zerosum_unmask(total numeric, scale integer) RETURNS numeric */
MPC_FUNCTION(zerosum_unmask)
{
	int32		scale = PG_GETARG_INT32(1);
	mpz_t		total,
				out;
	Datum		d;

	sharing_check_scale(scale, "zerosum_unmask");
	mpz_inits(total, out, NULL);
	sharing_numeric_to_mpz(PG_GETARG_DATUM(0), 0, total, "zerosum_unmask");
	zs_unmask(total, out);
	d = mpc_numeric_from_scaled(out, scale);
	mpz_clears(total, out, NULL);
	PG_RETURN_DATUM(d);
}

/* zerosum_key_split(private_key bytea, n integer, t integer)
 *   RETURNS TABLE(x integer, share shamir_share) */
MPC_FUNCTION(zerosum_key_split)
{
	bytea	   *priv = PG_GETARG_BYTEA_PP(0);
	int32		n = PG_GETARG_INT32(1);
	int32		t = PG_GETARG_INT32(2);
	mpz_t	   *ys;
	mpc_error	err = {MPC_OK, ""};
	mpc_status	st;
	int			i;

	sharing_check_n_t(n, t, "zerosum_key_split");
	ys = palloc(sizeof(mpz_t) * n);
	for (i = 0; i < n; i++)
		mpz_init(ys[i]);
	CORE_CALL(st, zs_key_split((const uint8_t *) VARDATA_ANY(priv), VARSIZE_ANY_EXHDR(priv),
							   n, t, ys, &err));
	sharing_raise_if(st, &err, "zerosum_key_split");
	sharing_emit_shares(fcinfo, n, t, ys);
	sharing_free_mpz_array(ys, n);
	return (Datum) 0;
}

/*
 * zerosum_recover_mask(dropped_id text, round bigint, peer_ids text[],
 *                      peer_public_keys bytea[], dropped_public_key bytea,
 *                      key_shares shamir_share[]) RETURNS numeric
 */
MPC_FUNCTION(zerosum_recover_mask)
{
	text	   *did = PG_GETARG_TEXT_PP(0);
	int64		round = PG_GETARG_INT64(1);
	bytea	   *dpub = PG_GETARG_BYTEA_PP(4);
	zs_party   *peers;
	int			np,
				k;
	int32	   *xs,
			   *ts;
	mpz_t	   *ys;
	mpz_t		mask;
	mpc_error	err = {MPC_OK, ""};
	mpc_status	st;

	peers = parties_from_arrays(PG_GETARG_ARRAYTYPE_P(2), PG_GETARG_ARRAYTYPE_P(3),
								&np, "zerosum_recover_mask");
	k = sharing_shares_from_array(PG_GETARG_ARRAYTYPE_P(5), &xs, &ts, &ys, "zerosum_recover_mask");
	mpz_init(mask);
	CORE_CALL(st, zs_recover_mask(k, xs, ts, ys, VARDATA_ANY(did), VARSIZE_ANY_EXHDR(did),
								  (const uint8_t *) VARDATA_ANY(dpub), VARSIZE_ANY_EXHDR(dpub),
								  round, peers, np, mask, &err));
	sharing_free_mpz_array(ys, k);
	PG_RETURN_DATUM(finish_mask(st, &err, mask, "zerosum_recover_mask"));
}

