/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPVS's rate estimator (net/netfilter/ipvs/ip_vs_est.c): every 2 s, the
 * deltas of the counters feed an EWMA with weight 1/4, kept in fixed point
 * (pps and cps scaled by 2^10, bps by 2^5) and rounded to the nearest unit
 * when read. One struct est per service, per real server and for the total.
 */
#ifndef XVSD_ESTIMATOR_H
#define XVSD_ESTIMATOR_H

#include <linux/types.h>
#include <xvs/abi.h>
#include "ctl_proto.h"

#define EST_TICK_MS	2000

struct est {
	struct xvs_stats last;	/* counters at the previous tick */
	__s64 cps;		/* conns/s << 10 */
	__s64 inpps;		/* packets/s << 10 */
	__s64 outpps;
	__s64 inbps;		/* bytes/s << 5 */
	__s64 outbps;
};

/* Start (or restart, as -Z does) from the counters now: rates 0. */
void est_reset(struct est *e, const struct xvs_stats *now);

/* One 2 s tick with the counters now. */
void est_tick(struct est *e, const struct xvs_stats *now);

/* The rates as ipvsadm --rate prints them. */
void est_read(const struct est *e, struct xvs_ctl_rates *r);

#endif /* XVSD_ESTIMATOR_H */
