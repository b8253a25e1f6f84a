/*
 * paillier.c: keys, encryption, decryption and homomorphic operations for
 * Paillier with g = n + 1 (FACTS.md §1).
 */
#include "paillier.h"

#include <string.h>

#include "ct.h"
#include "ifma.h"
#include "serial.h"
#include "sha256.h"

/* ---------------------------------------------------------------------
 * Small primes, for trial division of moduli and sieving in keygen.
 * A plain table filled once; no GMP state is cached anywhere in the core.
 * --------------------------------------------------------------------- */
#define SMALL_PRIME_LIMIT 65536
#define SMALL_PRIME_MAX 6542		/* primes below 2^16 */

static unsigned int small_primes[SMALL_PRIME_MAX];
static int	n_small_primes = 0;

static void
init_small_primes(void)
{
	static unsigned char composite[SMALL_PRIME_LIMIT];
	unsigned int i,
				j;

	if (n_small_primes > 0)
		return;
	memset(composite, 0, sizeof(composite));
	for (i = 2; i < SMALL_PRIME_LIMIT; i++)
	{
		if (composite[i])
			continue;
		if (n_small_primes < SMALL_PRIME_MAX)
			small_primes[n_small_primes] = i;
		for (j = i * i; j < SMALL_PRIME_LIMIT; j += i)
			composite[j] = 1;
		if (n_small_primes < SMALL_PRIME_MAX)
			n_small_primes++;
	}
}

