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

/*
 * Slots: a party's packed vector decrypts to the same partial sums as its
 * one-ciphertext-per-value vector (n = 61: six ciphertexts of 11 slots and
 * a last of 6, on the eight-lane path where the CPU has IFMA; n = 20: two
 * ciphertexts, one at a time), the product of three parties' packed
 * vectors to their sum; shapes and layouts that do not fit are refused.
 */
static void
test_slots(void)
{
	pai_priv	sk;
	pai_djn		djn;
	mpc_error	err;
	const uint32_t sizes[2] = {61, 20};

	CHECK_OK(pai_keygen(&sk, 1024, 512, &err));
	CHECK_OK(pai_djn_init(&djn, &sk.pub, 0, NULL, 0, &err));
	CHECK(pet_slot_bits(1) == 81 && pet_slot_bits(3) == 83 && pet_slot_bits(4) == 83 &&
		  pet_slot_bits(5) == 84);
	for (int z = 0; z < 2; z++)
	{
		uint32_t	n = sizes[z],
					nct;
		size_t		plen = pet_vec_bytes(&sk.pub, n),
					slen = pet_slots_bytes(&sk.pub, n, pet_slot_bits(3), &nct);
		int64_t    *t = calloc(n, sizeof(int64_t)),
				   *p = calloc(n, sizeof(int64_t)),
				   *u = calloc(n, sizeof(int64_t)),
				   *w = calloc(n, sizeof(int64_t)),
				   *sum = calloc(n, sizeof(int64_t));
		unsigned char *enc_t = malloc(plen),
				   *vp = malloc(plen),
				   *vs[3],
				   *prod = malloc(slen);
		size_t		lens[3] = {slen, slen, slen};
		pet_vec_hdr h;

		CHECK(nct == (n + 11) / 12);
		for (uint32_t j = 0; j < n; j++)
		{
			p[j] = j % 3 == 0 ? 0 : PET_ONE_T / n;
			t[j] = PET_ONE_T / n;
		}
		t[0] += PET_ONE_T - (PET_ONE_T / n) * n;
		CHECK_OK(pet_vec_encrypt(&sk.pub, &djn, t, n, PET_SCALE_T, enc_t, &err));
		for (int q = 0; q < 3; q++)
		{
			/* party q hosts trusters j = q mod 3; every fifth one is dangling */
			pet_edge   *e = malloc(sizeof(pet_edge) * 4 * n);
			uint32_t   *hosted = malloc(sizeof(uint32_t) * 4 * n);
			unsigned char *dangling = malloc(4 * n);
			size_t		m = 0,
						kept,
						nrows;

			for (uint32_t i = (uint32_t) q; i < n; i += 3)
				for (uint32_t k = 0; k < 4; k++)
					e[m++] = (pet_edge) {i, (i * 7 + k * 13 + 1) % n, i % 5 == 0 ? -1.0 : 1.0 + k};
			CHECK_OK(pet_rows_build(e, m, &kept, hosted, dangling, &nrows, &err));
			vs[q] = malloc(slen);
			CHECK_OK(pet_party_vector(&sk.pub, &djn, e, kept, hosted, dangling, nrows, enc_t, plen,
									  p, n, vp, &err));
			CHECK_OK(pet_vec_decrypt(&sk, vp, plen, PET_SCALE_U, u, &err));
			CHECK_OK(pet_party_vector_packed(&sk.pub, &djn, e, kept, hosted, dangling, nrows, enc_t,
											 plen, p, n, 3, vs[q], &err));
			CHECK_OK(pet_vec_read_hdr(&h, vs[q], slen, &sk.pub, &err));
			CHECK(h.kind == PET_KIND_SLOTS && h.slot_bits == 83 && h.count == n && h.nct == nct &&
				  h.scale == PET_SCALE_TC);
			CHECK_OK(pet_vec_decrypt(&sk, vs[q], slen, PET_SCALE_U, w, &err));
			for (uint32_t j = 0; j < n; j++)
			{
				CHECK(w[j] == u[j]);
				sum[j] += u[j];
			}
			/* a plain vector cannot be multiplied with a packed one */
			{
				const unsigned char *mix[2] = {vs[q], vp};
				size_t		ml[2] = {slen, plen};

				CHECK_STATUS(pet_vec_product(&sk.pub, mix, ml, 2, prod, &err), MPC_ERR_ARG);
			}
			free(e);
			free(hosted);
			free(dangling);
		}
		CHECK_OK(pet_vec_product(&sk.pub, (const unsigned char *const *) vs, lens, 3, prod, &err));
		CHECK_OK(pet_vec_decrypt(&sk, prod, slen, PET_SCALE_U, u, &err));
		for (uint32_t j = 0; j < n; j++)
			CHECK(u[j] == sum[j]);
		/* layouts the header does not allow */
		h.nct = n + 1;			/* more ciphertexts than values */
		pet_vec_write_hdr(&h, prod);
		CHECK_STATUS(pet_vec_read_hdr(&h, prod, PET_VEC_HDR + (size_t) (n + 1) * 2 * sk.pub.nbytes,
									  NULL, &err), MPC_ERR_BINARY);
		h.nct = nct;
		h.slot_bits = 200;		/* 11 slots of 200 bits do not fit 1024 bits */
		pet_vec_write_hdr(&h, prod);
		CHECK_STATUS(pet_vec_read_hdr(&h, prod, slen, &sk.pub, &err), MPC_ERR_BINARY);
		CHECK_OK(pet_vec_read_hdr(&h, prod, slen, NULL, &err));
		for (int q = 0; q < 3; q++)
			free(vs[q]);
		free(t);
		free(p);
		free(u);
		free(w);
		free(sum);
		free(enc_t);
		free(vp);
		free(prod);
	}
	/* 3 values in 2 ciphertexts of 2 slots: the last one would be empty */
	{
		unsigned char buf[PET_VEC_HDR];
		pet_vec_hdr h = {PET_KIND_SLOTS, 83, 24, 3, 2, (uint32_t) sk.pub.nbytes, {0}};
		pet_vec_hdr g;

		pet_vec_write_hdr(&h, buf);
		CHECK_STATUS(pet_vec_read_hdr(&g, buf, sizeof(buf), NULL, &err), MPC_ERR_BINARY);
		h.count = 4;
		h.nct = 3;
		pet_vec_write_hdr(&h, buf);
		CHECK_STATUS(pet_vec_read_hdr(&g, buf, sizeof(buf), NULL, &err), MPC_ERR_BINARY);
	}
	pai_djn_clear(&djn);
	pai_priv_clear(&sk);
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
	test_slots();
	test_envelopes();
	UNIT_DONE("test_paper");
}
