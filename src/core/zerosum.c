/*
 * zerosum.c: Diffie-Hellman pairwise seeds and zero-sum masks.
 *
 * The group is RFC 3526 group 15: p = 2^3072 - 2^3008 - 1 + 2^64 * ([2^2942 pi] + 1690314),
 * a safe prime with p = 7 mod 8, so 2 is a quadratic residue and generates
 * the subgroup of order q = (p - 1)/2.  The unit tests recompute the
 * primality of p and q and check 2^q = 1 mod p.
 */
#include "zerosum.h"

#include <stdlib.h>
#include <string.h>

#include "serial.h"
#include "sha256.h"
#include "sharing.h"

static const char group15_hex[] =
	"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";

static const char seed_tag[] = "mpc_eigentrust zerosum seed v1";
static const char prg_tag[] = "mpc_eigentrust zerosum prg v1";

#define ZS_MASK_BYTES (ZS_MODULUS_BITS / 8)

void
zs_group_prime(mpz_t p)
{
	mpz_set_str(p, group15_hex, 16);
}

/* Zero an mpz's limbs, then free it: outside the server no wiping
 * allocator runs, so secrets are cleared here. */
static void
clear_secret(mpz_t x)
{
	mpc_wipe(x->_mp_d, sizeof(mp_limb_t) * (size_t) x->_mp_alloc);
	mpz_clear(x);
}

mpc_status
zs_check_private(const uint8_t *priv, size_t len, mpc_error *err)
{
	size_t		i;
	int			big = 0;

	if (len != ZS_PRIV_LEN)
		return mpc_fail(err, MPC_ERR_KEY, "private key must be %d bytes, not %zu",
						ZS_PRIV_LEN, len);
	for (i = 0; i + 1 < len; i++)
		big |= priv[i];
	if (!big && priv[len - 1] < 2)
		return mpc_fail(err, MPC_ERR_KEY, "private key is not valid");
	return MPC_OK;
}

mpc_status
zs_keygen(uint8_t priv[ZS_PRIV_LEN], mpc_error *err)
{
	mpc_status	st;

	do
	{
		st = mpc_random_bytes(priv, ZS_PRIV_LEN, err);
		if (st != MPC_OK)
		{
			mpc_wipe(priv, ZS_PRIV_LEN);
			return st;
		}
	} while (zs_check_private(priv, ZS_PRIV_LEN, NULL) != MPC_OK);
	return MPC_OK;
}

static void
public_from_exponent(const mpz_t x, mpz_t y)
{
	mpz_t		p,
				g;

	mpz_inits(p, g, NULL);
	zs_group_prime(p);
	mpz_set_ui(g, 2);
	mpz_powm_sec(y, g, x, p);
	mpz_clears(p, g, NULL);
}

mpc_status
zs_public_key(const uint8_t *priv, size_t len, uint8_t pub[ZS_PUB_LEN],
			  mpc_error *err)
{
	mpz_t		x,
				y;
	mpc_status	st;

	st = zs_check_private(priv, len, err);
	if (st != MPC_OK)
		return st;
	mpz_inits(x, y, NULL);
	ser_from_bytes(x, priv, len);
	public_from_exponent(x, y);
	st = ser_to_bytes_fixed(y, pub, ZS_PUB_LEN, err);
	clear_secret(x);
	mpz_clear(y);
	return st;
}

mpc_status
zs_check_public(const uint8_t *pub, size_t len, mpc_error *err)
{
	mpz_t		y,
				p;
	mpc_status	st = MPC_OK;

	if (len != ZS_PUB_LEN)
		return mpc_fail(err, MPC_ERR_KEY, "public key must be %d bytes, not %zu",
						ZS_PUB_LEN, len);
	mpz_inits(y, p, NULL);
	zs_group_prime(p);
	ser_from_bytes(y, pub, len);
	mpz_sub_ui(p, p, 1);
	if (mpz_cmp_ui(y, 1) <= 0 || mpz_cmp(y, p) >= 0)
		st = mpc_fail(err, MPC_ERR_KEY, "public key is out of range");
	else
	{
		/* p is a safe prime: y has order q iff it is a quadratic residue */
		mpz_add_ui(p, p, 1);
		if (mpz_jacobi(y, p) != 1)
			st = mpc_fail(err, MPC_ERR_KEY, "public key is not in the prime-order subgroup");
	}
	mpz_clears(y, p, NULL);
	return st;
}

