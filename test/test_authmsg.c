/* test_authmsg.c: pairwise keys, tags, transcripts and the PRG (authmsg.h). */
#include "unit.h"
#include "authmsg.h"
#include "sha256.h"
#include "zerosum.h"

static const char run[] = "run-1";

typedef struct party
{
	uint8_t		priv[ZS_PRIV_LEN];
	uint8_t		pub[ZS_PUB_LEN];
	char		id[8];
} party;

static void
make_party(party *p, const char *id)
{
	mpc_error	err;

	CHECK_OK(zs_keygen(p->priv, &err));
	CHECK_OK(zs_public_key(p->priv, ZS_PRIV_LEN, p->pub, &err));
	snprintf(p->id, sizeof(p->id), "%s", id);
}

static zs_party
as_peer(const party *p)
{
	zs_party	z = {p->id, strlen(p->id), p->pub, ZS_PUB_LEN};

	return z;
}

static void
test_keys_and_tags(void)
{
	party		a,
				b,
				c;
	zs_party	pa,
				pb,
				pc;
	uint8_t		kab[AM_KEY_LEN],
				kba[AM_KEY_LEN],
				kac[AM_KEY_LEN],
				kprg[AM_KEY_LEN],
				kother[AM_KEY_LEN];
	uint8_t		d[AM_DIGEST_LEN],
				d2[AM_DIGEST_LEN],
				tag[AM_TAG_LEN],
				bad[AM_TAG_LEN];
	mpc_error	err;
	const char	msg[] = "a masked vector";

	make_party(&a, "1");
	make_party(&b, "2");
	make_party(&c, "3");
	pa = as_peer(&a);
	pb = as_peer(&b);
	pc = as_peer(&c);

	/* both ends of a pair derive the same key; other pairs, purposes and runs differ */
	CHECK_OK(am_pair_key(a.priv, ZS_PRIV_LEN, a.id, 1, &pb, run, 5, "mac", kab, &err));
	CHECK_OK(am_pair_key(b.priv, ZS_PRIV_LEN, b.id, 1, &pa, run, 5, "mac", kba, &err));
	CHECK(memcmp(kab, kba, AM_KEY_LEN) == 0);
	CHECK_OK(am_pair_key(a.priv, ZS_PRIV_LEN, a.id, 1, &pc, run, 5, "mac", kac, &err));
	CHECK(memcmp(kab, kac, AM_KEY_LEN) != 0);
	CHECK_OK(am_pair_key(a.priv, ZS_PRIV_LEN, a.id, 1, &pb, run, 5, "prg", kprg, &err));
	CHECK(memcmp(kab, kprg, AM_KEY_LEN) != 0);
	CHECK_OK(am_pair_key(a.priv, ZS_PRIV_LEN, a.id, 1, &pb, "run-2", 5, "mac", kother, &err));
	CHECK(memcmp(kab, kother, AM_KEY_LEN) != 0);
	/* the key is the documented derivation from zs_pair_seed */
	{
		uint8_t		seed[ZS_SEED_LEN],
					k[AM_KEY_LEN];

		CHECK_OK(zs_pair_seed(b.priv, ZS_PRIV_LEN, b.id, 1, &pa, AM_SEED_ROUND, seed, &err));
		CHECK_OK(am_derive_key(seed, run, 5, "mac", k, &err));
		CHECK(memcmp(k, kab, AM_KEY_LEN) == 0);
	}
	/* bad inputs */
	CHECK_STATUS(am_pair_key(a.priv, 3, a.id, 1, &pb, run, 5, "mac", kother, &err), MPC_ERR_KEY);
	CHECK_STATUS(am_pair_key(a.priv, ZS_PRIV_LEN, a.id, 1, &pb, run, 0, "mac", kother, &err), MPC_ERR_ARG);
	CHECK_STATUS(am_pair_key(a.priv, ZS_PRIV_LEN, a.id, 1, &pa, run, 5, "mac", kother, &err), MPC_ERR_ARG);
	{
		zs_party	broken = pb;
		uint8_t		zero[ZS_PUB_LEN] = {0};

		broken.pub = zero;
		CHECK_STATUS(am_pair_key(a.priv, ZS_PRIV_LEN, a.id, 1, &broken, run, 5, "mac", kother, &err),
					 MPC_ERR_KEY);
	}

	/* a tag verifies for exactly its run, round, direction, label and payload */
	am_digest(msg, sizeof(msg), d);
	CHECK_OK(am_tag(kab, run, 5, 7, 1, 2, "vec", d, tag, &err));
	CHECK_OK(am_verify(kba, run, 5, 7, 1, 2, "vec", d, tag, AM_TAG_LEN, &err));
	CHECK_STATUS(am_verify(kba, run, 5, 6, 1, 2, "vec", d, tag, AM_TAG_LEN, &err), MPC_ERR_CIPHERTEXT);
	CHECK(strstr(err.msg, "round 6") != NULL);
	CHECK_STATUS(am_verify(kba, run, 5, 7, 2, 1, "vec", d, tag, AM_TAG_LEN, &err), MPC_ERR_CIPHERTEXT);
	CHECK_STATUS(am_verify(kba, run, 5, 7, 1, 2, "confirm", d, tag, AM_TAG_LEN, &err), MPC_ERR_CIPHERTEXT);
	CHECK_STATUS(am_verify(kba, "run-2", 5, 7, 1, 2, "vec", d, tag, AM_TAG_LEN, &err), MPC_ERR_CIPHERTEXT);
	CHECK_STATUS(am_verify(kac, run, 5, 7, 1, 2, "vec", d, tag, AM_TAG_LEN, &err), MPC_ERR_CIPHERTEXT);
	CHECK_STATUS(am_verify(kba, run, 5, 7, 1, 2, "vec", d, tag, AM_TAG_LEN - 1, &err), MPC_ERR_CIPHERTEXT);
	CHECK_STATUS(am_verify(kba, run, 5, 7, 1, 2, "vec", d, NULL, 0, &err), MPC_ERR_CIPHERTEXT);
	am_digest(msg, sizeof(msg) - 1, d2);
	CHECK_STATUS(am_verify(kba, run, 5, 7, 1, 2, "vec", d2, tag, AM_TAG_LEN, &err), MPC_ERR_CIPHERTEXT);
	for (int bit = 0; bit < 8 * AM_TAG_LEN; bit += 37)
	{
		memcpy(bad, tag, AM_TAG_LEN);
		bad[bit / 8] ^= (uint8_t) (1 << (bit % 8));
		CHECK_STATUS(am_verify(kba, run, 5, 7, 1, 2, "vec", d, bad, AM_TAG_LEN, &err), MPC_ERR_CIPHERTEXT);
	}
	CHECK_STATUS(am_tag(kab, run, 5, 7, 1, 2, "", d, tag, &err), MPC_ERR_ARG);

	/* the tag is HMAC-SHA256 over the documented encoding */
	{
		uint8_t		buf[256],
					want[AM_TAG_LEN];
		size_t		n = 0;
		const char	lab[] = "vec";

		memcpy(buf, "mpc_eigentrust authmsg v1", 25);
		n = 25;
		buf[n++] = 0; buf[n++] = 0; buf[n++] = 0; buf[n++] = 5;
		memcpy(buf + n, run, 5);
		n += 5;
		memset(buf + n, 0, 8);
		buf[n + 7] = 7;
		n += 8;
		buf[n++] = 0; buf[n++] = 0; buf[n++] = 0; buf[n++] = 1;
		buf[n++] = 0; buf[n++] = 0; buf[n++] = 0; buf[n++] = 2;
		buf[n++] = 0; buf[n++] = 0; buf[n++] = 0; buf[n++] = 3;
		memcpy(buf + n, lab, 3);
		n += 3;
		memcpy(buf + n, d, AM_DIGEST_LEN);
		n += AM_DIGEST_LEN;
		hmac_sha256(kab, AM_KEY_LEN, buf, n, want);
		CHECK_OK(am_tag(kab, run, 5, 7, 1, 2, "vec", d, tag, &err));
		CHECK(memcmp(want, tag, AM_TAG_LEN) == 0);
	}
}

