/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection sync daemons, as IPVS's (ipvsadm --start-daemon, docs/ha.md).
 * A master reads the datapath's sync_ring (connections created or changed
 * state) and sends them, plus every connection again each
 * SYNC_REFRESH_S seconds, as UDP multicast on its interface. A backup
 * receives them, finds service and server by address and puts the
 * connections into its own table through the xvs_sync_in program. One
 * master and one backup may run at once, as in IPVS.
 */
#ifndef XVSD_SYNC_H
#define XVSD_SYNC_H

#include <stddef.h>
#include "ctl_proto.h"
#include "loop.h"

#define SYNC_REFRESH_S		5
#define SYNC_DEF_GROUP		"224.0.0.81"	/* IPVS's defaults */
#define SYNC_DEF_PORT		8848
#define SYNC_DEF_TTL		1
#define SYNC_DEF_MAXLEN		1472		/* an Ethernet MTU's UDP payload */

struct xvsd;
struct sync;

/* Counters since xvsd started (docs/ops.md: xvs_sync_* metrics). */
struct sync_stats {
	__u64 msgs_sent, conns_sent;	/* master: datagrams sent, records in them */
	__u64 send_errors;		/* master: datagrams the socket refused */
	__u64 msgs_received, conns_received;	/* backup: datagrams taken, records in them */
	__u64 msgs_malformed;		/* backup: datagrams dropped whole */
	__u64 msgs_other_syncid;	/* backup: another master's (syncid), ignored */
	__u64 conns_unknown;		/* backup: records naming no service or server here */
};

/*
 * The daemons' holder on loop @l for @st (none running; a stale
 * globals.sync_master of an earlier xvsd is cleared). NULL on ENOMEM.
 */
struct sync *sync_new(struct loop *l, struct xvsd *st);

/* Stop both daemons and free. */
void sync_free(struct sync *s);

/*
 * Start a daemon. -EEXIST: one of that kind runs; -ENODEV: no such
 * interface; -EINVAL: bad settings; else -errno of the socket calls.
 */
int sync_start(struct sync *s, const struct xvs_ctl_daemon *cfg);

/* Stop the daemon of @state. -ESRCH: none runs. */
int sync_stop(struct sync *s, __u32 state);

/* The running daemons (at most 2, master first) into @out. Returns the count. */
size_t sync_list(const struct sync *s, struct xvs_ctl_daemon *out);

void sync_get_stats(const struct sync *s, struct sync_stats *out);

#endif /* XVSD_SYNC_H */
