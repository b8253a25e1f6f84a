/*
 * bench_paillier.c: every Paillier operation of the core beside raw GMP
 * doing the textbook operation, in the same run, at the key sizes given.
 *
 *   bench/build/bench_paillier [bits...]          default: 2048 3072
 *
 * Output, one line per measurement, tab-separated:
 *   row <bits> <id> <ours_us> <raw_us> <label> <baseline label>
 *   djn <bits> <window> <table_MiB> <build_ms> <ct_us> <vartime_us> <raw_us>
 *   mulmod <bits> <raw_us>
 * bench/paillier.sh turns them into the tables of docs/performance.md and
 * the plot.  Timing: see time_pair_ex (thread CPU time, median of many
 * short alternating batches, so load on the shared machine does not bias
 * the ratio).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <gmp.h>

#include "bench_common.h"
#include "djn.h"
#include "encoding.h"
#include "fixedbase.h"
#include "packing.h"
#include "paillier.h"

#define ROUNDS 9
#define MIN_SECONDS 0.08
#define POOL 64
#define BATCH 1024
#define FB_SCAN_WEIGHT 0.006	/* as FX_MANY_SCAN_WEIGHT in src/core/fixedpoint.h */


static void
die(const char *what, const mpc_error *err)
{
	fprintf(stderr, "bench_paillier: %s: %s\n", what, err ? err->msg : "failed");
	exit(1);
}

/* Everything the operations work on, for one key. */
typedef struct ctx
{
	pai_priv	sk;
	pai_djn		djn;			/* default window, constant time */
	pai_djn		djn0;			/* no table */
	void	   *djnbuf;
	mpz_t		lambda, mu;
	mpz_t		m[POOL], r[POOL], c[POOL], out, k32[POOL];
	mpz_t		batch_k[BATCH];
	mpz_t		packed_ct;
	size_t		slots;
	unsigned	counter;
	size_t		bits;
	unsigned	batch_window;
} ctx;

typedef void (*op_fn) (ctx *x);

/* CPU seconds per call of a batch of reps calls */
static double
time_batch(op_fn f, ctx *x, long reps)
{
	double		t0 = cpu_now();
	long		i;

	for (i = 0; i < reps; i++)
		f(x);
	return (cpu_now() - t0) / reps;
}

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

#define MAX_BATCHES 4096

