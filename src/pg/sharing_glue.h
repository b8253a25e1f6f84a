/*
 * sharing_glue.h: what the Shamir and zero-sum glue files share
 * (shamir.c, shamir_agg.c, zerosum.c): the shamir_share layout and a few
 * helpers defined in shamir.c.  Private to src/pg.
 */
#ifndef MPC_SHARING_GLUE_H
#define MPC_SHARING_GLUE_H


typedef struct ShamirShare
{
	int32		vl_len_;		/* varlena header, do not touch directly */
	uint8		version;		/* SHAMIR_SHARE_VERSION */
	uint8		reserved;		/* must be zero */
	uint16		t;				/* threshold, 1..SHAMIR_MAX_N */
	int32		x;				/* point, >= 1 */
	uint8		y[SHAMIR_Y_BYTES];	/* value in [0, P), big-endian */
} ShamirShare;

#define SHAMIR_SHARE_VERSION 1
#define SHAMIR_SHARE_SIZE	((Size) sizeof(ShamirShare))

#define DatumGetShamirShareP(d) ((ShamirShare *) PG_DETOAST_DATUM(d))
#define PG_GETARG_SHAMIR_SHARE_P(n) DatumGetShamirShareP(PG_GETARG_DATUM(n))

void		sharing_check_layout(const ShamirShare *s);
void		sharing_raise_if(mpc_status st, const mpc_error *err, const char *what);
void		sharing_numeric_to_mpz(Datum num, int scale, mpz_t out, const char *what);
void		sharing_check_scale(int32 scale, const char *what);
int			sharing_shares_from_array(ArrayType *arr, int32 **xs, int32 **ts, mpz_t **ys, const char *what);
void		sharing_free_mpz_array(mpz_t *ys, int n);
void		sharing_emit_shares(FunctionCallInfo fcinfo, int n, int t, mpz_t *ys);
void		sharing_check_n_t(int32 n, int32 t, const char *what);
Datum		sharing_combine_common(int k, int32 *xs, int32 *ts, mpz_t *ys);

#endif