static int
id_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int			c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return (alen > blen) - (alen < blen);
}

static int
party_cmp(const void *a, const void *b)
{
	const zs_party *x = *(const zs_party *const *) a;
	const zs_party *y = *(const zs_party *const *) b;

	return id_cmp(x->id, x->id_len, y->id, y->id_len);
}

static void
put_be32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t) (v >> 24);
	b[1] = (uint8_t) (v >> 16);
	b[2] = (uint8_t) (v >> 8);
	b[3] = (uint8_t) v;
}

static void
put_be64(uint8_t *b, uint64_t v)
{
	put_be32(b, (uint32_t) (v >> 32));
	put_be32(b + 4, (uint32_t) v);
}

static void
hash_id(sha256_ctx *c, const char *id, size_t len)
{
	uint8_t		l[4];

	put_be32(l, (uint32_t) len);
	sha256_update(c, l, 4);
	sha256_update(c, id, len);
}

/* Check ids and public keys of self and peers before any exponentiation. */
static mpc_status
check_parties(const char *self_id, size_t self_len, const zs_party *peers,
			  int npeers, mpc_error *err)
{
	const zs_party **order;
	zs_party	self;
	int			i;
	mpc_status	st;

	if (npeers < 1)
		return mpc_fail(err, MPC_ERR_ARG, "at least one peer is needed");
	if (npeers > ZS_MAX_PARTIES)
		return mpc_fail(err, MPC_ERR_ARG, "too many peers: at most %d", ZS_MAX_PARTIES);
	if (self_len == 0 || self_len > ZS_MAX_ID_LEN)
		return mpc_fail(err, MPC_ERR_ARG, "party id must be 1 to %d bytes", ZS_MAX_ID_LEN);
	for (i = 0; i < npeers; i++)
	{
		if (peers[i].id_len == 0 || peers[i].id_len > ZS_MAX_ID_LEN)
			return mpc_fail(err, MPC_ERR_ARG, "peer %d: party id must be 1 to %d bytes",
							i + 1, ZS_MAX_ID_LEN);
		st = zs_check_public(peers[i].pub, peers[i].pub_len, err);
		if (st != MPC_OK)
		{
			char		why[MPC_ERRMSG_LEN];

			memcpy(why, err ? err->msg : "", err ? sizeof(why) : 1);
			return mpc_fail(err, st, "peer %d: %s", i + 1, why);
		}
	}

	order = malloc(sizeof(*order) * (size_t) (npeers + 1));
	if (order == NULL)
		return mpc_fail(err, MPC_ERR_NOMEM, "out of memory");
	self.id = self_id;
	self.id_len = self_len;
	self.pub = NULL;
	self.pub_len = 0;
	for (i = 0; i < npeers; i++)
		order[i] = &peers[i];
	order[npeers] = &self;
	qsort(order, (size_t) npeers + 1, sizeof(*order), party_cmp);
	st = MPC_OK;
	for (i = 1; i <= npeers; i++)
		if (party_cmp(&order[i - 1], &order[i]) == 0)
		{
			st = (order[i] == &self || order[i - 1] == &self)
				? mpc_fail(err, MPC_ERR_ARG, "the party's own id appears among its peers")
				: mpc_fail(err, MPC_ERR_ARG, "duplicate peer id");
			break;
		}
	free(order);
	return st;
}

