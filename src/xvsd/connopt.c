// SPDX-License-Identifier: GPL-2.0
/*
 * IPVS's connection sysctls as xvsd settings: one table of names, ranges
 * and the globals field each one fills.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connopt.h"

struct connopt_def {
	const char *key;
	__u32 max;		/* values 0..max */
	size_t off;		/* its field in struct xvs_globals */
};

static const struct connopt_def defs[CONNOPT_MAX] = {
	/* A bitmap: bit 0 NAT (and all), bit 1 DR/TUN in FIN_WAIT (ipvs.md 2.5). */
	[CONNOPT_CONN_REUSE_MODE] = { "conn_reuse_mode", 3,
				      offsetof(struct xvs_globals, conn_reuse_mode) },
	[CONNOPT_EXPIRE_NODEST_CONN] = { "expire_nodest_conn", 1,
					 offsetof(struct xvs_globals, expire_nodest_conn) },
	[CONNOPT_EXPIRE_QUIESCENT_TEMPLATE] = {
		"expire_quiescent_template", 1,
		offsetof(struct xvs_globals, expire_quiescent_template) },
	[CONNOPT_SLOPPY_TCP] = { "sloppy_tcp", 1, offsetof(struct xvs_globals, sloppy_tcp) },
	[CONNOPT_NAT_ICMP_SEND] = { "nat_icmp_send", 1,
				    offsetof(struct xvs_globals, nat_icmp_send) },
};

const char *connopt_key(int id)
{
	return id >= 0 && id < CONNOPT_MAX ? defs[id].key : NULL;
}

/* "conn-reuse-mode" and "conn_reuse_mode" name the same setting. */
static int same_key(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (*a != *b && !(*a == '-' && *b == '_'))
			return 0;
	return !*a && !*b;
}

int connopt_parse(struct connopt *o, const char *key, const char *v, char *err,
		  size_t errlen)
{
	unsigned long n;
	char *end;
	int i;

	for (i = 0; i < CONNOPT_MAX; i++)
		if (same_key(key, defs[i].key))
			break;
	if (i == CONNOPT_MAX)
		return -ENOENT;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (!isdigit((unsigned char)*v) || *end || errno || n > defs[i].max) {
		snprintf(err, errlen, "invalid %s '%s' (0..%u)", defs[i].key, v, defs[i].max);
		return -EINVAL;
	}
	o->val[i] = n;
	o->set |= 1u << i;
	return 0;
}

void connopt_merge(struct connopt *dst, const struct connopt *src)
{
	int i;

	for (i = 0; i < CONNOPT_MAX; i++) {
		if (!(src->set & (1u << i)))
			continue;
		dst->val[i] = src->val[i];
		dst->set |= 1u << i;
	}
}

int connopt_apply(const struct connopt *o, struct xvs_globals *g)
{
	int i, changed = 0;

	for (i = 0; i < CONNOPT_MAX; i++) {
		__u32 *f = (__u32 *)((char *)g + defs[i].off);

		if (!(o->set & (1u << i)) || *f == o->val[i])
			continue;
		*f = o->val[i];
		changed = 1;
	}
	return changed;
}
