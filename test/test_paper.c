/*
 * test_paper.c: the core of paper-mode private EigenTrust: the vector
 * arithmetic (protocol_vec.c) and the authenticated envelopes (paper.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "djn.h"
#include "paper.h"
#include "protocol.h"

/* Encrypt, multiply three vectors, decrypt; a party's vector equals its
 * partial sums; threshold-free decryption refuses another key. */
static void
test_vectors(void)
{
	pai_priv	sk,
				other;
	pai_djn		djn;
	mpc_error	err;
	int64_t		a[3] = {5, -7, 1000000000000LL},
				b[3] = {1, 2, 3},
				out[3];
	size_t		len;
	unsigned char *va,
			   *vb,
			   *vp;

	CHECK_OK(pai_keygen(&sk, 1024, 512, &err));
	CHECK_OK(pai_keygen(&other, 1024, 512, &err));
	CHECK_OK(pai_djn_init(&djn, &sk.pub, 0, NULL, 0, &err));
	len = pet_vec_bytes(&sk.pub, 3);
	va = malloc(len);
	vb = malloc(len);
	vp = malloc(len);
	CHECK_OK(pet_vec_encrypt(&sk.pub, &djn, a, 3, 12, va, &err));
	CHECK_OK(pet_vec_encrypt(&sk.pub, &djn, b, 3, 12, vb, &err));
	{
		const unsigned char *vs[3] = {va, vb, vb};
		size_t		ls[3] = {len, len, len};

		CHECK_OK(pet_vec_product(&sk.pub, vs, ls, 3, vp, &err));
		CHECK_OK(pet_vec_decrypt(&sk, vp, len, 12, out, &err));
		CHECK(out[0] == 7 && out[1] == -3 && out[2] == 1000000000006LL);
		CHECK_STATUS(pet_vec_product(&other.pub, vs, ls, 3, vp, &err), MPC_ERR_KEY_MISMATCH);
	}
	CHECK_OK(pet_vec_decrypt(&sk, va, len, 11, out, &err));
	CHECK(out[0] == 1 && out[1] == -1 && out[2] == 100000000000LL);	/* half away from zero */
	CHECK_STATUS(pet_vec_decrypt(&other, va, len, 12, out, &err), MPC_ERR_KEY_MISMATCH);
	CHECK_STATUS(pet_vec_decrypt(&sk, va, len, 13, out, &err), MPC_ERR_ARG);

	/* a party with rows 0 -> {1: 0.25, 2: 0.75}, 1 dangling, at t = (0.5, 0.3, 0.2) */
	{
		pet_edge	e[] = {{0, 1, 1}, {0, 2, 3}, {1, 1, 1}};
		size_t		kept,
					nrows;
		uint32_t	hosted[3];
		unsigned char dangling[3];
		int64_t		t[3] = {500000000000LL, 300000000000LL, 200000000000LL};
		int64_t		p[3] = {333333333333LL, 333333333333LL, 333333333334LL};
		int64_t		u[3];

		CHECK_OK(pet_rows_build(e, 3, &kept, hosted, dangling, &nrows, &err));
		CHECK_OK(pet_vec_encrypt(&sk.pub, &djn, t, 3, PET_SCALE_T, va, &err));
		CHECK_OK(pet_party_vector(&sk.pub, &djn, e, kept, hosted, dangling, nrows, va, len, p, 3, vp, &err));
		CHECK_OK(pet_vec_decrypt(&sk, vp, len, PET_SCALE_U, u, &err));
		/* u_j = 0.5 c_0j + 0.3 p_j */
		CHECK(llabs(u[0] - 999999999999LL) <= 1);
		CHECK(llabs(u[1] - 2249999999999LL) <= 1);
		CHECK(llabs(u[2] - 4750000000002LL) <= 1);
		/* Enc(t) at another scale or length is refused */
		CHECK_OK(pet_vec_encrypt(&sk.pub, &djn, t, 3, 13, va, &err));
		CHECK_STATUS(pet_party_vector(&sk.pub, &djn, e, kept, hosted, dangling, nrows, va, len, p, 3, vp, &err),
					 MPC_ERR_ARG);
	}
	free(va);
	free(vb);
	free(vp);
	pai_djn_clear(&djn);
	pai_priv_clear(&sk);
	pai_priv_clear(&other);
}