static void
test_ct_equal(void)
{
	uint8_t		x[40],
				y[40];

	unit_getrandom(x, sizeof(x));
	memcpy(y, x, sizeof(x));
	CHECK(am_ct_equal(x, y, sizeof(x)) == 1);
	CHECK(am_ct_equal(x, y, 0) == 1);
	for (size_t i = 0; i < sizeof(x); i++)
	{
		y[i] ^= 0x80;
		CHECK(am_ct_equal(x, y, sizeof(x)) == 0);
		y[i] ^= 0x81;
		CHECK(am_ct_equal(x, y, sizeof(x)) == 0);
		y[i] ^= 0x01;
	}
}

static void
test_transcript(void)
{
	am_transcript t1,
				t2;
	uint8_t		d[3][AM_DIGEST_LEN],
				o1[AM_DIGEST_LEN],
				o2[AM_DIGEST_LEN];
	mpc_error	err;

	for (int i = 0; i < 3; i++)
		am_digest(&i, sizeof(i), d[i]);
	CHECK_OK(am_transcript_init(&t1, run, 5, 4, "vec", &err));
	CHECK_OK(am_transcript_init(&t2, run, 5, 4, "vec", &err));
	for (int i = 0; i < 3; i++)
	{
		CHECK_OK(am_transcript_add(&t1, (uint32_t) i, d[i], &err));
		CHECK_OK(am_transcript_add(&t2, (uint32_t) i, d[i], &err));
	}
	am_transcript_final(&t1, o1);
	am_transcript_final(&t2, o2);
	CHECK(memcmp(o1, o2, AM_DIGEST_LEN) == 0);
	/* one message differs: another digest */
	CHECK_OK(am_transcript_init(&t2, run, 5, 4, "vec", &err));
	CHECK_OK(am_transcript_add(&t2, 0, d[0], &err));
	CHECK_OK(am_transcript_add(&t2, 1, d[2], &err));
	CHECK_OK(am_transcript_add(&t2, 2, d[2], &err));
	am_transcript_final(&t2, o2);
	CHECK(memcmp(o1, o2, AM_DIGEST_LEN) != 0);
	/* another round: another digest */
	CHECK_OK(am_transcript_init(&t2, run, 5, 5, "vec", &err));
	for (int i = 0; i < 3; i++)
		CHECK_OK(am_transcript_add(&t2, (uint32_t) i, d[i], &err));
	am_transcript_final(&t2, o2);
	CHECK(memcmp(o1, o2, AM_DIGEST_LEN) != 0);
	/* out of order */
	CHECK_OK(am_transcript_init(&t2, run, 5, 5, "vec", &err));
	CHECK_OK(am_transcript_add(&t2, 1, d[1], &err));
	CHECK_STATUS(am_transcript_add(&t2, 1, d[1], &err), MPC_ERR_ARG);
	CHECK_STATUS(am_transcript_add(&t2, 0, d[0], &err), MPC_ERR_ARG);
}

