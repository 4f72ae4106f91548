/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Expiry of the lblc / lblcr locality caches (lblc_v4), as IPVS's
 * ip_vs_lblc_check_expire() / ip_vs_lblcr_check_expire() timers do it:
 * every 60 s; every 30th run a full pass drops the entries idle for
 * lblc(r)_expiration (24 h), the other runs only trim a service's cache
 * that grew past its max_size (16384), dropping entries idle 6 min. The
 * datapath makes and updates entries (bpf/lib/sched_lblc.h); IPVS frees a
 * service's cache with the service or on a scheduler change, so entries
 * of a service gone or no longer lblc/lblcr go on every run.
 */
#ifndef XVSD_SCHED_LBLC_H
#define XVSD_SCHED_LBLC_H

#include <stdbool.h>
#include "state.h"

#define SCHED_LBLC_PERIOD_NS	(60ull * 1000000000ull)	/* CHECK_EXPIRE_INTERVAL */
#define SCHED_LBLC_FULL_EVERY	30			/* COUNT_FOR_FULL_EXPIRATION */
#define SCHED_LBLC_EXPIRE_NS	(24ull * 3600 * 1000000000ull)	/* DEFAULT_EXPIRATION */
#define SCHED_LBLC_IDLE_NS	(6ull * 60 * 1000000000ull)	/* ENTRY_TIMEOUT */

/*
 * One timer run at @now_ns (CLOCK_MONOTONIC ns), @full or not. Returns the
 * number of entries removed, or -errno.
 */
int sched_lblc_expire(struct xvsd *st, __u64 now_ns, bool full);

/* Called on every sweep: runs sched_lblc_expire() when its 60 s are up. */
int sched_lblc_tick(struct xvsd *st, __u64 now_ns);

#endif /* XVSD_SCHED_LBLC_H */
