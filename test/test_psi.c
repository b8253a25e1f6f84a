/* Core tests of private set intersection (src/core/psi.c). */
#include "unit.h"
#include "psi.h"

#include <gmp.h>

static int
failing_rng(void *buf, size_t len)
{
	return -1;
}

/* blind ids with scalar a, then with b; returns a batch in out */
static void
blind_set(uint8_t *out, const int64_t *ids, size_t n, const uint8_t *a, const uint8_t *b)
{
	for (size_t i = 0; i < n; i++)
	{
		uint8_t		be[8];

		for (int k = 0; k < 8; k++)
			be[k] = (uint8_t) ((uint64_t) ids[i] >> (56 - 8 * k));
		CHECK_OK(psi_hash_blind(out + i * PSI_POINT_LEN, PSI_KIND_BIGINT, be, 8, a, &e_));
	}
	CHECK_OK(psi_blind(out, n, b, &e_));
}

int
main(void)
{
	uint8_t		a[PSI_SCALAR_LEN],
				b[PSI_SCALAR_LEN],
				c[PSI_SCALAR_LEN];
	uint8_t		p1[PSI_POINT_LEN],
				p2[PSI_POINT_LEN],
				p3[PSI_POINT_LEN];
	mpc_error	err;

	UNIT_INIT();
	CHECK_OK(psi_keygen(a, &e_));
	CHECK_OK(psi_keygen(b, &e_));
	CHECK_OK(psi_keygen(c, &e_));
	CHECK(memcmp(a, b, PSI_SCALAR_LEN) != 0);

	/* commutativity: b(a H(x)) = a(b H(x)); different ids differ; kinds differ */
	CHECK_OK(psi_hash_blind(p1, PSI_KIND_TEXT, "alice", 5, a, &e_));
	CHECK_OK(psi_blind(p1, 1, b, &e_));
	CHECK_OK(psi_hash_blind(p2, PSI_KIND_TEXT, "alice", 5, b, &e_));
	CHECK_OK(psi_blind(p2, 1, a, &e_));
	CHECK(memcmp(p1, p2, PSI_POINT_LEN) == 0);
	CHECK_OK(psi_hash_blind(p3, PSI_KIND_TEXT, "alicf", 5, b, &e_));
	CHECK_OK(psi_blind(p3, 1, a, &e_));
	CHECK(memcmp(p1, p3, PSI_POINT_LEN) != 0);
	CHECK_OK(psi_hash_blind(p3, PSI_KIND_BIGINT, "alice", 5, b, &e_));
	CHECK_OK(psi_blind(p3, 1, a, &e_));
	CHECK(memcmp(p1, p3, PSI_POINT_LEN) != 0);
	/* hashed ids are points of Curve25519: u^3 + A u^2 + u is a square mod p */
	{
		mpz_t		p,
					u,
					g;
		int			on = 1;

		mpz_inits(p, u, g, NULL);
		mpz_ui_pow_ui(p, 2, 255);
		mpz_sub_ui(p, p, 19);
		for (int i = 0; i < 200; i++)
		{
			uint8_t		h[PSI_POINT_LEN];
			char		id[16];

			snprintf(id, sizeof(id), "id-%d", i);
			CHECK_OK(psi_hash_to_curve(h, PSI_KIND_TEXT, id, strlen(id), &e_));
			mpz_import(u, PSI_POINT_LEN, -1, 1, 0, 0, h);
			CHECK(mpz_cmp(u, p) < 0);
			mpz_add_ui(g, u, 486662);
			mpz_mul(g, g, u);
			mpz_add_ui(g, g, 1);
			mpz_mul(g, g, u);
			mpz_mod(g, g, p);
			on &= mpz_legendre(g, p) == 1;
		}
		CHECK(on);
		mpz_clears(p, u, g, NULL);
	}
	/* the empty string is an id too */
	CHECK_OK(psi_hash_blind(p3, PSI_KIND_TEXT, "", 0, a, &e_));
	/* a fresh scalar gives a different blinding of the same id */
	CHECK_OK(psi_hash_blind(p3, PSI_KIND_TEXT, "alice", 5, c, &e_));
	CHECK_OK(psi_blind(p3, 1, b, &e_));
	CHECK(memcmp(p1, p3, PSI_POINT_LEN) != 0);

	/* bad input */
	CHECK_STATUS(psi_hash_blind(p3, (psi_kind) 7, "x", 1, a, &err), MPC_ERR_ARG);
	memset(p3, 0, sizeof(p3));			/* the identity's encoding */
	CHECK_STATUS(psi_blind(p3, 1, a, &err), MPC_ERR_CIPHERTEXT);
	memset(p3, 0xff, sizeof(p3));		/* not canonical */
	CHECK_STATUS(psi_blind(p3, 1, a, &err), MPC_ERR_CIPHERTEXT);
	mpc_set_rng(failing_rng);
	CHECK_STATUS(psi_keygen(p3, &err), MPC_ERR_RNG);
	CHECK(p3[0] == 0 && memcmp(p3, p3 + 1, PSI_SCALAR_LEN - 1) == 0);	/* wiped */
	UNIT_INIT();

	/* a three-set intersection: A = 1..100, B = 51..150, C = even numbers 2..200 */
	{
		enum { N = 100 };
		int64_t		A[N], B[N], C[N];
		uint8_t    *ba = malloc(PSI_HEADER_LEN + N * PSI_POINT_LEN),
				   *bb = malloc(PSI_HEADER_LEN + N * PSI_POINT_LEN),
				   *bc = malloc(PSI_HEADER_LEN + N * PSI_POINT_LEN);
		uint8_t		hit[N];
		uint32_t	idx[N];
		psi_batch	bt[3];
		size_t		common = 0,
					n = N;

		for (int i = 0; i < N; i++)
		{
			A[i] = i + 1;
			B[i] = i + 51;
			C[i] = 2 * (i + 1);
			idx[i] = (uint32_t) i;
		}
		blind_set(ba + PSI_HEADER_LEN, A, N, a, b);
		CHECK_OK(psi_blind(ba + PSI_HEADER_LEN, N, c, &e_));
		blind_set(bb + PSI_HEADER_LEN, B, N, b, c);
		CHECK_OK(psi_blind(bb + PSI_HEADER_LEN, N, a, &e_));
		blind_set(bc + PSI_HEADER_LEN, C, N, c, a);
		CHECK_OK(psi_blind(bc + PSI_HEADER_LEN, N, b, &e_));
		/* shuffle B and C, keep A's order */
		CHECK_OK(psi_sort_unique(bb + PSI_HEADER_LEN, NULL, &n, &e_));
		CHECK(n == N);
		n = N;
		CHECK_OK(psi_sort_unique(bc + PSI_HEADER_LEN, idx, &n, &e_));
		CHECK(n == N);
		psi_header(ba, PSI_KIND_BIGINT, N);
		psi_header(bb, PSI_KIND_BIGINT, N);
		psi_header(bc, PSI_KIND_BIGINT, N);
		CHECK_OK(psi_parse(ba, PSI_HEADER_LEN + N * PSI_POINT_LEN, &bt[0], &e_));
		CHECK_OK(psi_parse(bb, PSI_HEADER_LEN + N * PSI_POINT_LEN, &bt[1], &e_));
		CHECK_OK(psi_parse(bc, PSI_HEADER_LEN + N * PSI_POINT_LEN, &bt[2], &e_));
		CHECK_OK(psi_match_batches(bt, 3, 0, hit, &common, &e_));
		/* A ∩ B ∩ C = even numbers 52..100: 25 */
		CHECK(common == 25);
		for (int i = 0; i < N; i++)
			CHECK(hit[i] == (A[i] >= 52 && A[i] % 2 == 0));
		CHECK_OK(psi_match_batches(bt, 2, 1, NULL, &common, &e_));
		CHECK(common == 50);
		/* bad batches */
		CHECK_STATUS(psi_parse(ba, PSI_HEADER_LEN + N * PSI_POINT_LEN - 1, &bt[0], &err), MPC_ERR_BINARY);
		CHECK_STATUS(psi_parse(ba, 3, &bt[0], &err), MPC_ERR_BINARY);
		bt[2].kind = PSI_KIND_TEXT;
		CHECK_STATUS(psi_match_batches(bt, 3, 0, hit, &common, &err), MPC_ERR_KEY_MISMATCH);
		CHECK_STATUS(psi_match_batches(bt, 3, 3, hit, &common, &err), MPC_ERR_ARG);
		CHECK_STATUS(psi_match_batches(bt, 1, 0, hit, &common, &err), MPC_ERR_ARG);
		ba[5] = 1;
		CHECK_STATUS(psi_parse(ba, PSI_HEADER_LEN + N * PSI_POINT_LEN, &bt[0], &err), MPC_ERR_BINARY);
		/* duplicates are dropped */
		memcpy(bb + PSI_HEADER_LEN + PSI_POINT_LEN, bb + PSI_HEADER_LEN, PSI_POINT_LEN);
		n = N;
		CHECK_OK(psi_sort_unique(bb + PSI_HEADER_LEN, NULL, &n, &e_));
		CHECK(n == N - 1);
		free(ba);
		free(bb);
		free(bc);
	}
	UNIT_DONE("test_psi");
}
