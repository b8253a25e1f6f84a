/*
 * ct_check.c: a ctgrind-style constant-time check of the core.
 *
 * Run under valgrind memcheck (make ctgrind).  The secrets are marked
 * undefined with VALGRIND_MAKE_MEM_UNDEFINED; memcheck then reports every
 * conditional branch and every memory address computed from them
 * ("Conditional jump or move depends on uninitialised value(s)", "Use of
 * uninitialised value of size 8"), and --error-exitcode makes any report a
 * failure.  Values that are public by design are declassified where they
 * are produced (MPC_CT_DECLASSIFY in the core: a decrypted plaintext, bit
 * lengths).  Covered, each on the IFMA ladder (emulated: valgrind cannot
 * run AVX-512, see ifma_emul.h) and on GMP's portable code:
 *   - CRT decryption (pai_decrypt) with p, q and every derived constant
 *     secret;
 *   - fixed-base exponentiation (fb_pow) with a secret exponent;
 *   - the IFMA ladder (ifma_powm) with a secret exponent;
 *   - the multi-buffer IFMA exponentiation (ifma8_powm_limbs) with secret
 *     bases, exponents and moduli (eight lanes, two moduli), batched CRT
 *     decryption (pai_decrypt_many, eight ciphertexts) with the key
 *     secret, and eight fixed-base powers (fb_pow8, batched DJN) with
 *     secret exponents.
 * Known, accepted reports inside GMP are listed, with the reason, in
 * gmp.supp beside this file.
 */
#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <valgrind/memcheck.h>

#include "fixedbase.h"
#include "ifma.h"
#include "ifma8.h"
#include "paillier.h"
#include "primes.h"

static int	failures = 0;

static int
rng(void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len > 0)
	{
		ssize_t		got = getrandom(p, len, 0);

		if (got <= 0)
			return -1;
		p += got;
		len -= (size_t) got;
	}
	return 0;
}

/* a uniform value below pk's n, or of 1024 bits when pk is NULL */
static void
random_mpz(mpz_t x, const pai_pub *pk)
{
	unsigned char buf[1024];
	size_t		len = pk ? pk->nbytes + 8 : 128;

	if (rng(buf, len) != 0)
		abort();
	mpz_import(x, len, 1, 1, 0, 0, buf);
	if (pk)
		mpz_mod(x, x, pk->n);
}

static void
secret(mpz_t x)
{
	VALGRIND_MAKE_MEM_UNDEFINED(x->_mp_d, (size_t) x->_mp_alloc * sizeof(mp_limb_t));
}

static void
public(mpz_t x)
{
	VALGRIND_MAKE_MEM_DEFINED(x->_mp_d, (size_t) x->_mp_alloc * sizeof(mp_limb_t));
}

static void
expect(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		failures++;
}

static void
mark_key(pai_priv *sk, void (*mark) (mpz_t))
{
	mark(sk->p);
	mark(sk->q);
	mark(sk->p2);
	mark(sk->q2);
	mark(sk->pm1);
	mark(sk->qm1);
	mark(sk->hp);
	mark(sk->hq);
	mark(sk->qinv);
	mark(sk->q2inv);
	mark(sk->ep);
	mark(sk->eq);
}

static void
check_decrypt(pai_priv *sk, const char *path)
{
	mpz_t		m,
				c,
				got;
	mpc_error	err;
	char		what[128];

	mpz_inits(m, c, got, NULL);
	random_mpz(m, &sk->pub);
	if (pai_encrypt(&sk->pub, c, m, &err) != MPC_OK)
	{
		expect(0, "encrypt");
		return;
	}
	mark_key(sk, secret);
	if (pai_decrypt(sk, got, c, &err) != MPC_OK)
		expect(0, "decrypt returned an error");
	public(got);
	snprintf(what, sizeof(what), "decryption (%s) is right", path);
	expect(mpz_cmp(got, m) == 0, what);
	mark_key(sk, public);
	mpz_clears(m, c, got, NULL);
}