static void
test_prg(void)
{
	uint8_t		key[AM_KEY_LEN];
	uint64_t	all[13],
				part[5];
	int			same = 0;

	unit_getrandom(key, sizeof(key));
	am_prg_fill(key, 3, 9, 0, 13, all);
	/* any window of the stream is the same words */
	am_prg_fill(key, 3, 9, 6, 5, part);
	CHECK(memcmp(all + 6, part, sizeof(part)) == 0);
	am_prg_fill(key, 3, 9, 3, 1, part);
	CHECK(part[0] == all[3]);
	/* another round or tweak: other words */
	am_prg_fill(key, 4, 9, 0, 5, part);
	for (int i = 0; i < 5; i++)
		same += part[i] == all[i];
	am_prg_fill(key, 3, 10, 0, 5, part);
	for (int i = 0; i < 5; i++)
		same += part[i] == all[i];
	CHECK(same == 0);
	/* word 0 is the first 8 bytes of the documented block 0 */
	{
		uint8_t		buf[128],
					blk[SHA256_DIGEST_LEN];
		size_t		n = 0;
		uint64_t	w = 0;

		memcpy(buf, "mpc_eigentrust authmsg prg v1", 29);
		n = 29;
		memcpy(buf + n, key, AM_KEY_LEN);
		n += AM_KEY_LEN;
		memset(buf + n, 0, 24);
		buf[n + 7] = 3;
		buf[n + 15] = 9;
		n += 24;
		sha256(buf, n, blk);
		for (int i = 0; i < 8; i++)
			w = (w << 8) | blk[i];
		CHECK(w == all[0]);
	}
}

int
main(void)
{
	UNIT_INIT();
	test_keys_and_tags();
	test_ct_equal();
	test_transcript();
	test_prg();
	UNIT_DONE("test_authmsg");
}