/* The pairwise seed s_ij of self (exponent x) with one checked peer. */
static mpc_status
seed_from_exponent(const mpz_t x, const mpz_t p, const char *self_id, size_t self_len,
				   const zs_party *peer, int64_t round, uint8_t seed[SHA256_DIGEST_LEN],
				   int *lower, mpc_error *err)
{
	mpz_t		y,
				z;
	uint8_t		zb[ZS_PUB_LEN];
	uint8_t		be[8];
	sha256_ctx	c;
	mpc_status	st = MPC_OK;

	mpz_inits(y, z, NULL);
	ser_from_bytes(y, peer->pub, peer->pub_len);
	mpz_powm_sec(z, y, x, p);
	/* y has order q and 0 < x < q, so z != 1; check anyway */
	if (mpz_cmp_ui(z, 1) <= 0)
		st = mpc_fail(err, MPC_ERR_KEY, "degenerate shared secret");
	if (st == MPC_OK)
		st = ser_to_bytes_fixed(z, zb, sizeof(zb), err);
	if (st == MPC_OK)
	{
		*lower = id_cmp(self_id, self_len, peer->id, peer->id_len) < 0;
		sha256_init(&c);
		sha256_update(&c, seed_tag, sizeof(seed_tag) - 1);
		if (*lower)
		{
			hash_id(&c, self_id, self_len);
			hash_id(&c, peer->id, peer->id_len);
		}
		else
		{
			hash_id(&c, peer->id, peer->id_len);
			hash_id(&c, self_id, self_len);
		}
		sha256_update(&c, zb, sizeof(zb));
		put_be64(be, (uint64_t) round);
		sha256_update(&c, be, 8);
		sha256_final(&c, seed);
		mpc_wipe(&c, sizeof(c));
	}
	mpc_wipe(zb, sizeof(zb));
	mpz_clear(y);
	clear_secret(z);
	return st;
}

mpc_status
zs_pair_seed(const uint8_t *priv, size_t priv_len, const char *self_id,
			 size_t self_id_len, const zs_party *peer, int64_t round,
			 uint8_t seed[ZS_SEED_LEN], mpc_error *err)
{
	mpz_t		x,
				p;
	int			lower;
	mpc_status	st;

	st = zs_check_private(priv, priv_len, err);
	if (st == MPC_OK)
		st = check_parties(self_id, self_id_len, peer, 1, err);
	if (st != MPC_OK)
		return st;
	mpz_inits(x, p, NULL);
	zs_group_prime(p);
	ser_from_bytes(x, priv, priv_len);
	st = seed_from_exponent(x, p, self_id, self_id_len, peer, round, seed, &lower, err);
	clear_secret(x);
	mpz_clear(p);
	return st;
}

/* The signed mask of 'self' (exponent x) against the checked peers. */
static mpc_status
mask_from_exponent(const mpz_t x, const char *self_id, size_t self_len,
				   int64_t round, const zs_party *peers, int npeers,
				   mpz_t mask, mpc_error *err)
{
	mpz_t		p,
				term,
				acc;
	uint8_t		seed[SHA256_DIGEST_LEN];
	uint8_t		block[SHA256_DIGEST_LEN];
	int			i;
	mpc_status	st = MPC_OK;

	mpz_inits(p, term, acc, NULL);
	zs_group_prime(p);
	mpz_set_ui(acc, 0);
	for (i = 0; i < npeers && st == MPC_OK; i++)
	{
		int			lower;

		if (mpc_interrupted())
		{
			st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
			break;
		}
		st = seed_from_exponent(x, p, self_id, self_len, &peers[i], round, seed, &lower, err);
		if (st != MPC_OK)
		{
			char		why[MPC_ERRMSG_LEN];

			memcpy(why, err ? err->msg : "", err ? sizeof(why) : 1);
			st = mpc_fail(err, st, "peer %d: %s", i + 1, why);
			break;
		}

		/* PRG block 0: all a 128-bit mask element needs */
		sha256_ctr_expand(prg_tag, sizeof(prg_tag) - 1, seed, sizeof(seed), NULL, 0,
						  block, ZS_MASK_BYTES);
		ser_from_bytes(term, block, ZS_MASK_BYTES);

		/* + for peers above self, - for peers below */
		if (lower)
			mpz_add(acc, acc, term);
		else
			mpz_sub(acc, acc, term);
	}
	if (st == MPC_OK)
		mpz_fdiv_r_2exp(mask, acc, ZS_MODULUS_BITS);

	mpc_wipe(seed, sizeof(seed));
	mpc_wipe(block, sizeof(block));
	mpz_clear(p);
	clear_secret(term);
	clear_secret(acc);
	return st;
}