static void
check_fixed_base(const pai_pub *pk, const char *path)
{
	size_t		maxbits = 512;
	unsigned	window = 4;
	size_t		bytes = fb_table_bytes(mpz_sizeinbase(pk->n2, 2), maxbits, window);
	void	   *buf = aligned_alloc(64, (bytes + 63) / 64 * 64);
	fb_table	t;
	mpz_t		base,
				e,
				got,
				want;
	mpc_error	err;
	char		what[128];

	mpz_inits(base, e, got, want, NULL);
	mpz_set_ui(base, 5);
	random_mpz(e, NULL);
	mpz_tdiv_r_2exp(e, e, maxbits);
	if (fb_table_init(&t, buf, bytes, base, pk->n2, maxbits, window, &err) != MPC_OK)
	{
		expect(0, "fb_table_init");
		return;
	}
	mpz_powm(want, base, e, pk->n2);
	secret(e);
	if (fb_pow(&t, got, e, &err) != MPC_OK)
		expect(0, "fb_pow returned an error");
	public(got);
	snprintf(what, sizeof(what), "fixed-base exponentiation (%s) is right", path);
	expect(mpz_cmp(got, want) == 0, what);
	mpz_clears(base, e, got, want, NULL);
	free(buf);
}

/* The negative control: fb_pow_vartime indexes its table by the exponent's
 * digits, which valgrind must report (make ctgrind expects a failure). */
static void
leak_on_purpose(const pai_pub *pk)
{
	size_t		bytes = fb_table_bytes(mpz_sizeinbase(pk->n2, 2), 256, 4);
	void	   *buf = aligned_alloc(64, (bytes + 63) / 64 * 64);
	fb_table	t;
	mpz_t		base,
				e,
				got;
	mpc_error	err;

	mpz_inits(base, e, got, NULL);
	mpz_set_ui(base, 7);
	random_mpz(e, NULL);
	mpz_tdiv_r_2exp(e, e, 256);
	if (fb_table_init(&t, buf, bytes, base, pk->n2, 256, 4, &err) == MPC_OK)
	{
		secret(e);
		(void) fb_pow_vartime(&t, got, e, &err);
	}
	public(got);
	mpz_clears(base, e, got, NULL);
	free(buf);
}

static void
check_ladder(const pai_pub *pk)
{
	mpz_t		base,
				e,
				got,
				want;
	mpc_error	err;

	mpz_inits(base, e, got, want, NULL);
	random_mpz(base, pk);
	random_mpz(e, NULL);
	mpz_tdiv_r_2exp(e, e, 1000);
	mpz_setbit(e, 999);			/* the bound is public; the bits are not */
	mpz_powm(want, base, e, pk->n2);
	secret(e);
	if (ifma_powm_mod(got, base, e, 1000, pk->n2, &err) != MPC_OK)
		expect(0, "ifma_powm_mod returned an error");
	public(got);
	expect(mpz_cmp(got, want) == 0, "IFMA ladder (emulated) is right");
	mpz_clears(base, e, got, want, NULL);
}