/* the median of t[0..n), n >= 1 (t is sorted) */
static double
median(double *t, int n)
{
	qsort(t, (size_t) n, sizeof(double), cmp_double);
	return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

/*
 * Time an operation and its baseline alternately, one short batch (about
 * 200 us) of each at a time, for about 'seconds' of CPU time in all, and keep
 * the median batch of each.  Every batch is timed with the thread's CPU time
 * (CLOCK_THREAD_CPUTIME_ID), so time spent preempted by other work on the
 * shared machine is not counted, whatever the length of one call; the
 * alternation spreads cache and frequency effects over both.  With 'mean'
 * (key generation, whose prime search varies from call to call) the mean
 * over ROUNDS calls is kept.
 */
static void
time_pair_ex(op_fn ours, op_fn raw, ctx *x, double seconds, int mean, double *t_ours,
			 double *t_raw)
{
	long		ra = 1,
				rb = 1;
	double		start,
				one;
	static double ta[MAX_BATCHES],
				tb[MAX_BATCHES];
	int			i;

	if (mean)
	{
		double		sa = 0,
					sb = 0;

		for (i = 0; i < ROUNDS; i++)
		{
			sa += time_batch(ours, x, 1);
			sb += raw ? time_batch(raw, x, 1) : 0;
		}
		*t_ours = sa / ROUNDS;
		*t_raw = sb / ROUNDS;
		return;
	}
	/* batch sizes: about 200 us per batch */
	one = time_batch(ours, x, 1);
	ra = one > 0 ? (long) (200e-6 / one) + 1 : 1;
	if (raw)
	{
		one = time_batch(raw, x, 1);
		rb = one > 0 ? (long) (200e-6 / one) + 1 : 1;
	}
	start = cpu_now();
	i = 0;
	do
	{
		ta[i] = time_batch(ours, x, ra);
		tb[i] = raw ? time_batch(raw, x, rb) : 0;
		i++;
	} while (i < MAX_BATCHES && (cpu_now() - start < seconds || i < ROUNDS));
	*t_ours = median(ta, i);
	*t_raw = raw ? median(tb, i) : 0;
}

static void
time_pair(op_fn ours, op_fn raw, ctx *x, double min_seconds, double *t_ours, double *t_raw)
{
	time_pair_ex(ours, raw, x, min_seconds * 2 * ROUNDS, 0, t_ours, t_raw);
}

#define NEXT(x) ((x)->counter++ % POOL)

/* ---- raw GMP, textbook ---- */
static void
raw_encrypt_full(ctx *x)
{
	unsigned	i = NEXT(x);
	const pai_pub *pk = &x->sk.pub;
	mpz_t		t;

	mpz_init(t);
	mpz_powm(x->out, x->r[i], pk->n, pk->n2);
	mpz_mul(t, x->m[i], pk->n);
	mpz_add_ui(t, t, 1);
	mpz_mul(x->out, x->out, t);
	mpz_mod(x->out, x->out, pk->n2);
	mpz_clear(t);
}

static void
raw_decrypt(ctx *x)
{
	unsigned	i = NEXT(x);
	const pai_pub *pk = &x->sk.pub;

	/* L(c^lambda mod n^2) mu mod n */
	mpz_powm(x->out, x->c[i], x->lambda, pk->n2);
	mpz_sub_ui(x->out, x->out, 1);
	mpz_tdiv_q(x->out, x->out, pk->n);
	mpz_mul(x->out, x->out, x->mu);
	mpz_mod(x->out, x->out, pk->n);
}

static void
raw_mulmod(ctx *x)
{
	unsigned	i = NEXT(x);

	mpz_mul(x->out, x->c[i], x->c[(i + 1) % POOL]);
	mpz_mod(x->out, x->out, x->sk.pub.n2);
}

static void
raw_powm32(ctx *x)
{
	unsigned	i = NEXT(x);

	mpz_powm(x->out, x->c[i], x->k32[i], x->sk.pub.n2);
}

static void
raw_batch(ctx *x)
{
	int			j;

	for (j = 0; j < BATCH; j++)
		mpz_powm(x->out, x->c[0], x->batch_k[j], x->sk.pub.n2);
}

static void
raw_keygen(ctx *x)
{
	unsigned char buf[PAI_KEYGEN_MAX_BITS / 8];
	mpz_t		p;
	int			i;
	mpc_error	err;

	mpz_init(p);
	for (i = 0; i < 2; i++)
	{
		if (mpc_random_bytes(buf, x->bits / 16, &err) != MPC_OK)
			die("random", &err);
		mpz_import(p, x->bits / 16, 1, 1, 1, 0, buf);
		mpz_setbit(p, x->bits / 2 - 1);
		mpz_nextprime(p, p);
	}
	mpz_clear(p);
}

/* ---- ours ---- */
static void
our_keygen(ctx *x)
{
	pai_priv	sk;
	mpc_error	err;

	if (pai_keygen(&sk, x->bits, PAI_KEYGEN_MIN_BITS, &err) != MPC_OK)
		die("keygen", &err);
	pai_priv_clear(&sk);
}

static void
our_encrypt_textbook(ctx *x)
{
	mpc_error	err;

	if (pai_encrypt(&x->sk.pub, x->out, x->m[NEXT(x)], &err) != MPC_OK)
		die("encrypt", &err);
}

static void
our_encrypt_crt(ctx *x)
{
	mpc_error	err;

	if (pai_encrypt_crt(&x->sk, x->out, x->m[NEXT(x)], &err) != MPC_OK)
		die("encrypt_crt", &err);
}

static void
our_encrypt_djn(ctx *x)
{
	mpc_error	err;

	if (pai_djn_encrypt(&x->sk.pub, &x->djn, x->out, x->m[NEXT(x)], &err) != MPC_OK)
		die("djn", &err);
}

static void
our_encrypt_djn0(ctx *x)
{
	mpc_error	err;

	if (pai_djn_encrypt(&x->sk.pub, &x->djn0, x->out, x->m[NEXT(x)], &err) != MPC_OK)
		die("djn0", &err);
}

static void
our_decrypt_textbook(ctx *x)
{
	mpc_error	err;

	if (pai_decrypt_textbook(&x->sk, x->out, x->c[NEXT(x)], &err) != MPC_OK)
		die("decrypt_textbook", &err);
}

static void
our_decrypt(ctx *x)
{
	mpc_error	err;

	if (pai_decrypt(&x->sk, x->out, x->c[NEXT(x)], &err) != MPC_OK)
		die("decrypt", &err);
}

/* pai_decrypt with the variable-time mpz_powm: priced, never used */
static void
vartime_decrypt_crt(ctx *x)
{
	const pai_priv *sk = &x->sk;
	unsigned	i = NEXT(x);
	mpz_t		mp, mq;

	mpz_inits(mp, mq, NULL);
	mpz_mod(mp, x->c[i], sk->p2);
	mpz_powm(mp, mp, sk->pm1, sk->p2);
	mpz_sub_ui(mp, mp, 1);
	mpz_tdiv_q(mp, mp, sk->p);
	mpz_mul(mp, mp, sk->hp);
	mpz_mod(mp, mp, sk->p);
	mpz_mod(mq, x->c[i], sk->q2);
	mpz_powm(mq, mq, sk->qm1, sk->q2);
	mpz_sub_ui(mq, mq, 1);
	mpz_tdiv_q(mq, mq, sk->q);
	mpz_mul(mq, mq, sk->hq);
	mpz_mod(mq, mq, sk->q);
	mpz_sub(mp, mp, mq);
	mpz_mul(mp, mp, sk->qinv);
	mpz_mod(mp, mp, sk->p);
	mpz_mul(x->out, mp, sk->q);
	mpz_add(x->out, x->out, mq);
	mpz_clears(mp, mq, NULL);
}

static void
our_add(ctx *x)
{
	unsigned	i = NEXT(x);

	pai_add(&x->sk.pub, x->out, x->c[i], x->c[(i + 1) % POOL]);
}

static void
our_mul_scalar(ctx *x)
{
	unsigned	i = NEXT(x);
	mpc_error	err;

	if (pai_mul_scalar(&x->sk.pub, x->out, x->c[i], x->k32[i], &err) != MPC_OK)
		die("mul_scalar", &err);
}

static void
batch_common(ctx *x, int ct)
{
	size_t		bytes = fb_table_bytes(mpz_sizeinbase(x->sk.pub.n2, 2), 32, x->batch_window);
	void	   *buf = malloc(bytes);
	fb_table	t;
	mpc_error	err;
	int			j;

	if (buf == NULL ||
		fb_table_init(&t, buf, bytes, x->c[0], x->sk.pub.n2, 32, x->batch_window, &err) != MPC_OK)
		die("fb_table_init", &err);
	for (j = 0; j < BATCH; j++)
		if ((ct ? fb_pow(&t, x->out, x->batch_k[j], &err)
			 : fb_pow_vartime(&t, x->out, x->batch_k[j], &err)) != MPC_OK)
			die("fb_pow", &err);
	free(buf);
}

static void
our_batch(ctx *x)
{
	batch_common(x, 1);
}

static void
our_batch_vartime(ctx *x)
{
	batch_common(x, 0);
}

static void
our_packed_decrypt(ctx *x)
{
	mpz_t		v[PAI_MAX_BITS / PACK_MIN_SLOT_BITS];
	size_t		j;
	mpc_error	err;

	for (j = 0; j < x->slots; j++)
		mpz_init(v[j]);
	if (pai_decrypt(&x->sk, x->out, x->packed_ct, &err) != MPC_OK ||
		pack_decode(&x->sk.pub, v, x->out, x->slots, 64, &err) != MPC_OK)
		die("packed decrypt", &err);
	for (j = 0; j < x->slots; j++)
		mpz_clear(v[j]);
}

static void
row(size_t bits, const char *id, double ours, double raw, const char *label,
	const char *baseline)
{
	printf("row\t%zu\t%s\t%.3f\t%.3f\t%s\t%s\n", bits, id, ours * 1e6, raw * 1e6, label, baseline);
	fflush(stdout);
}

static void
bench_bits(size_t bits)
{
	ctx		   *x = calloc(1, sizeof(ctx));
	mpc_error	err;
	double		a,
				b;
	int			i;
	unsigned	k;
	unsigned char buf[8];

	x->bits = bits;
	fprintf(stderr, "== %zu bits: key generation\n", bits);
	time_pair_ex(our_keygen, raw_keygen, x, 0, 1, &a, &b);
	row(bits, "keygen", a, b, "key generation (pai_keygen)",
		"two mpz_nextprime of random |n|/2-bit numbers");

	if (pai_keygen(&x->sk, bits, PAI_KEYGEN_MIN_BITS, &err) != MPC_OK)
		die("keygen", &err);
	mpz_inits(x->lambda, x->mu, x->out, x->packed_ct, NULL);
	mpz_lcm(x->lambda, x->sk.pm1, x->sk.qm1);
	mpz_invert(x->mu, x->lambda, x->sk.pub.n);
	for (i = 0; i < POOL; i++)
	{
		mpz_inits(x->m[i], x->r[i], x->c[i], x->k32[i], NULL);
		if (mpc_random_bytes(buf, 8, &err) != MPC_OK)
			die("random", &err);
		mpz_import(x->m[i], 8, 1, 1, 1, 0, buf);
		mpz_import(x->k32[i], 4, 1, 1, 1, 0, buf);
		if (pai_random_unit(&x->sk.pub, x->r[i], &err) != MPC_OK ||
			pai_encrypt(&x->sk.pub, x->c[i], x->m[i], &err) != MPC_OK)
			die("setup", &err);
	}
	for (i = 0; i < BATCH; i++)
	{
		mpz_init(x->batch_k[i]);
		if (mpc_random_bytes(buf, 4, &err) != MPC_OK)
			die("random", &err);
		mpz_import(x->batch_k[i], 4, 1, 1, 1, 0, buf);
	}

	fprintf(stderr, "== %zu bits: encryption\n", bits);
	time_pair(our_encrypt_textbook, raw_encrypt_full, x, MIN_SECONDS, &a, &b);
	row(bits, "enc_textbook", a, b, "encrypt, textbook (r^n, constant-time powm)",
		"mpz_powm r^n mod n^2, times 1 + m n");
	time_pair(our_encrypt_crt, raw_encrypt_full, x, MIN_SECONDS, &a, &b);
	row(bits, "enc_crt", a, b, "encrypt by the key owner (CRT)", "mpz_powm r^n mod n^2, times 1 + m n");

	/* DJN: every window width, constant time and not */
	{
		double		best_raw = 1e30;

		for (k = 1; k <= 8; k++)
		{
			size_t		bytes = pai_djn_table_bytes(&x->sk.pub, k);
			void	   *tb = malloc(bytes);
			pai_djn		d;
			double		t0 = cpu_now(),
						build,
						vt,
						dummy;

			if (tb == NULL || pai_djn_init(&d, &x->sk.pub, k, tb, bytes, &err) != MPC_OK)
				die("djn init", &err);
			build = cpu_now() - t0;
			x->djn = d;
			time_pair(our_encrypt_djn, raw_encrypt_full, x, MIN_SECONDS, &a, &b);
			/* the vartime lookup, for comparison only */
			{
				int			r;
				mpz_t		e;
				double		t1;

				mpz_init(e);
				vt = 1e30;
				for (r = 0; r < ROUNDS; r++)
				{
					int			j,
								reps = 0;

					t1 = cpu_now();
					do
					{
						for (j = 0; j < 8; j++, reps++)
						{
							/* a random exponent of the DJN length */
							mpz_fdiv_r_2exp(e, x->r[reps % POOL], d.abits);
							if (fb_pow_vartime(&d.table, x->out, e, &err) != MPC_OK)
								die("vartime", &err);
						}
					} while (cpu_now() - t1 < MIN_SECONDS);
					dummy = (cpu_now() - t1) / reps;
					if (dummy < vt)
						vt = dummy;
				}
				mpz_clear(e);
			}
			printf("djn\t%zu\t%u\t%.2f\t%.1f\t%.3f\t%.3f\t%.3f\n", bits, k,
				   bytes / 1048576.0, build * 1e3, a * 1e6, vt * 1e6, b * 1e6);
			fflush(stdout);
			if (b < best_raw)
				best_raw = b;
			pai_djn_clear(&d);
			free(tb);
		}
	}
	{
		size_t		bytes = pai_djn_table_bytes(&x->sk.pub, DJN_DEFAULT_WINDOW);

		x->djnbuf = malloc(bytes);
		if (pai_djn_init(&x->djn, &x->sk.pub, DJN_DEFAULT_WINDOW, x->djnbuf, bytes, &err) != MPC_OK ||
			pai_djn_init(&x->djn0, &x->sk.pub, 0, NULL, 0, &err) != MPC_OK)
			die("djn init", &err);
	}
	time_pair(our_encrypt_djn, raw_encrypt_full, x, MIN_SECONDS, &a, &b);
	{
		char		label[128];

		snprintf(label, sizeof(label), "encrypt, public key, DJN (%d-bit window table, constant time)",
				 DJN_DEFAULT_WINDOW);
		row(bits, "enc_djn", a, b, label, "mpz_powm r^n mod n^2, times 1 + m n");
	}
	time_pair(our_encrypt_djn0, raw_encrypt_full, x, MIN_SECONDS, &a, &b);
	row(bits, "enc_djn_notable", a, b, "encrypt, public key, DJN without a table (constant-time powm hs^a)",
		"mpz_powm r^n mod n^2, times 1 + m n");

	fprintf(stderr, "== %zu bits: decryption\n", bits);
	time_pair(our_decrypt_textbook, raw_decrypt, x, MIN_SECONDS, &a, &b);
	row(bits, "dec_textbook", a, b, "decrypt, textbook (c^lambda)", "mpz_powm c^lambda mod n^2, L, times mu");
	time_pair(our_decrypt, raw_decrypt, x, MIN_SECONDS, &a, &b);
	row(bits, "dec_crt", a, b, "decrypt, CRT, constant-time powm (pai_decrypt)",
		"mpz_powm c^lambda mod n^2, L, times mu");
	time_pair(vartime_decrypt_crt, raw_decrypt, x, MIN_SECONDS, &a, &b);
	row(bits, "dec_crt_vartime", a, b,
		"the same CRT decryption with the variable-time mpz_powm (not used: p - 1 is secret)",
		"mpz_powm c^lambda mod n^2, L, times mu");

	fprintf(stderr, "== %zu bits: homomorphic operations\n", bits);
	time_pair(our_add, raw_mulmod, x, MIN_SECONDS, &a, &b);
	row(bits, "add", a, b, "add two ciphertexts (pai_add)", "mpz_mul + mpz_mod");
	printf("mulmod\t%zu\t%.3f\n", bits, b * 1e6);
	time_pair(our_mul_scalar, raw_powm32, x, MIN_SECONDS, &a, &b);
	row(bits, "smul", a, b, "scalar multiply, one 32-bit scalar (pai_mul_scalar)", "mpz_powm, 32-bit exponent");
	/* every window width for the batch, both lookups */
	for (k = 3; k <= 10; k++)
	{
		double		v,
					dummy;

		x->batch_window = k;
		time_pair(our_batch, raw_batch, x, 0.1, &a, &b);
		time_pair(our_batch_vartime, NULL, x, 0.1, &v, &dummy);
		printf("batch\t%zu\t%u\t%.3f\t%.3f\t%.3f\n", bits, k, a / BATCH * 1e6,
			   v / BATCH * 1e6, b / BATCH * 1e6);
		fflush(stdout);
	}
	x->batch_window = fb_best_window(32, BATCH, 10, FB_SCAN_WEIGHT);
	time_pair(our_batch, raw_batch, x, 0.3, &a, &b);
	{
		char		label[160];

		snprintf(label, sizeof(label),
				 "scalar multiply, 1024 32-bit scalars on one base (%u-bit fixed-base table, constant time, table included), per scalar",
				 x->batch_window);
		row(bits, "smul_batch", a / BATCH, b / BATCH, label, "mpz_powm, 32-bit exponent, per scalar");
	}
	x->batch_window = fb_best_window(32, BATCH, 10, 0);
	time_pair(our_batch_vartime, raw_batch, x, 0.3, &a, &b);
	{
		char		label[200];

		snprintf(label, sizeof(label),
				 "the same, not constant time (%u-bit table, direct index; paillier_mul_many with constant_time => false)",
				 x->batch_window);
		row(bits, "smul_batch_vartime", a / BATCH, b / BATCH, label,
			"mpz_powm, 32-bit exponent, per scalar");
	}

	fprintf(stderr, "== %zu bits: packing\n", bits);
	{
		mpz_t		v[PAI_MAX_BITS / PACK_MIN_SLOT_BITS];
		size_t		j;
		char		label[160];

		x->slots = pack_max_slots(&x->sk.pub, 64);
		for (j = 0; j < x->slots; j++)
		{
			mpz_init_set_si(v[j], (long) j * 1000003L - 7777777L);
		}
		if (pack_encode(&x->sk.pub, x->out, (const mpz_t *) v, x->slots, 64, 1024, &err) != MPC_OK ||
			pai_encrypt(&x->sk.pub, x->packed_ct, x->out, &err) != MPC_OK)
			die("pack", &err);
		for (j = 0; j < x->slots; j++)
			mpz_clear(v[j]);
		time_pair(our_packed_decrypt, our_decrypt, x, MIN_SECONDS, &a, &b);
		snprintf(label, sizeof(label),
				 "packed decryption, per value (64-bit slots, as many as fit: (bits - 3) / 64)");
		row(bits, "packed_dec", a / x->slots, b, label, "one CRT decryption (pai_decrypt)");
		time_pair(our_packed_decrypt, raw_decrypt, x, MIN_SECONDS, &a, &b);
		row(bits, "packed_dec_raw", a / x->slots, b, label, "mpz_powm c^lambda mod n^2, L, times mu");
	}
	/* leave the key material to process exit; this is a benchmark */
}

int
main(int argc, char **argv)
{
	int			i;

	mpc_set_rng(rng);
	if (argc < 2)
	{
		bench_bits(2048);
		bench_bits(3072);
	}
	for (i = 1; i < argc; i++)
		bench_bits((size_t) atol(argv[i]));
	return 0;
}