/* Envelopes: the right receiver accepts; a changed body, another round,
 * another receiver, another run or another setup digest is refused. */
static void
test_envelopes(void)
{
	uint8_t		keys[3][AM_KEY_LEN],
				setup[AM_DIGEST_LEN],
				setup2[AM_DIGEST_LEN];
	unsigned char body[5] = {1, 2, 3, 4, 5};
	size_t		len = pp_env_size(sizeof(body), 3);
	unsigned char *m = malloc(len);
	pp_env		e;
	mpc_error	err;
	char		krun[AM_MAX_RUN_LEN + 1];
	uint8_t		nonces[2 * PP_NONCE_LEN];

	memset(nonces, 7, sizeof(nonces));
	CHECK_OK(pp_krun("run", nonces, 2, krun, &err));
	CHECK(strncmp(krun, "run/", 4) == 0 && strlen(krun) == 4 + 64);
	unit_getrandom(keys, sizeof(keys));
	unit_getrandom(setup, sizeof(setup));
	memcpy(setup2, setup, sizeof(setup));
	setup2[0] ^= 1;
	CHECK_OK(pp_env_build(m, PP_ROUND, 4, 2, 1, 3, body, sizeof(body),
						  (const uint8_t (*)[AM_KEY_LEN]) keys, krun, setup, &err));
	CHECK_OK(pp_env_peek(&e, m, len, &err));
	CHECK(e.sender == 4 && e.round == 2 && e.first == 1 && e.ntags == 3 && e.blen == 5);
	for (uint32_t x = 1; x <= 3; x++)
		CHECK_OK(pp_env_check(&e, PP_ROUND, 2, x, keys[x - 1], krun, setup, &err));
	CHECK_STATUS(pp_env_check(&e, PP_ROUND, 2, 2, keys[0], krun, setup, &err), MPC_ERR_CIPHERTEXT);
	CHECK_STATUS(pp_env_check(&e, PP_ROUND, 3, 1, keys[0], krun, setup, &err), MPC_ERR_CIPHERTEXT);
	CHECK_STATUS(pp_env_check(&e, PP_VECTOR, 2, 1, keys[0], krun, setup, &err), MPC_ERR_CIPHERTEXT);
	CHECK_STATUS(pp_env_check(&e, PP_ROUND, 2, 4, keys[0], krun, setup, &err), MPC_ERR_CIPHERTEXT);
	CHECK_STATUS(pp_env_check(&e, PP_ROUND, 2, 1, keys[0], "run/other", setup, &err), MPC_ERR_CIPHERTEXT);
	CHECK_STATUS(pp_env_check(&e, PP_ROUND, 2, 1, keys[0], krun, setup2, &err), MPC_ERR_CIPHERTEXT);
	m[PP_HDR + 2] ^= 1;			/* the body */
	CHECK_OK(pp_env_peek(&e, m, len, &err));
	CHECK_STATUS(pp_env_check(&e, PP_ROUND, 2, 1, keys[0], krun, setup, &err), MPC_ERR_CIPHERTEXT);
	m[PP_HDR + 2] ^= 1;
	m[9 + 7] ^= 1;				/* the round in the header */
	CHECK_OK(pp_env_peek(&e, m, len, &err));
	CHECK_STATUS(pp_env_check(&e, PP_ROUND, 3, 1, keys[0], krun, setup, &err), MPC_ERR_CIPHERTEXT);
	/* truncated or padded: refused before any tag is read */
	CHECK_STATUS(pp_env_peek(&e, m, len - 1, &err), MPC_ERR_CIPHERTEXT);
	CHECK_STATUS(pp_env_peek(&e, m, PP_HDR - 1, &err), MPC_ERR_CIPHERTEXT);
	free(m);
}

int
main(void)
{
	UNIT_INIT();
	test_vectors();
	test_envelopes();
	UNIT_DONE("test_paper");
}