static void
check_multibuffer(pai_priv *sk)
{
	size_t		n = mpz_size(sk->p2),
				bits = mpz_sizeinbase(sk->p2, 2),
				ebits = mpz_sizeinbase(sk->p, 2),
				en = (ebits + GMP_NUMB_BITS - 1) / GMP_NUMB_BITS;
	mp_limb_t  *mem = calloc(8 * (2 * n + en) + 2 * n, sizeof(mp_limb_t));
	mp_limb_t  *bp[8], *ep[8], *rp[8], *mp[8], *m2;
	mpz_t		b[8], e[8], want, got, cs[8], ms[8], outs[8];
	mpc_error	err;
	int			l,
				ok = 1;

	/* two moduli: p^2 and a second odd modulus of the same size */
	m2 = mem + 8 * (2 * n + en);
	memcpy(m2, mpz_limbs_read(sk->p2), n * sizeof(mp_limb_t));
	m2[0] ^= 6;					/* still odd, same length */
	mpz_inits(want, got, NULL);
	for (l = 0; l < 8; l++)
	{
		mpz_t		N;

		bp[l] = mem + l * (2 * n + en);
		rp[l] = bp[l] + n;
		ep[l] = rp[l] + n;
		mp[l] = l % 2 ? m2 : (mp_limb_t *) mpz_limbs_read(sk->p2);
		mpz_inits(b[l], e[l], NULL);
		mpz_roinit_n(N, mp[l], (mp_size_t) n);
		random_mpz(b[l], NULL);
		mpz_mul(b[l], b[l], b[l]);
		mpz_mod(b[l], b[l], N);
		random_mpz(e[l], NULL);
		mpz_tdiv_r_2exp(e[l], e[l], ebits);
		mpz_export(bp[l], NULL, -1, sizeof(mp_limb_t), 0, 0, b[l]);
		mpz_export(ep[l], NULL, -1, sizeof(mp_limb_t), 0, 0, e[l]);
	}
	VALGRIND_MAKE_MEM_UNDEFINED(mem, (8 * (2 * n + en) + 2 * n) * sizeof(mp_limb_t));
	mark_key(sk, secret);
	if (ifma8_powm_limbs(rp, (const mp_limb_t *const *) bp, (const mp_limb_t *const *) ep, ebits,
						 (const mp_limb_t *const *) mp, n, bits, &err) != MPC_OK)
		expect(0, "ifma8_powm_limbs returned an error");
	mark_key(sk, public);
	VALGRIND_MAKE_MEM_DEFINED(mem, (8 * (2 * n + en) + 2 * n) * sizeof(mp_limb_t));
	for (l = 0; l < 8; l++)
	{
		mpz_t		N;

		mpz_roinit_n(N, mp[l], (mp_size_t) n);
		mpz_powm(want, b[l], e[l], N);
		mpz_import(got, n, -1, sizeof(mp_limb_t), 0, 0, rp[l]);
		ok &= mpz_cmp(want, got) == 0;
		mpz_clears(b[l], e[l], NULL);
	}
	expect(ok, "multi-buffer IFMA exponentiation (emulated) is right");

	/* CRT decryption, eight at a time */
	ok = 1;
	for (l = 0; l < 8; l++)
	{
		mpz_inits(cs[l], ms[l], outs[l], NULL);
		random_mpz(ms[l], &sk->pub);
		if (pai_encrypt(&sk->pub, cs[l], ms[l], &err) != MPC_OK)
			expect(0, "encrypt");
	}
	mark_key(sk, secret);
	if (pai_decrypt_many(sk, outs, (const mpz_t *) cs, 8, &err) != MPC_OK)
		expect(0, "pai_decrypt_many returned an error");
	mark_key(sk, public);
	for (l = 0; l < 8; l++)
	{
		public(outs[l]);
		ok &= mpz_cmp(outs[l], ms[l]) == 0;
		if (l > 0)
			mpz_clears(cs[l], ms[l], outs[l], NULL);
	}
	expect(ok, "batched CRT decryption (multi-buffer, emulated) is right");

	/* eight secret exponents on one fixed-base IFMA table (DJN, batched) */
	{
		size_t		maxbits = 512;
		size_t		bytes = fb_table_bytes(mpz_sizeinbase(sk->pub.n2, 2), maxbits, 4);
		void	   *buf = aligned_alloc(64, (bytes + 63) / 64 * 64);
		fb_table	t;
		mpz_t		base,
					es[8],
					xs[8];

		ok = 1;
		mpz_init_set_ui(base, 5);
		if (fb_table_init(&t, buf, bytes, base, sk->pub.n2, maxbits, 4, &err) != MPC_OK)
			expect(0, "fb_table_init");
		for (l = 0; l < 8; l++)
		{
			mpz_inits(es[l], xs[l], NULL);
			random_mpz(es[l], NULL);
			mpz_tdiv_r_2exp(es[l], es[l], maxbits);
			mpz_powm(outs[0], base, es[l], sk->pub.n2);	/* outs[0]: scratch */
			mpz_set(xs[l], outs[0]);
		}
		for (l = 0; l < 8; l++)
			secret(es[l]);
		if (fb_pow8(&t, xs, (const mpz_t *) es, &err) != MPC_OK)
			expect(0, "fb_pow8 returned an error");
		for (l = 0; l < 8; l++)
		{
			public(xs[l]);
			public(es[l]);
			mpz_powm(want, base, es[l], sk->pub.n2);
			ok &= mpz_cmp(want, xs[l]) == 0;
			mpz_clears(es[l], xs[l], NULL);
		}
		expect(ok, "eight fixed-base powers (multi-buffer, emulated) are right");
		mpz_clear(base);
		free(buf);
	}
	mpz_clears(cs[0], ms[0], outs[0], want, got, NULL);
	free(mem);
}

