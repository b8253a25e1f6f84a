/*
 * grelease.c: the member's contribution rule of groups-mode private
 * EigenTrust and the decryptor's release tags (grelease.h).
 */
#include <string.h>

#include "grelease.h"
#include "sha256.h"

static int
same_set(const int32_t *a, uint32_t na, const int32_t *b, uint32_t nb)
{
	return na == nb && (na == 0 || memcmp(a, b, sizeof(int32_t) * na) == 0);
}

int
gr_conflict(const gr_contrib *c, size_t n, uint32_t dec, const int32_t *members, uint32_t nm)
{
	int			all_dec = 1,
				all_set = 1,
				first = -1,
				both = -1;

	/* every unreleased contribution against the new one: one decryptor for
	 * all of them, or one set for all of them, is transitive */
	for (size_t k = 0; k < n; k++)
	{
		int			sd,
					ss;

		if (c[k].released)
			continue;
		sd = c[k].dec == dec;
		ss = same_set(c[k].members, c[k].nm, members, nm);
		all_dec &= sd;
		all_set &= ss;
		if (first < 0)
			first = (int) k;
		if (both < 0 && !sd && !ss)
			both = (int) k;
	}
	if (all_dec || all_set)
		return -1;
	return both >= 0 ? both : first;
}

void
gr_release_digest(const uint8_t kd[AM_DIGEST_LEN], uint8_t out[AM_DIGEST_LEN])
{
	static const char label[] = "mpc_eigentrust groups release v1";
	sha256_ctx	h;

	sha256_init(&h);
	sha256_update(&h, label, sizeof(label) - 1);
	sha256_update(&h, kd, AM_DIGEST_LEN);
	sha256_final(&h, out);
}

mpc_status
gr_release_tag(const uint8_t key[AM_KEY_LEN], const char *run, size_t run_len, int64_t round,
			   uint32_t dec, uint32_t member, const uint8_t kd[AM_DIGEST_LEN],
			   uint8_t tag[AM_TAG_LEN], mpc_error *err)
{
	uint8_t		d[AM_DIGEST_LEN];

	gr_release_digest(kd, d);
	return am_tag(key, run, run_len, round, dec, member, GR_LABEL_RELEASE, d, tag, err);
}

mpc_status
gr_release_verify(const uint8_t key[AM_KEY_LEN], const char *run, size_t run_len, int64_t round,
				  uint32_t dec, uint32_t member, const uint8_t kd[AM_DIGEST_LEN],
				  const uint8_t *tag, size_t tag_len, mpc_error *err)
{
	uint8_t		d[AM_DIGEST_LEN];

	gr_release_digest(kd, d);
	return am_verify(key, run, run_len, round, dec, member, GR_LABEL_RELEASE, d, tag, tag_len, err);
}

int
gr_release_apply(gr_contrib *c, size_t n, uint32_t dec, const uint8_t kd[AM_DIGEST_LEN])
{
	int			marked = 0,
				found = 0;

	for (size_t k = 0; k < n; k++)
	{
		if (c[k].dec != dec || !am_ct_equal(c[k].kd, kd, AM_DIGEST_LEN))
			continue;
		found = 1;
		if (!c[k].released)
		{
			c[k].released = 1;
			marked++;
		}
	}
	return found ? marked : -1;
}
