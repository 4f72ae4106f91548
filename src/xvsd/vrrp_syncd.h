/* SPDX-License-Identifier: GPL-2.0 */
/*
 * keepalived's lvs_sync_daemon, run by the VRRP follower (vrrp.c) as
 * keepalived's VRRP process runs it: the connection sync daemon (sync.h) is
 * master while the named instance is MASTER and backup in every other
 * state; a change stops the daemon of the other kind (whoever started it)
 * and starts the wanted one.
 */
#ifndef XVSD_VRRP_SYNCD_H
#define XVSD_VRRP_SYNCD_H

#include <linux/types.h>

#include "vrrp.h"

struct sync;

struct vrrp_syncd {
	__u32 want;	/* XVS_DAEMON_* wanted now; 0: nothing decided yet */
	bool up;	/* the wanted one runs */
	int err;	/* last start failure, logged once */
};

/*
 * Follow instance state @s with the daemon @c describes. Cheap when nothing
 * changed; a start that failed (an interface not there yet) is retried on
 * each call. @sync NULL: not possible yet (xvsd starting), done later.
 */
void vrrp_syncd_follow(struct vrrp_syncd *d, const struct vrrp_syncd_conf *c,
		       struct sync *sync, enum vrrp_state s);

#endif /* XVSD_VRRP_SYNCD_H */
