// SPDX-License-Identifier: GPL-2.0
/*
 * Rate estimator arithmetic, as IPVS does it: a 2 s sample period, so a
 * delta shifted left by 9 is (delta / 2 s) << 10 and a byte delta shifted
 * by 4 is (delta / 2 s) << 5; the average moves a quarter of the way to the
 * new sample each tick.
 */
#include <string.h>

#include "estimator.h"

void est_reset(struct est *e, const struct xvs_stats *now)
{
	memset(e, 0, sizeof(*e));
	e->last = *now;
}

/*
 * A counter that went backwards was zeroed behind our back (or its id was
 * reused): count the sample from zero rather than as a huge wrapped delta.
 */
static __u64 delta(__u64 now, __u64 last)
{
	return now >= last ? now - last : now;
}

static void ewma(__s64 *avg, __u64 d, int shift)
{
	__s64 rate = (__s64)(d << shift);

	*avg += (rate - *avg) >> 2;
}

void est_tick(struct est *e, const struct xvs_stats *now)
{
	ewma(&e->cps, delta(now->conns, e->last.conns), 9);
	ewma(&e->inpps, delta(now->inpkts, e->last.inpkts), 9);
	ewma(&e->outpps, delta(now->outpkts, e->last.outpkts), 9);
	ewma(&e->inbps, delta(now->inbytes, e->last.inbytes), 4);
	ewma(&e->outbps, delta(now->outbytes, e->last.outbytes), 4);
	e->last = *now;
}

void est_read(const struct est *e, struct xvs_ctl_rates *r)
{
	r->cps = (__u64)(e->cps + 0x1FF) >> 10;
	r->inpps = (__u64)(e->inpps + 0x1FF) >> 10;
	r->outpps = (__u64)(e->outpps + 0x1FF) >> 10;
	r->inbps = (__u64)(e->inbps + 0xF) >> 5;
	r->outbps = (__u64)(e->outbps + 0xF) >> 5;
}
