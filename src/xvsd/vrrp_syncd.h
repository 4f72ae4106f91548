/* SPDX-License-Identifier: GPL-2.0 */
/*
 * keepalived's lvs_sync_daemon, run by the VRRP follower (vrrp.c) as
 * keepalived's VRRP process runs it: the connection sync daemon (sync.h) is
 * master while the named instance is MASTER and backup in every other
 * state; a change stops the daemon of the other kind (whoever started it)
 * and starts the wanted one. A reload that changes the line stops the
 * daemon and starts the new one.
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

/*
 * keepalived.conf reloaded (SIGHUP) with lvs_sync_daemon now @next (inst
 * "": none). The same line as *@cur: nothing, returns false. Another one:
 * the daemon @cur had running stops, *@cur becomes @next, returns true;
 * the next vrrp_syncd_follow() starts the new daemon, as keepalived's
 * reload stops and starts it.
 */
bool vrrp_syncd_reload(struct vrrp_syncd *d, struct vrrp_syncd_conf *cur,
		       const struct vrrp_syncd_conf *next, struct sync *sync);

#endif /* XVSD_VRRP_SYNCD_H */