/* nine secret candidates of 512 bits, every third a prime */
static void
check_fermat(const char *path)
{
	mpz_t		x[9];
	int			passes[9],
				ok = 1,
				i;
	mpc_error	err;
	char		what[128];

	for (i = 0; i < 9; i++)
	{
		mpz_init(x[i]);
		random_mpz(x[i], NULL);
		mpz_fdiv_r_2exp(x[i], x[i], 512);
		mpz_setbit(x[i], 511);
		mpz_setbit(x[i], 0);
		if (i % 3 == 0)
			mpz_nextprime(x[i], x[i]);
		if (mpz_sizeinbase(x[i], 2) != 512)
			mpz_clrbit(x[i], 512);	/* a composite of 512 bits then */
		secret(x[i]);
	}
	if (prime_fermat2_many(passes, (const mpz_t *) x, 9, &err) != MPC_OK)
		expect(0, "prime_fermat2_many returned an error");
	for (i = 0; i < 9; i++)
	{
		public(x[i]);
		ok &= passes[i] == (mpz_probab_prime_p(x[i], 25) != 0);
		mpz_clear(x[i]);
	}
	snprintf(what, sizeof(what), "Fermat test of secret candidates (%s) is right", path);
	expect(ok, what);
}

int
main(int argc, char **argv)
{
	pai_priv	sk;
	mpc_error	err;
	const char *only = argc > 1 ? argv[1] : "";
	int			dec = !*only || strcmp(only, "decrypt") == 0,
				fb = !*only || strcmp(only, "fixedbase") == 0,
				lad = !*only || strcmp(only, "ladder") == 0,
				mb = !*only || strcmp(only, "multibuffer") == 0,
				fe = !*only || strcmp(only, "fermat") == 0;

	mpc_set_rng(rng);
	if (pai_keygen(&sk, 1024, 512, &err) != MPC_OK)
	{
		fprintf(stderr, "keygen: %s\n", err.msg);
		return 1;
	}
	if (strcmp(only, "leak") == 0)
	{
		ifma_set_enabled(0);
		leak_on_purpose(&sk.pub);
		pai_priv_clear(&sk);
		return 0;
	}
	ifma_set_enabled(1);
	if (dec)
		check_decrypt(&sk, "IFMA ladder");
	if (fb)
		check_fixed_base(&sk.pub, "IFMA");
	if (lad)
		check_ladder(&sk.pub);
	if (mb)
		check_multibuffer(&sk);
	if (fe)
		check_fermat("multi-buffer IFMA, emulated");
	ifma_set_enabled(0);
	if (dec)
		check_decrypt(&sk, "GMP");
	if (fb)
		check_fixed_base(&sk.pub, "GMP");
	if (fe)
		check_fermat("GMP");
	pai_priv_clear(&sk);
	printf("ctgrind: %d failed\n", failures);
	return failures ? 1 : 0;
}