mpc_status
zs_mask(const uint8_t *priv, size_t priv_len, const char *self_id,
		size_t self_id_len, int64_t round, const zs_party *peers, int npeers,
		mpz_t mask, mpc_error *err)
{
	mpz_t		x;
	mpc_status	st;

	st = zs_check_private(priv, priv_len, err);
	if (st != MPC_OK)
		return st;
	st = check_parties(self_id, self_id_len, peers, npeers, err);
	if (st != MPC_OK)
		return st;
	mpz_init(x);
	ser_from_bytes(x, priv, priv_len);
	st = mask_from_exponent(x, self_id, self_id_len, round, peers, npeers, mask, err);
	clear_secret(x);
	return st;
}

mpc_status
zs_mask_value(const mpz_t value, const mpz_t mask, mpz_t out, mpc_error *err)
{
	if (mpz_sgn(value) != 0 && mpz_sizeinbase(value, 2) > ZS_MODULUS_BITS - 1)
		return mpc_fail(err, MPC_ERR_OVERFLOW,
						"value is out of range: |value * 10^scale| must be below 2^127");
	if (mpz_sgn(mask) < 0 || mpz_sizeinbase(mask, 2) > ZS_MODULUS_BITS)
		return mpc_fail(err, MPC_ERR_ARG, "mask must be between 0 and 2^128 - 1");
	mpz_add(out, value, mask);
	mpz_fdiv_r_2exp(out, out, ZS_MODULUS_BITS);
	return MPC_OK;
}

mpc_status
zs_random_mask(mpz_t out, mpc_error *err)
{
	uint8_t		b[ZS_MASK_BYTES];
	mpc_status	st;

	st = mpc_random_bytes(b, sizeof(b), err);
	if (st == MPC_OK)
		ser_from_bytes(out, b, sizeof(b));
	mpc_wipe(b, sizeof(b));
	return st;
}

void
zs_unmask(const mpz_t total, mpz_t out)
{
	mpz_fdiv_r_2exp(out, total, ZS_MODULUS_BITS);
	if (mpz_tstbit(out, ZS_MODULUS_BITS - 1))
	{
		mpz_t		m;

		mpz_init(m);
		mpz_setbit(m, ZS_MODULUS_BITS);
		mpz_sub(out, out, m);
		mpz_clear(m);
	}
}

mpc_status
zs_key_split(const uint8_t *priv, size_t priv_len, int n, int t, mpz_t *ys,
			 mpc_error *err)
{
	mpz_t		x;
	mpc_status	st;

	st = zs_check_private(priv, priv_len, err);
	if (st != MPC_OK)
		return st;
	mpz_init(x);
	ser_from_bytes(x, priv, priv_len);
	st = shamir_split(x, n, t, ys, err);
	clear_secret(x);
	return st;
}

mpc_status
zs_recover_mask(int k, const int32_t *xs, const int32_t *ts, mpz_t *ys,
				const char *dropped_id, size_t dropped_id_len,
				const uint8_t *dropped_pub, size_t dropped_pub_len,
				int64_t round, const zs_party *peers, int npeers,
				mpz_t mask, mpc_error *err)
{
	mpz_t		x,
				y,
				want;
	mpc_status	st;

	st = zs_check_public(dropped_pub, dropped_pub_len, err);
	if (st != MPC_OK)
		return st;
	st = check_parties(dropped_id, dropped_id_len, peers, npeers, err);
	if (st != MPC_OK)
		return st;
	mpz_inits(x, y, want, NULL);
	st = shamir_combine(k, xs, ts, ys, x, err);
	if (st == MPC_OK)
	{
		/* a wrong or forged share gives another exponent: catch it here */
		ser_from_bytes(want, dropped_pub, dropped_pub_len);
		if (mpz_cmp_ui(x, 2) < 0 || mpz_sizeinbase(x, 2) > 8 * ZS_PRIV_LEN)
			st = mpc_fail(err, MPC_ERR_KEY,
						  "the key shares do not reconstruct the private key of the dropped party");
		else
		{
			public_from_exponent(x, y);
			if (mpz_cmp(y, want) != 0)
				st = mpc_fail(err, MPC_ERR_KEY,
							  "the key shares do not reconstruct the private key of the dropped party");
		}
	}
	if (st == MPC_OK)
		st = mask_from_exponent(x, dropped_id, dropped_id_len, round, peers, npeers, mask, err);
	clear_secret(x);
	mpz_clears(y, want, NULL);
	return st;
}