static unsigned long
gcd_ul(unsigned long a, unsigned long b)
{
	while (b != 0)
	{
		unsigned long t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* Does x have a prime factor below 2^16 (other than x itself)?  Primes are
 * grouped into products that fit in an unsigned long so one division of x
 * serves several primes. */
static int
has_small_factor(const mpz_t x)
{
	int			i = 0;

	init_small_primes();
	while (i < n_small_primes)
	{
		unsigned long prod = 1;
		int			start = i;

		while (i < n_small_primes && prod <= (~0UL) / small_primes[i])
			prod *= small_primes[i++];
		if (i == start)
			break;
		if (gcd_ul(mpz_fdiv_ui(x, prod), prod) != 1)
			return 1;
	}
	return 0;
}

void
pai_fingerprint(const mpz_t n, unsigned char fp[PAI_FP_LEN])
{
	unsigned char digest[SHA256_DIGEST_LEN];
	size_t		len = mpz_bytes_len(n);
	unsigned char stackbuf[2048];
	unsigned char *buf = stackbuf;

	if (len > sizeof(stackbuf))
		len = sizeof(stackbuf);	/* cannot happen: n <= PAI_MAX_BITS */
	mpz_export(buf, NULL, 1, 1, 1, 0, n);
	sha256(buf, len, digest);
	memcpy(fp, digest, PAI_FP_LEN);
}

int
pai_same_key(const pai_pub *a, const pai_pub *b)
{
	return memcmp(a->fp, b->fp, PAI_FP_LEN) == 0 && mpz_cmp(a->n, b->n) == 0;
}

/* ---------------------------------------------------------------------
 * Keys
 * --------------------------------------------------------------------- */
mpc_status
pai_pub_init(pai_pub *pk, const mpz_t n, size_t min_bits, mpc_error *err)
{
	size_t		bits;

	if (mpz_sgn(n) <= 0)
		return mpc_fail(err, MPC_ERR_KEY, "modulus n must be positive");
	bits = mpz_sizeinbase(n, 2);
	if (bits < min_bits || bits > PAI_MAX_BITS)
		return mpc_fail(err, MPC_ERR_KEY, "modulus n has %zu bits, expected %zu to %d",
						bits, min_bits, PAI_MAX_BITS);
	if (mpz_even_p(n))
		return mpc_fail(err, MPC_ERR_KEY, "modulus n is even");
	if (mpz_perfect_square_p(n))
		return mpc_fail(err, MPC_ERR_KEY, "modulus n is a perfect square");
	if (has_small_factor(n))
		return mpc_fail(err, MPC_ERR_KEY, "modulus n has a small prime factor");

	mpz_init_set(pk->n, n);
	mpz_init(pk->n2);
	mpz_mul(pk->n2, n, n);
	mpz_init(pk->max_int);
	mpz_fdiv_q_ui(pk->max_int, n, 3);
	mpz_sub_ui(pk->max_int, pk->max_int, 1);
	pk->nbits = bits;
	pk->nbytes = (bits + 7) / 8;
	pai_fingerprint(n, pk->fp);
	return MPC_OK;
}

void
pai_pub_clear(pai_pub *pk)
{
	mpz_clear(pk->n);
	mpz_clear(pk->n2);
	mpz_clear(pk->max_int);
	memset(pk, 0, sizeof(*pk));
}

void
pai_pub_copy(pai_pub *dst, const pai_pub *src)
{
	mpz_init_set(dst->n, src->n);
	mpz_init_set(dst->n2, src->n2);
	mpz_init_set(dst->max_int, src->max_int);
	dst->nbits = src->nbits;
	dst->nbytes = src->nbytes;
	memcpy(dst->fp, src->fp, PAI_FP_LEN);
}

/* ---------------------------------------------------------------------
 * Constant-time arithmetic on secrets, on fixed-length limb arrays (ct.h):
 * GMP's mpn_sec_* functions and mpc_powm_sec_limbs.  Sizes in limbs and
 * bit lengths of p, q, p^2, q^2 are public; the limbs are not.
 * --------------------------------------------------------------------- */

/* limb scratch from GMP's allocator (wiped and freed by scratch_free) */
typedef struct scratch
{
	mpz_t		z;
	size_t		n;
} scratch;

static mp_limb_t *
scratch_get(scratch *s, size_t n)
{
	mpz_init(s->z);
	s->n = n > 0 ? n : 1;
	return mpz_limbs_write(s->z, (mp_size_t) s->n);
}

static void
scratch_free(scratch *s)
{
	mpc_wipe(mpz_limbs_modify(s->z, (mp_size_t) s->n), s->n * sizeof(mp_limb_t));
	mpz_clear(s->z);
}

static size_t
max_sz(size_t a, size_t b)
{
	return a > b ? a : b;
}

/* r[0, dn) = a[0, an) mod d[0, dn); d[dn - 1] != 0; r may not overlap a */
static void
ct_mod(mp_limb_t *r, const mp_limb_t *a, size_t an, const mp_limb_t *d, size_t dn)
{
	size_t		bn = max_sz(an, dn);
	size_t		tn = (size_t) mpn_sec_div_r_itch((mp_size_t) bn, (mp_size_t) dn);
	scratch		s;
	mp_limb_t  *b = scratch_get(&s, bn + tn);

	memcpy(b, a, an * sizeof(mp_limb_t));
	memset(b + an, 0, (bn - an) * sizeof(mp_limb_t));
	mpn_sec_div_r(b, (mp_size_t) bn, d, (mp_size_t) dn, b + bn);
	memcpy(r, b, dn * sizeof(mp_limb_t));
	scratch_free(&s);
}

/* r[0, xn) = L_x(u) = (u - 1) / x for u[0, un) = 1 mod x, u < x^2 */
static void
ct_L(mp_limb_t *r, const mp_limb_t *u, size_t un, const mp_limb_t *x, size_t xn)
{
	size_t		qn = un - xn;
	size_t		tn = max_sz((size_t) mpn_sec_div_qr_itch((mp_size_t) un, (mp_size_t) xn),
							(size_t) mpn_sec_sub_1_itch((mp_size_t) un));
	scratch		s;
	mp_limb_t  *b = scratch_get(&s, un + qn + 1 + tn),
			   *q = b + un,
			   *t = q + qn + 1;

	mpn_sec_sub_1(b, u, (mp_size_t) un, 1, t);
	q[qn] = mpn_sec_div_qr(q, b, (mp_size_t) un, x, (mp_size_t) xn, t);
	/* the quotient is below x, so it fits xn limbs */
	memset(r, 0, xn * sizeof(mp_limb_t));
	memcpy(r, q, (qn + 1 < xn ? qn + 1 : xn) * sizeof(mp_limb_t));
	scratch_free(&s);
}

/* r[0, mn) = a[0, an) * b[0, bn) mod m[0, mn); an >= bn */
static void
ct_mulmod(mp_limb_t *r, const mp_limb_t *a, size_t an, const mp_limb_t *b, size_t bn,
		  const mp_limb_t *m, size_t mn)
{
	size_t		tn = (size_t) mpn_sec_mul_itch((mp_size_t) an, (mp_size_t) bn);
	scratch		s;
	mp_limb_t  *p = scratch_get(&s, an + bn + tn);

	mpn_sec_mul(p, a, (mp_size_t) an, b, (mp_size_t) bn, p + an + bn);
	ct_mod(r, p, an + bn, m, mn);
	scratch_free(&s);
}

/* out = a^-1 mod m for 0 <= a, odd m (secret values, public sizes);
 * returns 0 when a is not invertible */
static int
ct_invert(mpz_t out, const mpz_t a, const mpz_t m)
{
	size_t		n = mpz_size(m),
				an = mpz_size(a);
	size_t		tn = (size_t) mpn_sec_invert_itch((mp_size_t) n);
	scratch		s;
	mp_limb_t  *ap = scratch_get(&s, 2 * n + tn),
			   *rp = ap + n;
	int			ok;

	if (an > n)
		ct_mod(ap, mpz_limbs_read(a), an, mpz_limbs_read(m), n);
	else
	{
		/* a < m is the caller's: reduce anyway, constant time */
		mpc_limbs_of_mpz(rp, a, n);
		ct_mod(ap, rp, n, mpz_limbs_read(m), n);
	}
	ok = mpn_sec_invert(rp, ap, mpz_limbs_read(m), (mp_size_t) n,
						(mp_bitcnt_t) (2 * n * GMP_NUMB_BITS), rp + n);
	MPC_CT_DECLASSIFY(&ok, sizeof(ok));
	if (ok)
		mpc_ct_mpz_set_limbs(out, rp, n);
	scratch_free(&s);
	return ok;
}

/* out = a mod m, constant time in both */
static void
ct_mod_mpz(mpz_t out, const mpz_t a, const mpz_t m)
{
	size_t		n = mpz_size(m);
	scratch		s;
	mp_limb_t  *r = scratch_get(&s, n);

	ct_mod(r, mpz_limbs_read(a), mpz_size(a), mpz_limbs_read(m), n);
	mpc_ct_mpz_set_limbs(out, r, n);
	scratch_free(&s);
}

/* h = L_x((1 + n)^(x - 1) mod x^2)^-1 mod x, for x = p or q */
static int
crt_h(mpz_t h, const mpz_t n, const mpz_t x, const mpz_t x2, const mpz_t xm1)
{
	size_t		xn = mpz_size(x),
				x2n = mpz_size(x2),
				en = mpz_size(xm1),
				xbits = mpz_sizeinbase(x, 2),
				x2bits = mpz_sizeinbase(x2, 2);
	scratch		s;
	mp_limb_t  *b = scratch_get(&s, 2 * x2n + xn + max_sz(en, xn)),
			   *y = b + x2n,
			   *l = y + x2n,
			   *e = l + xn;
	mpz_t		n1,
				lz;
	int			ok;

	MPC_CT_DECLASSIFY(&xbits, sizeof(xbits));
	MPC_CT_DECLASSIFY(&x2bits, sizeof(x2bits));
	mpz_init(n1);
	mpz_add_ui(n1, n, 1);		/* public */
	ct_mod(b, mpz_limbs_read(n1), mpz_size(n1), mpz_limbs_read(x2), x2n);
	mpc_limbs_of_mpz(e, xm1, max_sz(en, xn));
	mpc_powm_sec_limbs(y, b, e, xbits, mpz_limbs_read(x2), x2n, x2bits);
	ct_L(l, y, x2n, mpz_limbs_read(x), xn);
	mpz_init(lz);
	mpc_ct_mpz_set_limbs(lz, l, xn);
	ok = ct_invert(h, lz, x);
	mpc_wipe(lz->_mp_d, (size_t) lz->_mp_alloc * sizeof(mp_limb_t));
	mpz_clears(n1, lz, NULL);
	scratch_free(&s);
	return ok;
}

/* ---------------------------------------------------------------------
 * Private keys
 * --------------------------------------------------------------------- */

/* p, q in the order p > q */
static void
order_pq(mpz_t p, mpz_t q, const mpz_t p_in, const mpz_t q_in)
{
	if (mpz_cmp(p_in, q_in) >= 0)
	{
		mpz_set(p, p_in);
		mpz_set(q, q_in);
	}
	else
	{
		mpz_set(p, q_in);
		mpz_set(q, p_in);
	}
}

static mpc_status
check_sizes(const mpz_t p_in, const mpz_t q_in, mpc_error *err)
{
	if (mpz_cmp_ui(p_in, 3) < 0 || mpz_cmp_ui(q_in, 3) < 0)
		return mpc_fail(err, MPC_ERR_KEY, "primes p and q must be at least 3");
	if (mpz_sizeinbase(p_in, 2) > PAI_MAX_BITS || mpz_sizeinbase(q_in, 2) > PAI_MAX_BITS)
		return mpc_fail(err, MPC_ERR_KEY, "primes p and q are too large");
	return MPC_OK;
}

mpc_status
pai_priv_check(const mpz_t p_in, const mpz_t q_in, size_t min_bits, mpc_error *err)
{
	mpz_t		p, q, n, t, phi;
	size_t		pbits, qbits;
	mpc_status	st = check_sizes(p_in, q_in, err);
	pai_pub		pub;

	if (st != MPC_OK)
		return st;
	mpz_inits(p, q, n, t, phi, NULL);
	order_pq(p, q, p_in, q_in);
	pbits = mpz_sizeinbase(p, 2);
	qbits = mpz_sizeinbase(q, 2);

	if (mpz_cmp(p, q) == 0)
		st = mpc_fail(err, MPC_ERR_KEY, "primes p and q are equal");
	else if (pbits > qbits + 1)
		st = mpc_fail(err, MPC_ERR_KEY,
					  "primes p and q differ in length by more than one bit");
	else if (mpz_even_p(p) || mpz_even_p(q))
		st = mpc_fail(err, MPC_ERR_KEY, "p or q is even");
	if (st == MPC_OK)
	{
		/* |p - q| must not be small, or Fermat's method factors n */
		mpz_sub(t, p, q);
		if (mpz_sizeinbase(t, 2) + 100 < pbits)
			st = mpc_fail(err, MPC_ERR_KEY, "primes p and q are too close together");
	}
	if (st == MPC_OK && (mpz_probab_prime_p(p, 32) == 0 || mpz_probab_prime_p(q, 32) == 0))
		st = mpc_fail(err, MPC_ERR_KEY, "p or q is not prime");
	if (st == MPC_OK)
	{
		mpz_mul(n, p, q);
		st = pai_pub_init(&pub, n, min_bits, err);
		if (st == MPC_OK)
			pai_pub_clear(&pub);
	}
	if (st == MPC_OK)
	{
		/* gcd(n, (p-1)(q-1)) = 1 */
		mpz_sub_ui(t, p, 1);
		mpz_sub_ui(phi, q, 1);
		mpz_mul(phi, phi, t);
		mpz_gcd(t, n, phi);
		if (mpz_cmp_ui(t, 1) != 0)
			st = mpc_fail(err, MPC_ERR_KEY, "gcd(n, (p-1)(q-1)) is not 1");
	}
	mpc_wipe(p->_mp_d, (size_t) p->_mp_alloc * sizeof(mp_limb_t));
	mpc_wipe(q->_mp_d, (size_t) q->_mp_alloc * sizeof(mp_limb_t));
	mpc_wipe(phi->_mp_d, (size_t) phi->_mp_alloc * sizeof(mp_limb_t));
	mpz_clears(p, q, n, t, phi, NULL);
	return st;
}

mpc_status
pai_priv_setup(pai_priv *sk, const mpz_t p_in, const mpz_t q_in, size_t min_bits,
			   mpc_error *err)
{
	mpz_t		p, q, n, t;
	size_t		pbits, qbits;
	mpc_status	st = check_sizes(p_in, q_in, err);

	if (st != MPC_OK)
		return st;
	mpz_inits(p, q, n, t, NULL);
	/* keep p > q so the CRT constants have one fixed shape */
	order_pq(p, q, p_in, q_in);
	pbits = mpz_sizeinbase(p, 2);
	qbits = mpz_sizeinbase(q, 2);
	/* the shape the constant-time code relies on (bit lengths are public) */
	if (pbits > qbits + 1 || mpz_even_p(p) || mpz_even_p(q))
		st = mpc_fail(err, MPC_ERR_KEY, "p and q do not have the shape of a Paillier key");
	if (st == MPC_OK)
	{
		mpz_mul(n, p, q);
		st = pai_pub_init(&sk->pub, n, min_bits, err);
	}
	if (st != MPC_OK)
	{
		mpz_clears(p, q, n, t, NULL);
		return st;
	}

	mpz_init_set(sk->p, p);
	mpz_init_set(sk->q, q);
	mpz_init(sk->p2);
	mpz_mul(sk->p2, p, p);
	mpz_init(sk->q2);
	mpz_mul(sk->q2, q, q);
	mpz_init(sk->pm1);
	mpz_sub_ui(sk->pm1, p, 1);
	mpz_init(sk->qm1);
	mpz_sub_ui(sk->qm1, q, 1);
	mpz_inits(sk->hp, sk->hq, sk->qinv, sk->q2inv, sk->ep, sk->eq, NULL);

	/* hp, hq, q^-1 mod p, q^-2 mod p^2: constant time (mpn_sec_*) */
	if (!crt_h(sk->hp, n, p, sk->p2, sk->pm1) || !crt_h(sk->hq, n, q, sk->q2, sk->qm1) ||
		!ct_invert(sk->qinv, q, p) || !ct_invert(sk->q2inv, sk->q2, sk->p2))
		st = mpc_fail(err, MPC_ERR_KEY, "key constants are not invertible");

	/* r^n mod p^2 = r^(n mod p(p-1)) mod p^2 for r coprime to p */
	mpz_mul(t, p, sk->pm1);
	ct_mod_mpz(sk->ep, n, t);
	mpz_mul(t, q, sk->qm1);
	ct_mod_mpz(sk->eq, n, t);

	mpc_wipe(p->_mp_d, (size_t) p->_mp_alloc * sizeof(mp_limb_t));
	mpc_wipe(q->_mp_d, (size_t) q->_mp_alloc * sizeof(mp_limb_t));
	mpc_wipe(t->_mp_d, (size_t) t->_mp_alloc * sizeof(mp_limb_t));
	mpz_clears(p, q, n, t, NULL);
	if (st != MPC_OK)
		pai_priv_clear(sk);
	return st;
}

mpc_status
pai_priv_init(pai_priv *sk, const mpz_t p, const mpz_t q, size_t min_bits, mpc_error *err)
{
	mpc_status	st = pai_priv_check(p, q, min_bits, err);

	if (st != MPC_OK)
		return st;
	return pai_priv_setup(sk, p, q, min_bits, err);
}

void
pai_priv_clear(pai_priv *sk)
{
	/* mpz_clear frees the limbs through the allocator, which inside the
	 * server wipes them; here we also zero them for standalone builds. */
	mpz_t	   *secret[] = {&sk->p, &sk->q, &sk->p2, &sk->q2, &sk->pm1, &sk->qm1,
	&sk->hp, &sk->hq, &sk->qinv, &sk->q2inv, &sk->ep, &sk->eq};
	size_t		i;

	for (i = 0; i < sizeof(secret) / sizeof(secret[0]); i++)
	{
		mpz_ptr		z = *secret[i];

		mpc_wipe(z->_mp_d, (size_t) z->_mp_alloc * sizeof(mp_limb_t));
		mpz_clear(z);
	}
	pai_pub_clear(&sk->pub);
	mpc_wipe(sk, sizeof(*sk));
}

/* Random prime of exactly 'bits' bits with the top two bits set. */
static mpc_status
random_prime(mpz_t out, size_t bits, mpc_error *err)
{
	size_t		nbytes = (bits + 7) / 8;
	unsigned char buf[PAI_MAX_BITS / 8];
	unsigned int residues[SMALL_PRIME_MAX];
	const int	sieve_primes = 2000;
	mpc_status	st;

	init_small_primes();
	for (;;)
	{
		unsigned long delta;
		int			i;

		if (mpc_interrupted())
			return mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
		st = mpc_random_bytes(buf, nbytes, err);
		if (st != MPC_OK)
			return st;
		mpz_from_bytes(out, buf, nbytes);
		mpc_wipe(buf, nbytes);
		mpz_fdiv_r_2exp(out, out, bits);
		mpz_setbit(out, bits - 1);
		mpz_setbit(out, bits - 2);
		mpz_setbit(out, 0);
		for (i = 1; i < sieve_primes; i++)
			residues[i] = (unsigned int) mpz_fdiv_ui(out, small_primes[i]);

		/* walk odd candidates out + delta, skipping those with a small factor */
		for (delta = 0; delta < (1UL << 20); delta += 2)
		{
			int			ok = 1;

			for (i = 1; i < sieve_primes; i++)
			{
				if ((residues[i] + delta) % small_primes[i] == 0)
				{
					ok = 0;
					break;
				}
			}
			if (!ok)
				continue;
			if ((delta & 0x3ff) == 0 && mpc_interrupted())
				return mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
			mpz_add_ui(out, out, delta);
			if (mpz_sizeinbase(out, 2) != bits)
				break;			/* ran past the top: draw again */
			if (mpz_probab_prime_p(out, 30) != 0)
			{
				mpc_wipe(residues, sizeof(residues));
				return MPC_OK;
			}
			mpz_sub_ui(out, out, delta);
			if (mpc_interrupted())
				return mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
		}
	}
}

mpc_status
pai_keygen(pai_priv *sk, size_t bits, size_t min_bits, mpc_error *err)
{
	mpz_t		p, q;
	mpc_status	st;
	int			attempt;

	if (bits < min_bits || bits > PAI_KEYGEN_MAX_BITS)
		return mpc_fail(err, MPC_ERR_ARG, "key size must be between %zu and %d bits, got %zu",
						min_bits, PAI_KEYGEN_MAX_BITS, bits);
	mpz_inits(p, q, NULL);
	for (attempt = 0; attempt < 100; attempt++)
	{
		st = random_prime(p, (bits + 1) / 2, err);
		if (st == MPC_OK)
			st = random_prime(q, bits / 2, err);
		if (st != MPC_OK)
			break;
		/* pai_priv_init rejects the rare bad pair (p = q, too close, ...) */
		st = pai_priv_init(sk, p, q, min_bits, err);
		if (st == MPC_OK && sk->pub.nbits == bits)
			break;
		if (st == MPC_OK)
			pai_priv_clear(sk);
		st = mpc_fail(err, MPC_ERR_INTERNAL, "could not generate a valid key");
	}
	mpc_wipe(p->_mp_d, (size_t) p->_mp_alloc * sizeof(mp_limb_t));
	mpc_wipe(q->_mp_d, (size_t) q->_mp_alloc * sizeof(mp_limb_t));
	mpz_clears(p, q, NULL);
	return st;
}

/* ---------------------------------------------------------------------
 * Ciphertexts
 * --------------------------------------------------------------------- */
mpc_status
pai_check_ciphertext(const pai_pub *pk, const mpz_t c, int check_gcd, mpc_error *err)
{
	if (mpz_sgn(c) <= 0 || mpz_cmp(c, pk->n2) >= 0)
		return mpc_fail(err, MPC_ERR_CIPHERTEXT, "ciphertext is not in the range 0 < c < n^2");
	if (check_gcd)
	{
		mpz_t		g;
		int			ok;

		mpz_init(g);
		mpz_gcd(g, c, pk->n);
		ok = mpz_cmp_ui(g, 1) == 0;
		mpz_clear(g);
		if (!ok)
			return mpc_fail(err, MPC_ERR_CIPHERTEXT, "ciphertext is not a unit mod n^2");
	}
	return MPC_OK;
}

mpc_status
pai_random_unit(const pai_pub *pk, mpz_t r, mpc_error *err)
{
	/* 128 extra bits make the reduction mod n statistically uniform */
	unsigned char buf[PAI_MAX_BITS / 8 + 16];
	size_t		len = pk->nbytes + 16;
	mpz_t		g;
	int			tries;
	mpc_status	st = MPC_OK;

	mpz_init(g);
	for (tries = 0; tries < 64; tries++)
	{
		st = mpc_random_bytes(buf, len, err);
		if (st != MPC_OK)
			break;
		mpz_from_bytes(r, buf, len);
		mpz_mod(r, r, pk->n);
		mpz_gcd(g, r, pk->n);
		if (mpz_sgn(r) != 0 && mpz_cmp_ui(g, 1) == 0)
			break;
		st = mpc_fail(err, MPC_ERR_RNG, "could not draw a unit mod n");
	}
	mpc_wipe(buf, len);
	mpz_clear(g);
	return st;
}

/* (1 + m n) mod n^2 times x, for 0 <= m < n */
static void
mul_one_plus_mn(const pai_pub *pk, mpz_t out, const mpz_t m, const mpz_t x)
{
	mpz_t		t;

	mpz_init(t);
	mpz_mul(t, m, pk->n);
	mpz_add_ui(t, t, 1);
	mpz_mul(out, t, x);
	mpz_mod(out, out, pk->n2);
	mpz_clear(t);
}

static mpc_status
check_plaintext(const pai_pub *pk, const mpz_t m, mpc_error *err)
{
	if (mpz_sgn(m) < 0 || mpz_cmp(m, pk->n) >= 0)
		return mpc_fail(err, MPC_ERR_ARG, "plaintext is not in the range 0 <= m < n");
	return MPC_OK;
}

mpc_status
pai_encrypt_with_r(const pai_pub *pk, mpz_t c, const mpz_t m, const mpz_t r, mpc_error *err)
{
	mpz_t		x;
	mpc_status	st = check_plaintext(pk, m, err);

	if (st != MPC_OK)
		return st;
	if (mpz_sgn(r) <= 0 || mpz_cmp(r, pk->n) >= 0)
		return mpc_fail(err, MPC_ERR_ARG, "randomness r is not in the range 0 < r < n");
	mpz_init(x);
	mpz_powm(x, r, pk->n, pk->n2);
	mul_one_plus_mn(pk, c, m, x);
	mpz_clear(x);
	return MPC_OK;
}

mpc_status
pai_encrypt(const pai_pub *pk, mpz_t c, const mpz_t m, mpc_error *err)
{
	mpz_t		r;
	mpc_status	st = check_plaintext(pk, m, err);

	if (st != MPC_OK)
		return st;
	mpz_init(r);
	st = pai_random_unit(pk, r, err);
	if (st == MPC_OK)
	{
		/* r is secret: the exponent n is public, but use the
		 * side-channel-silent ladder all the same */
		mpz_t		x;

		mpz_init(x);
		mpc_powm_sec(x, r, pk->n, mpz_sizeinbase(pk->n, 2), pk->n2);
		mul_one_plus_mn(pk, c, m, x);
		mpz_clear(x);
	}
	mpz_clear(r);
	return st;
}

/* r^n mod n^2 for the key owner: exponentiate mod p^2 and q^2, then CRT. */
static void
rn_crt(const pai_priv *sk, mpz_t out, const mpz_t r)
{
	mpz_t		xp, xq;

	mpz_inits(xp, xq, NULL);
	mpz_mod(xp, r, sk->p2);
	mpc_powm_sec(xp, xp, sk->ep, 2 * mpz_sizeinbase(sk->p, 2), sk->p2);
	mpz_mod(xq, r, sk->q2);
	mpc_powm_sec(xq, xq, sk->eq, 2 * mpz_sizeinbase(sk->q, 2), sk->q2);
	/* out = xq + q^2 ((xp - xq) q2inv mod p^2) */
	mpz_sub(xp, xp, xq);
	mpz_mul(xp, xp, sk->q2inv);
	mpz_mod(xp, xp, sk->p2);
	mpz_mul(out, xp, sk->q2);
	mpz_add(out, out, xq);
	mpz_clears(xp, xq, NULL);
}

mpc_status
pai_encrypt_crt(const pai_priv *sk, mpz_t c, const mpz_t m, mpc_error *err)
{
	mpz_t		r, x;
	mpc_status	st = check_plaintext(&sk->pub, m, err);

	if (st != MPC_OK)
		return st;
	mpz_inits(r, x, NULL);
	st = pai_random_unit(&sk->pub, r, err);
	if (st == MPC_OK)
	{
		rn_crt(sk, x, r);
		mul_one_plus_mn(&sk->pub, c, m, x);
	}
	mpz_clears(r, x, NULL);
	return st;
}

/* mx[0, xn) = L_x(c^(x-1) mod x^2) hx mod x, for x = p or q */
static void
decrypt_half(mp_limb_t *mx, const mp_limb_t *c, size_t cn, const mpz_t x, const mpz_t x2,
			 const mpz_t xm1, const mpz_t hx)
{
	size_t		xn = mpz_size(x),
				x2n = mpz_size(x2),
				en = mpz_size(xm1),
				xbits = mpz_sizeinbase(x, 2),
				x2bits = mpz_sizeinbase(x2, 2);
	scratch		s;
	mp_limb_t  *b = scratch_get(&s, 2 * x2n + 2 * xn + max_sz(en, xn)),
			   *y = b + x2n,
			   *l = y + x2n,
			   *h = l + xn,
			   *e = h + xn;

	/* bit lengths of p, p^2 (and q, q^2) are public */
	MPC_CT_DECLASSIFY(&xbits, sizeof(xbits));
	MPC_CT_DECLASSIFY(&x2bits, sizeof(x2bits));
	ct_mod(b, c, cn, mpz_limbs_read(x2), x2n);
	mpc_limbs_of_mpz(e, xm1, max_sz(en, xn));
	/* b is a unit mod x^2 (c is a unit mod n^2), so b != 0 */
	mpc_powm_sec_limbs(y, b, e, xbits, mpz_limbs_read(x2), x2n, x2bits);
	ct_L(l, y, x2n, mpz_limbs_read(x), xn);
	mpc_limbs_of_mpz(h, hx, xn);
	ct_mulmod(mx, l, xn, h, xn, mpz_limbs_read(x), xn);
	scratch_free(&s);
}

/*
 * CRT decryption.  Every step on secrets is constant time: reductions mod
 * p^2 and q^2 and mod p, q with mpn_sec_div_r, the exponentiations with
 * mpc_powm_sec_limbs, L() with mpn_sec_sub_1 and mpn_sec_div_qr, products
 * with mpn_sec_mul, the recombination with fixed-length additions.  The
 * plaintext is public once computed.  test/ctgrind checks this.
 */
mpc_status
pai_decrypt(const pai_priv *sk, mpz_t m, const mpz_t c, mpc_error *err)
{
	size_t		pn = mpz_size(sk->p),
				qn = mpz_size(sk->q),
				cn = mpz_size(c),
				mn = pn + qn;
	scratch		s;
	mp_limb_t  *buf,
			   *mp,
			   *mq,
			   *mq_p,
			   *d,
			   *qi,
			   *h,
			   *qq,
			   *r,
			   *mqw;
	mpc_status	st = pai_check_ciphertext(&sk->pub, c, 0, err);

	if (st != MPC_OK)
		return st;
	/* p > q, so pn >= qn */
	buf = scratch_get(&s, pn + qn + 2 * (pn + 1) + 3 * pn + 2 * mn);
	mp = buf;
	mq = mp + pn;
	mq_p = mq + qn;				/* mq padded to pn + 1 limbs */
	d = mq_p + pn + 1;			/* pn + 1 */
	qi = d + pn + 1;
	h = qi + pn;
	qq = h + pn;				/* q padded to pn limbs */
	r = qq + pn;				/* mn */
	mqw = r + mn;				/* mq padded to mn limbs */

	decrypt_half(mp, mpz_limbs_read(c), cn, sk->p, sk->p2, sk->pm1, sk->hp);
	decrypt_half(mq, mpz_limbs_read(c), cn, sk->q, sk->q2, sk->qm1, sk->hq);

	/* h = (mp - mq) q^-1 mod p, from d = mp + p - mq in (0, 2p) */
	memcpy(mq_p, mq, qn * sizeof(mp_limb_t));
	memset(mq_p + qn, 0, (pn + 1 - qn) * sizeof(mp_limb_t));
	d[pn] = mpn_add_n(d, mp, mpz_limbs_read(sk->p), (mp_size_t) pn);
	mpn_sub_n(d, d, mq_p, (mp_size_t) (pn + 1));
	mpc_limbs_of_mpz(qi, sk->qinv, pn);
	ct_mulmod(h, d, pn + 1, qi, pn, mpz_limbs_read(sk->p), pn);

	/* m = mq + q h < n */
	mpc_limbs_of_mpz(qq, sk->q, pn);
	{
		size_t		tn = (size_t) mpn_sec_mul_itch((mp_size_t) pn, (mp_size_t) pn);
		scratch		s2;
		mp_limb_t  *prod = scratch_get(&s2, 2 * pn + tn);

		mpn_sec_mul(prod, h, (mp_size_t) pn, qq, (mp_size_t) pn, prod + 2 * pn);
		/* q h < q p = n fits mn limbs */
		memcpy(r, prod, mn * sizeof(mp_limb_t));
		scratch_free(&s2);
	}
	memcpy(mqw, mq, qn * sizeof(mp_limb_t));
	memset(mqw + qn, 0, (mn - qn) * sizeof(mp_limb_t));
	mpn_add_n(r, r, mqw, (mp_size_t) mn);

	/* the plaintext is the caller's to learn */
	MPC_CT_DECLASSIFY(r, mn * sizeof(mp_limb_t));
	mpc_ct_mpz_set_limbs(m, r, mn);
	scratch_free(&s);
	return MPC_OK;
}

/* L_x(u) = (u - 1) / x, variable time: textbook decryption only */
static void
L(mpz_t out, const mpz_t u, const mpz_t x)
{
	mpz_sub_ui(out, u, 1);
	mpz_tdiv_q(out, out, x);
}

mpc_status
pai_decrypt_textbook(const pai_priv *sk, mpz_t m, const mpz_t c, mpc_error *err)
{
	mpz_t		lambda, mu, u;
	mpc_status	st = pai_check_ciphertext(&sk->pub, c, 0, err);

	if (st != MPC_OK)
		return st;
	mpz_inits(lambda, mu, u, NULL);
	mpz_lcm(lambda, sk->pm1, sk->qm1);
	/* with g = n + 1, L(g^lambda mod n^2) = lambda mod n, so mu = lambda^-1 */
	if (mpz_invert(mu, lambda, sk->pub.n) == 0)
		st = mpc_fail(err, MPC_ERR_KEY, "lambda is not invertible mod n");
	else
	{
		mpz_powm(u, c, lambda, sk->pub.n2);
		L(u, u, sk->pub.n);
		mpz_mul(u, u, mu);
		mpz_mod(m, u, sk->pub.n);
	}
	mpz_clears(lambda, mu, u, NULL);
	return st;
}

/* ---------------------------------------------------------------------
 * Homomorphic operations
 * --------------------------------------------------------------------- */
void
pai_add(const pai_pub *pk, mpz_t out, const mpz_t a, const mpz_t b)
{
	mpz_mul(out, a, b);
	mpz_mod(out, out, pk->n2);
}

mpc_status
pai_neg(const pai_pub *pk, mpz_t out, const mpz_t a, mpc_error *err)
{
	if (mpz_invert(out, a, pk->n2) == 0)
		return mpc_fail(err, MPC_ERR_CIPHERTEXT, "ciphertext is not invertible mod n^2");
	return MPC_OK;
}

mpc_status
pai_sub(const pai_pub *pk, mpz_t out, const mpz_t a, const mpz_t b, mpc_error *err)
{
	mpz_t		inv;
	mpc_status	st;

	mpz_init(inv);
	st = pai_neg(pk, inv, b, err);
	if (st == MPC_OK)
		pai_add(pk, out, a, inv);
	mpz_clear(inv);
	return st;
}

void
pai_add_plain(const pai_pub *pk, mpz_t out, const mpz_t a, const mpz_t k)
{
	mpz_t		km;

	mpz_init(km);
	mpz_mod(km, k, pk->n);
	mul_one_plus_mn(pk, out, km, a);
	mpz_clear(km);
}

mpc_status
pai_mul_scalar(const pai_pub *pk, mpz_t out, const mpz_t a, const mpz_t k, mpc_error *err)
{
	if (mpz_sgn(k) >= 0)
	{
		mpz_powm(out, a, k, pk->n2);
		return MPC_OK;
	}
	else
	{
		mpz_t		inv, absk;
		mpc_status	st;

		mpz_inits(inv, absk, NULL);
		st = pai_neg(pk, inv, a, err);
		if (st == MPC_OK)
		{
			mpz_neg(absk, k);
			mpz_powm(out, inv, absk, pk->n2);
		}
		mpz_clears(inv, absk, NULL);
		return st;
	}
}

mpc_status
pai_rerandomize(const pai_pub *pk, mpz_t out, const mpz_t a, mpc_error *err)
{
	mpz_t		r;
	mpc_status	st;

	mpz_init(r);
	st = pai_random_unit(pk, r, err);
	if (st == MPC_OK)
	{
		mpc_powm_sec(r, r, pk->n, mpz_sizeinbase(pk->n, 2), pk->n2);
		pai_add(pk, out, a, r);
	}
	mpz_clear(r);
	return st;
}
