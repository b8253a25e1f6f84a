/*
 * primes.c: small primes, the base-2 Fermat test of candidates eight at a
 * time, and random primes for key generation (see primes.h).
 */
#include "primes.h"

#include <string.h>

#include "ifma.h"
#include "ifma8.h"
#include "paillier.h"
#include "serial.h"
#include "sha256.h"

/* ---------------------------------------------------------------------
 * Small primes, for trial division of moduli and sieving in keygen.
 * A plain table filled once; no GMP state is cached anywhere in the core.
 * --------------------------------------------------------------------- */
#define SMALL_PRIME_LIMIT 65536
#define SMALL_PRIME_MAX 6542		/* primes below 2^16 */
#define SIEVE_PRIMES 2000			/* the keygen sieve: 3 .. 17389 */

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

const unsigned int *
prime_small_odd(int count)
{
	init_small_primes();
	return count < n_small_primes ? small_primes + 1 : NULL;
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

/* Primes are grouped into products that fit in an unsigned long so one
 * division of x serves several primes. */
int
prime_has_small_factor(const mpz_t x)
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

/* ---------------------------------------------------------------------
 * The base-2 Fermat test
 * --------------------------------------------------------------------- */

/* 1 when r[0, n) == 1, without branching on r; the verdict is public */
static int
limbs_are_one(const mp_limb_t *r, size_t n)
{
	mp_limb_t	acc = r[0] ^ 1;
	size_t		i;
	int			one;

	for (i = 1; i < n; i++)
		acc |= r[i];
	one = (int) (((acc | (0 - acc)) >> (GMP_NUMB_BITS - 1)) ^ 1);
	MPC_CT_DECLASSIFY(&one, sizeof(one));
	return one;
}

mpc_status
prime_fermat2_many(int *passes, const mpz_t *x, size_t count, mpc_error *err)
{
	size_t		bits,
				n,
				i,
				l;
	mpz_t		scratch;
	mp_limb_t  *mem,
			   *two,
			   *ebuf,
			   *rbuf;
	mpc_status	st = MPC_OK;

	if (count == 0)
		return MPC_OK;
	/* an odd number of at least 3 bits is at least 5; the bit length and
	 * the parity are public */
	bits = mpz_sgn(x[0]) > 0 ? mpz_sizeinbase(x[0], 2) : 0;
	MPC_CT_DECLASSIFY(&bits, sizeof(bits));
	for (i = 0; i < count; i++)
	{
		size_t		xbits = mpz_sgn(x[i]) > 0 ? mpz_sizeinbase(x[i], 2) : 0;
		int			odd = mpz_odd_p(x[i]);

		MPC_CT_DECLASSIFY(&xbits, sizeof(xbits));
		MPC_CT_DECLASSIFY(&odd, sizeof(odd));
		if (!odd || xbits < 3 || xbits != bits)
			return mpc_fail(err, MPC_ERR_ARG,
							"Fermat candidates must be odd, at least 5 and of one bit length");
	}
	n = mpz_size(x[0]);
	/* 2, then an exponent x - 1 and a result per candidate */
	mpz_init(scratch);
	mem = mpz_limbs_write(scratch, (mp_size_t) (n * (1 + 2 * count)));
	two = mem;
	ebuf = two + n;
	rbuf = ebuf + n * count;
	memset(two, 0, n * sizeof(mp_limb_t));
	two[0] = 2;
	for (i = 0; i < count; i++)
	{
		memcpy(ebuf + i * n, mpz_limbs_read(x[i]), n * sizeof(mp_limb_t));
		ebuf[i * n] ^= 1;		/* x odd: x - 1 clears bit 0 */
	}

	if (ifma_available() && ifma_digits(bits) != 0)
	{
		for (i = 0; i < count && st == MPC_OK; i += IFMA8_LANES)
		{
			const mp_limb_t *bp[IFMA8_LANES],
					   *ep[IFMA8_LANES],
					   *mp[IFMA8_LANES];
			mp_limb_t  *rp[IFMA8_LANES];

			/* a short last group repeats its first candidate in the spare
			 * lanes (which then share its constants) */
			for (l = 0; l < IFMA8_LANES; l++)
			{
				size_t		j = i + l < count ? i + l : i;

				bp[l] = two;
				ep[l] = ebuf + j * n;
				mp[l] = mpz_limbs_read(x[j]);
				rp[l] = rbuf + j * n;
			}
			st = ifma8_powm_limbs(rp, bp, ep, bits, mp, n, bits, err);
		}
	}
	else
	{
		for (i = 0; i < count; i++)
			mpc_powm_sec_limbs(rbuf + i * n, two, ebuf + i * n, bits, mpz_limbs_read(x[i]), n,
							   bits);
	}
	for (i = 0; i < count; i++)
		passes[i] = st == MPC_OK && limbs_are_one(rbuf + i * n, n);
	mpc_wipe(mem, n * (1 + 2 * count) * sizeof(mp_limb_t));
	mpz_clear(scratch);
	return st;
}

/* ---------------------------------------------------------------------
 * Miller-Rabin, eight bases at once
 * --------------------------------------------------------------------- */
#define MR_ROUNDS IFMA8_LANES

int
prime_miller_rabin8(const mpz_t x)
{
	size_t		bits = mpz_sizeinbase(x, 2),
				n = mpz_size(x),
				nbytes = (bits + 7) / 8,
				s,
				l,
				j;
	mpz_t		xm3,
				d,
				a,
				y,
				xm1,
				scratch;
	mp_limb_t  *mem,
			   *rp[MR_ROUNDS];
	const mp_limb_t *bp[MR_ROUNDS],
			   *ep[MR_ROUNDS],
			   *mp[MR_ROUNDS];
	uint8_t		xb[PAI_MAX_BITS / 8],
				hb[PAI_MAX_BITS / 8 + 16];
	mpc_error	err;
	int			ok = 1;

	if (mpz_sgn(x) <= 0 || mpz_even_p(x) || bits < 64 || nbytes > PAI_MAX_BITS / 8 ||
		!ifma_available() ||
		ifma_digits(bits) == 0)
		return -1;
	mpz_inits(xm3, d, a, y, xm1, scratch, NULL);
	mpz_sub_ui(xm1, x, 1);
	mpz_sub_ui(xm3, x, 3);
	s = mpz_scan1(xm1, 0);
	mpz_fdiv_q_2exp(d, xm1, s);
	/* limbs: 8 bases, d, 8 results, each n limbs */
	mem = mpz_limbs_write(scratch, (mp_size_t) (n * (2 * MR_ROUNDS + 1)));
	memset(mem, 0, n * (2 * MR_ROUNDS + 1) * sizeof(mp_limb_t));
	memcpy(mem + n * MR_ROUNDS, mpz_limbs_read(d), mpz_size(d) * sizeof(mp_limb_t));
	mpz_export(xb, NULL, 1, 1, 1, 0, x);
	for (l = 0; l < MR_ROUNDS; l++)
	{
		uint8_t		tag[2] = {'M', (uint8_t) l};

		/* base l: 2 + (SHA-256 counter-mode stream of x, 16 bytes more
		 * than x) mod (x - 3), in [2, x - 2] */
		sha256_ctr_expand("mpc prime mr", 12, xb, nbytes, tag, 2, hb, nbytes + 16);
		mpz_import(a, nbytes + 16, 1, 1, 1, 0, hb);
		mpz_mod(a, a, xm3);
		mpz_add_ui(a, a, 2);
		memcpy(mem + l * n, mpz_limbs_read(a), mpz_size(a) * sizeof(mp_limb_t));
		bp[l] = mem + l * n;
		ep[l] = mem + n * MR_ROUNDS;
		mp[l] = mpz_limbs_read(x);
		rp[l] = mem + n * (MR_ROUNDS + 1 + l);
	}
	if (ifma8_powm_limbs(rp, bp, ep, bits, mp, n, bits, &err) != MPC_OK)
		ok = -1;
	for (l = 0; l < MR_ROUNDS && ok == 1; l++)
	{
		int			pass;

		mpz_import(y, n, -1, sizeof(mp_limb_t), 0, 0, rp[l]);
		pass = mpz_cmp_ui(y, 1) == 0 || mpz_cmp(y, xm1) == 0;
		for (j = 1; j < s && !pass; j++)
		{
			mpz_mul(y, y, y);
			mpz_mod(y, y, x);
			if (mpz_cmp_ui(y, 1) == 0)
				break;			/* a non-trivial square root of 1 */
			pass = mpz_cmp(y, xm1) == 0;
		}
		ok = pass;
	}
	mpc_wipe(mem, n * (2 * MR_ROUNDS + 1) * sizeof(mp_limb_t));
	mpc_wipe(xb, nbytes);
	mpc_wipe(hb, nbytes + 16);
	mpc_wipe(d->_mp_d, (size_t) d->_mp_alloc * sizeof(mp_limb_t));
	mpc_wipe(xm1->_mp_d, (size_t) xm1->_mp_alloc * sizeof(mp_limb_t));
	mpc_wipe(xm3->_mp_d, (size_t) xm3->_mp_alloc * sizeof(mp_limb_t));
	mpc_wipe(y->_mp_d, (size_t) y->_mp_alloc * sizeof(mp_limb_t));
	mpz_clears(xm3, d, a, y, xm1, scratch, NULL);
	return ok;
}

int
prime_probable(const mpz_t x)
{
	int			r;

	if (mpz_sgn(x) <= 0 || mpz_even_p(x) || mpz_sizeinbase(x, 2) < 64 || !ifma_available())
		return mpz_probab_prime_p(x, 24 + MR_ROUNDS) != 0;
	if (mpz_probab_prime_p(x, 24) == 0)		/* Baillie-PSW */
		return 0;
	r = prime_miller_rabin8(x);
	if (r < 0)
		return mpz_probab_prime_p(x, 24 + MR_ROUNDS) != 0;
	return r;
}

/* ---------------------------------------------------------------------
 * Random primes
 * --------------------------------------------------------------------- */
#define SEARCH_SPAN (1UL << 20)		/* odd offsets tried from one start */

/* Does start + delta have a factor among the sieve primes?  residues[i] is
 * start mod small_primes[i]. */
static int
sieved_out(const unsigned int *residues, unsigned long delta)
{
	int			i;

	for (i = 1; i < SIEVE_PRIMES; i++)
		if ((residues[i] + delta) % small_primes[i] == 0)
			return 1;
	return 0;
}

/* x = a uniform odd number of exactly bits bits with its top two bits set
 * (so that a product of two such has twice the bits), from
 * mpc_random_bytes; the buffer is wiped.  A search calls it for every new
 * start, so it is also where a search notices an interrupt. */
mpc_status
prime_random_start(mpz_t x, size_t bits, mpc_error *err)
{
	unsigned char buf[PAI_MAX_BITS / 8];
	size_t		nbytes = (bits + 7) / 8;
	mpc_status	st;

	if (bits < 3 || nbytes > sizeof(buf))
		return mpc_fail(err, MPC_ERR_ARG, "a random start needs 3 to %d bits", PAI_MAX_BITS);
	if (mpc_interrupted())
		return mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
	st = mpc_random_bytes(buf, nbytes, err);
	if (st != MPC_OK)
		return st;
	ser_from_bytes(x, buf, nbytes);
	mpc_wipe(buf, nbytes);
	mpz_fdiv_r_2exp(x, x, bits);
	mpz_setbit(x, bits - 1);
	mpz_setbit(x, bits - 2);
	mpz_setbit(x, 0);
	return MPC_OK;
}

mpc_status
prime_random_batch(mpz_t out, size_t bits, int batch, mpc_error *err)
{
	unsigned int residues[SIEVE_PRIMES];
	mpz_t		start,
				cand[IFMA8_LANES];
	int			passes[IFMA8_LANES],
				found = 0,
				i;
	mpc_status	st = MPC_OK;

	if (bits < 16 || bits > PAI_MAX_BITS)
		return mpc_fail(err, MPC_ERR_ARG, "prime size %zu is out of range", bits);
	if (batch < 1 || batch > IFMA8_LANES)
		return mpc_fail(err, MPC_ERR_ARG, "batch must be between 1 and %d", IFMA8_LANES);
	init_small_primes();
	mpz_init(start);
	for (i = 0; i < batch; i++)
		mpz_init(cand[i]);
	while (!found && st == MPC_OK)
	{
		unsigned long delta = 0;
		int			top = 0;

		st = prime_random_start(start, bits, err);
		if (st != MPC_OK)
			break;
		for (i = 1; i < SIEVE_PRIMES; i++)
			residues[i] = (unsigned int) mpz_fdiv_ui(start, small_primes[i]);

		/* walk odd candidates start + delta, 'batch' sieved ones at a time,
		 * and take the first that passes: the same prime for every batch */
		while (!found && !top && delta < SEARCH_SPAN && st == MPC_OK)
		{
			int			nc = 0;

			for (; nc < batch && delta < SEARCH_SPAN; delta += 2)
			{
				if (sieved_out(residues, delta))
					continue;
				mpz_add_ui(cand[nc], start, delta);
				if (mpz_sizeinbase(cand[nc], 2) != bits)
				{
					top = 1;	/* ran past the top: draw again */
					break;
				}
				nc++;
			}
			if (mpc_interrupted())
				st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
			else if (batch == 1)
			{
				/* the GMP path: GMP's own test (a base-2 Miller-Rabin first) */
				if (nc == 1 && mpz_probab_prime_p(cand[0], 30) != 0)
				{
					mpz_set(out, cand[0]);
					found = 1;
				}
			}
			else
			{
				st = prime_fermat2_many(passes, (const mpz_t *) cand, (size_t) nc, err);
				for (i = 0; i < nc && st == MPC_OK && !found; i++)
					if (passes[i])
					{
						mpz_set(out, cand[i]);
						found = 1;
					}
			}
		}
	}
	mpc_wipe(residues, sizeof(residues));
	mpc_wipe(start->_mp_d, (size_t) start->_mp_alloc * sizeof(mp_limb_t));
	mpz_clear(start);
	for (i = 0; i < batch; i++)
	{
		mpc_wipe(cand[i]->_mp_d, (size_t) cand[i]->_mp_alloc * sizeof(mp_limb_t));
		mpz_clear(cand[i]);
	}
	return st;
}

mpc_status
prime_random(mpz_t out, size_t bits, mpc_error *err)
{
	return prime_random_batch(out, bits, ifma_available() ? IFMA8_LANES : 1, err);
}
