/* test_grelease.c: the member's contribution rule and the decryptor's
 * release tags of groups mode (grelease.h). */
#include "unit.h"
#include "grelease.h"

static const char run[] = "groups run-1";

static gr_contrib
contrib(uint32_t dec, const int32_t *m, uint32_t nm, uint8_t kfill)
{
	gr_contrib	c;

	memset(&c, 0, sizeof(c));
	c.dec = dec;
	c.nm = nm;
	c.members = m;
	memset(c.kd, kfill, AM_DIGEST_LEN);
	return c;
}

static void
test_rule(void)
{
	static const int32_t s12[] = {1, 2},
				s13[] = {1, 3},
				s123[] = {1, 2, 3};
	gr_contrib	c[4];
	uint8_t		kd[AM_DIGEST_LEN];

	/* nothing recorded: anything goes */
	CHECK(gr_conflict(c, 0, 7, s12, 2) == -1);
	/* one contribution (dec 7, {1,2}): same decryptor or same set only */
	c[0] = contrib(7, s12, 2, 0xa1);
	CHECK(gr_conflict(c, 1, 7, s13, 2) == -1);
	CHECK(gr_conflict(c, 1, 8, s12, 2) == -1);
	CHECK(gr_conflict(c, 1, 8, s13, 2) == 0);
	CHECK(gr_conflict(c, 1, 8, s123, 3) == 0);
	/* (7, {1,2}) and (8, {1,2}): only {1,2} now, whatever the decryptor */
	c[1] = contrib(8, s12, 2, 0xa2);
	CHECK(gr_conflict(c, 2, 9, s12, 2) == -1);
	CHECK(gr_conflict(c, 2, 7, s13, 2) == 1);
	CHECK(gr_conflict(c, 2, 8, s13, 2) == 0);
	/* (7, {1,2}) and (7, {1,3}): only decryptor 7 now */
	c[1] = contrib(7, s13, 2, 0xa3);
	CHECK(gr_conflict(c, 2, 7, s123, 3) == -1);
	CHECK(gr_conflict(c, 2, 8, s12, 2) == 1);
	CHECK(gr_conflict(c, 2, 8, s123, 3) == 0);

	/* a release: only the contribution under that key and decryptor */
	memset(kd, 0xa3, sizeof(kd));
	CHECK(gr_release_apply(c, 2, 8, kd) == -1);	/* another decryptor */
	memset(kd, 0xff, sizeof(kd));
	CHECK(gr_release_apply(c, 2, 7, kd) == -1);	/* a key never used */
	CHECK(gr_conflict(c, 2, 8, s12, 2) == 1);	/* still refused */
	memset(kd, 0xa3, sizeof(kd));
	CHECK(gr_release_apply(c, 2, 7, kd) == 1);
	CHECK(c[1].released && !c[0].released);
	CHECK(gr_release_apply(c, 2, 7, kd) == 0);	/* again: nothing new */
	/* (7, {1,2}) is what counts now: set {1,2} for another decryptor passes */
	CHECK(gr_conflict(c, 2, 8, s12, 2) == -1);
	CHECK(gr_conflict(c, 2, 8, s13, 2) == 0);
	/* both released: anything goes */
	memset(kd, 0xa1, sizeof(kd));
	CHECK(gr_release_apply(c, 2, 7, kd) == 1);
	CHECK(gr_conflict(c, 2, 9, s123, 3) == -1);
}

static void
test_tags(void)
{
	uint8_t		key[AM_KEY_LEN],
				other[AM_KEY_LEN],
				kd[AM_DIGEST_LEN],
				kd2[AM_DIGEST_LEN],
				d[AM_DIGEST_LEN],
				d2[AM_DIGEST_LEN],
				tag[AM_TAG_LEN],
				bad[AM_TAG_LEN];
	mpc_error	err;

	CHECK(unit_getrandom(key, sizeof(key)) == 0);
	CHECK(unit_getrandom(other, sizeof(other)) == 0);
	CHECK(unit_getrandom(kd, sizeof(kd)) == 0);
	memcpy(kd2, kd, sizeof(kd));
	kd2[5] ^= 1;
	gr_release_digest(kd, d);
	gr_release_digest(kd2, d2);
	CHECK(memcmp(d, d2, AM_DIGEST_LEN) != 0);
	CHECK(memcmp(d, kd, AM_DIGEST_LEN) != 0);
	CHECK_OK(gr_release_tag(key, run, strlen(run), 2, 3, 1, kd, tag, &err));
	CHECK_OK(gr_release_verify(key, run, strlen(run), 2, 3, 1, kd, tag, AM_TAG_LEN, &err));
	/* another round, decryptor, member, key digest, run, pair key, or a
	 * flipped bit: refused */
	CHECK_STATUS(gr_release_verify(key, run, strlen(run), 3, 3, 1, kd, tag, AM_TAG_LEN, &err), MPC_ERR_CIPHERTEXT);
	CHECK_STATUS(gr_release_verify(key, run, strlen(run), 2, 4, 1, kd, tag, AM_TAG_LEN, &err), MPC_ERR_CIPHERTEXT);
	CHECK_STATUS(gr_release_verify(key, run, strlen(run), 2, 3, 2, kd, tag, AM_TAG_LEN, &err), MPC_ERR_CIPHERTEXT);
	CHECK_STATUS(gr_release_verify(key, run, strlen(run), 2, 3, 1, kd2, tag, AM_TAG_LEN, &err), MPC_ERR_CIPHERTEXT);
	CHECK_STATUS(gr_release_verify(key, "groups run-2", 12, 2, 3, 1, kd, tag, AM_TAG_LEN, &err), MPC_ERR_CIPHERTEXT);
	CHECK_STATUS(gr_release_verify(other, run, strlen(run), 2, 3, 1, kd, tag, AM_TAG_LEN, &err), MPC_ERR_CIPHERTEXT);
	memcpy(bad, tag, sizeof(bad));
	bad[AM_TAG_LEN - 1] ^= 0x80;
	CHECK_STATUS(gr_release_verify(key, run, strlen(run), 2, 3, 1, kd, bad, AM_TAG_LEN, &err), MPC_ERR_CIPHERTEXT);
	CHECK_STATUS(gr_release_verify(key, run, strlen(run), 2, 3, 1, kd, tag, AM_TAG_LEN - 1, &err), MPC_ERR_CIPHERTEXT);
	/* a release is not a key tag: the same digest under another label */
	CHECK_STATUS(am_verify(key, run, strlen(run), 2, 3, 1, "groups key", d, tag, AM_TAG_LEN, &err), MPC_ERR_CIPHERTEXT);
}

int
main(void)
{
	UNIT_INIT();
	test_rule();
	test_tags();
	UNIT_DONE("test_grelease");
}
