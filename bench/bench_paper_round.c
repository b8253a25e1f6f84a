/*
 * bench_paper_round.c: one round of paper-mode private EigenTrust on a real
 * network, split over parties by truster (truster mod parties, as the
 * suites and bench/private_eigentrust.sh split it), with the core functions
 * the SQL roles call, each timed in thread CPU seconds:
 *
 *   key holder   a fresh key pair, its DJN table, Enc(t)
 *   party k      its vector (Enc(t_i)^(c_ij) per rating, dangling mass,
 *                re-randomisation)
 *   key holder   the product of the party vectors, its decryption, t_next
 *
 * and checks the decrypted sums against the same sums in plain integers.
 *
 *   usage: bench_paper_round CSV [PARTIES [KEY_BITS]]
 *   (CSV: Source,Target,Rating,... with a header line, as Bitcoin Alpha)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "djn.h"
#include "paillier.h"
#include "protocol.h"

typedef struct party
{
	pet_edge   *e;
	size_t		m,
				kept,
				nrows;
	uint32_t   *hosted;
	unsigned char *dangling;
} party;

static void
die(const char *what, const mpc_error *err)
{
	fprintf(stderr, "%s: %s\n", what, err ? err->msg : "failed");
	exit(1);
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t		x = *(const int64_t *) a,
				y = *(const int64_t *) b;

	return (x > y) - (x < y);
}

static uint32_t
index_of(const int64_t *ids, size_t n, int64_t id)
{
	const int64_t *p = bsearch(&id, ids, n, sizeof(int64_t), cmp_i64);

	if (p == NULL)
		die("peer index", NULL);
	return (uint32_t) (p - ids);
}

int
main(int argc, char **argv)
{
	FILE	   *f;
	char		line[512];
	int64_t    *ra = NULL,
			   *rb = NULL,
			   *ids;
	double	   *rs = NULL;
	size_t		m = 0,
				cap = 0,
				n = 0;
	int			np = argc > 2 ? atoi(argv[2]) : 4;
	size_t		bits = argc > 3 ? (size_t) atol(argv[3]) : 2048;
	party	   *pt;
	pai_priv	sk;
	pai_djn		djn;
	void	   *tab;
	size_t		tab_bytes,
				vlen;
	int64_t    *t,
			   *p,
			   *sums,
			   *tn;
	unsigned char *enc_t,
			  **vecs,
			   *prod;
	size_t	   *lens;
	unsigned char *hmask;
	double		c0,
				c_keygen,
				c_table,
				c_enc;
	mpc_error	err;

	if (argc < 2 || np < 1)
	{
		fprintf(stderr, "usage: bench_paper_round CSV [PARTIES [KEY_BITS]]\n");
		return 2;
	}
	mpc_set_rng(rng);
	if ((f = fopen(argv[1], "r")) == NULL)
	{
		perror(argv[1]);
		return 1;
	}
	if (fgets(line, sizeof(line), f) == NULL)
		die("empty file", NULL);
	while (fgets(line, sizeof(line), f))
	{
		long long	a,
					b;
		double		s;

		if (sscanf(line, "%lld,%lld,%lf", &a, &b, &s) != 3)
			continue;
		if (m == cap)
		{
			cap = cap ? 2 * cap : 1024;
			ra = realloc(ra, cap * sizeof(int64_t));
			rb = realloc(rb, cap * sizeof(int64_t));
			rs = realloc(rs, cap * sizeof(double));
		}
		ra[m] = a;
		rb[m] = b;
		rs[m] = s;
		m++;
	}
	fclose(f);
	/* the peer universe: every id (each party hosts its ids as members) */
	ids = malloc(2 * m * sizeof(int64_t));
	for (size_t k = 0; k < m; k++)
	{
		ids[2 * k] = ra[k];
		ids[2 * k + 1] = rb[k];
	}
	qsort(ids, 2 * m, sizeof(int64_t), cmp_i64);
	for (size_t k = 0; k < 2 * m; k++)
		if (n == 0 || ids[n - 1] != ids[k])
			ids[n++] = ids[k];
	pt = calloc((size_t) np, sizeof(party));
	for (int q = 0; q < np; q++)
	{
		pt[q].e = malloc((m + 1) * sizeof(pet_edge));
		pt[q].hosted = malloc((m + 1) * sizeof(uint32_t));
		pt[q].dangling = malloc(m + 1);
	}
	for (size_t k = 0; k < m; k++)
	{
		party	   *x = &pt[((ra[k] % np) + np) % np];

		x->e[x->m].i = index_of(ids, n, ra[k]);
		x->e[x->m].j = index_of(ids, n, rb[k]);
		x->e[x->m].w = rs[k];
		x->m++;
	}
	for (int q = 0; q < np; q++)
		if (pet_rows_build(pt[q].e, pt[q].m, &pt[q].kept, pt[q].hosted, pt[q].dangling,
						   &pt[q].nrows, &err) != MPC_OK)
			die("rows", &err);
	t = malloc(n * sizeof(int64_t));
	p = malloc(n * sizeof(int64_t));
	sums = malloc(n * sizeof(int64_t));
	tn = malloc(n * sizeof(int64_t));
	hmask = malloc(n);
	/* t = p uniform (round 1), the last peer taking the rounding */
	for (size_t j = 0; j < n; j++)
	{
		p[j] = PET_ONE_T / (int64_t) n;
		hmask[j] = 1;
	}
	p[n - 1] += PET_ONE_T - (PET_ONE_T / (int64_t) n) * (int64_t) n;
	memcpy(t, p, n * sizeof(int64_t));
	printf("paper round: %zu ratings, %zu peers, %d parties, %zu-bit key (thread CPU seconds)\n",
		   m, n, np, bits);

	/* key holder: key, table, Enc(t) */
	c0 = cpu_now();
	if (pai_keygen(&sk, bits, bits, &err) != MPC_OK)
		die("keygen", &err);
	c_keygen = cpu_now() - c0;
	tab_bytes = pai_djn_table_bytes(&sk.pub, DJN_DEFAULT_WINDOW);
	tab = aligned_alloc(64, (tab_bytes + 63) / 64 * 64);
	c0 = cpu_now();
	if (pai_djn_init(&djn, &sk.pub, DJN_DEFAULT_WINDOW, tab, tab_bytes, &err) != MPC_OK)
		die("table", &err);
	c_table = cpu_now() - c0;
	vlen = pet_vec_bytes(&sk.pub, (uint32_t) n);
	enc_t = malloc(vlen);
	c0 = cpu_now();
	if (pet_vec_encrypt(&sk.pub, &djn, t, (uint32_t) n, PET_SCALE_T, enc_t, &err) != MPC_OK)
		die("encrypt t", &err);
	c_enc = cpu_now() - c0;
	printf("  key holder: keygen %.3f, DJN table %.3f, Enc(t) %.3f (%zu values, %.3f ms each)\n",
		   c_keygen, c_table, c_enc, n, 1e3 * c_enc / (double) n);

	vecs = malloc((size_t) np * sizeof(*vecs));
	lens = malloc((size_t) np * sizeof(size_t));
	/* the round as before (one ciphertext per value) and packed into slots */
	for (int packed = 0; packed <= 1; packed++)
	{
		double		c_party_total = 0,
					c_product,
					c_dec,
					res,
					maxerr = 0;
		uint32_t	nct = (uint32_t) n;
		size_t		plen = packed ? pet_slots_bytes(&sk.pub, (uint32_t) n, pet_slot_bits((uint32_t) np), &nct)
			: vlen;
		double	   *ref = calloc(n, sizeof(double));

		printf(" %s:\n", packed ? "packed into slots" : "one ciphertext per value");
		if (packed)
			printf("  %u slot bits, %u ciphertexts\n", pet_slot_bits((uint32_t) np), nct);
		for (int q = 0; q < np; q++)
		{
			pai_djn		pd;
			void	   *ptab = aligned_alloc(64, (tab_bytes + 63) / 64 * 64);
			double		c;
			mpc_status	st;

			/* each party builds its own DJN table for the round's key */
			c0 = cpu_now();
			if (pai_djn_init(&pd, &sk.pub, DJN_DEFAULT_WINDOW, ptab, tab_bytes, &err) != MPC_OK)
				die("party table", &err);
			lens[q] = plen;
			vecs[q] = malloc(plen);
			if (packed)
				st = pet_party_vector_packed(&sk.pub, &pd, pt[q].e, pt[q].kept, pt[q].hosted,
											 pt[q].dangling, pt[q].nrows, enc_t, vlen, p,
											 (uint32_t) n, (uint32_t) np, vecs[q], &err);
			else
				st = pet_party_vector(&sk.pub, &pd, pt[q].e, pt[q].kept, pt[q].hosted,
									  pt[q].dangling, pt[q].nrows, enc_t, vlen, p, (uint32_t) n,
									  vecs[q], &err);
			if (st != MPC_OK)
				die("party vector", &err);
			c = cpu_now() - c0;
			c_party_total += c;
			printf("  party %d: %zu ratings, %zu rows: vector %.3f (%zu bytes)\n", q + 1, pt[q].kept,
				   pt[q].nrows, c, lens[q]);
			pai_djn_clear(&pd);
			free(ptab);
		}
		/* key holder: product, decryption, t_next */
		prod = malloc(plen);
		c0 = cpu_now();
		if (pet_vec_product(&sk.pub, (const unsigned char *const *) vecs, lens, np, prod, &err) != MPC_OK)
			die("product", &err);
		c_product = cpu_now() - c0;
		c0 = cpu_now();
		if (pet_vec_decrypt(&sk, prod, plen, PET_SCALE_U, sums, &err) != MPC_OK)
			die("decrypt", &err);
		c_dec = cpu_now() - c0;
		if (pet_next(n, sums, t, p, hmask, 0.5, tn, &res, &err) != MPC_OK)
			die("next", &err);
		printf("  key holder: product %.3f, decryption %.3f; residual %.6f\n", c_product, c_dec, res);
		/* the same sums in plain arithmetic: sum_i t_i c_ij + dangling mass p_j */
		for (int q = 0; q < np; q++)
		{
			double		dm = 0;

			for (size_t a = 0; a < pt[q].kept; a++)
				ref[pt[q].e[a].j] += (double) t[pt[q].e[a].i] * pt[q].e[a].w;
			for (size_t r = 0; r < pt[q].nrows; r++)
				if (pt[q].dangling[r])
					dm += (double) t[pt[q].hosted[r]];
			for (size_t j = 0; j < n; j++)
				ref[j] += dm * (double) p[j] / (double) PET_ONE_T;
		}
		for (size_t j = 0; j < n; j++)
		{
			double		d = (double) sums[j] / 10.0 - ref[j];

			maxerr = d < 0 ? (-d > maxerr ? -d : maxerr) : (d > maxerr ? d : maxerr);
		}
		printf("  check: largest |decrypted - plain| = %.3g at scale 10^-%d\n", maxerr, PET_SCALE_T);
		if (maxerr > 1.0)
		{
			fprintf(stderr, "decrypted sums differ from the plain sums\n");
			return 1;
		}
		printf("  round: key holder %.3f + parties %.3f (sum) = %.3f CPU s\n",
			   c_keygen + c_table + c_enc + c_product + c_dec, c_party_total,
			   c_keygen + c_table + c_enc + c_product + c_dec + c_party_total);
		for (int q = 0; q < np; q++)
			free(vecs[q]);
		free(prod);
		free(ref);
	}
	return 0;
}
