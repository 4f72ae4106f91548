/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPVS's connection sysctls (/proc/sys/net/ipv4/vs/...) as xvsd settings:
 * the same names in xvsd.conf (conn_reuse_mode = 0) and on the command line
 * (--conn-reuse-mode 0), the same defaults, written into the datapath's
 * globals at start. docs/conn-settings.md.
 */
#ifndef XVSD_CONNOPT_H
#define XVSD_CONNOPT_H

#include <stddef.h>
#include <linux/types.h>
#include <xvs/abi.h>

enum connopt_id {
	CONNOPT_CONN_REUSE_MODE,
	CONNOPT_EXPIRE_NODEST_CONN,
	CONNOPT_EXPIRE_QUIESCENT_TEMPLATE,
	CONNOPT_SLOPPY_TCP,
	CONNOPT_NAT_ICMP_SEND,
	CONNOPT_MAX,
};

struct connopt {
	unsigned int set;		/* bit i: setting i was given */
	__u32 val[CONNOPT_MAX];
};

/* The xvsd.conf key of setting @id ("conn_reuse_mode"), NULL past the end. */
const char *connopt_key(int id);

/*
 * Set @key (a conf key, or the option name with '-' for '_') to @v.
 * Returns 0, -ENOENT when @key is none of these settings, or -EINVAL with
 * the reason in @err.
 */
int connopt_parse(struct connopt *o, const char *key, const char *v, char *err,
		  size_t errlen);

/* dst = dst with every setting src has given taken from src. */
void connopt_merge(struct connopt *dst, const struct connopt *src);

/* Copy the given settings into @g; returns 1 if @g changed. */
int connopt_apply(const struct connopt *o, struct xvs_globals *g);

#endif /* XVSD_CONNOPT_H */
