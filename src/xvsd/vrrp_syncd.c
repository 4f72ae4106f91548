// SPDX-License-Identifier: GPL-2.0
/* lvs_sync_daemon following a VRRP instance (vrrp_syncd.h). */
#include <errno.h>
#include <string.h>

#include "log.h"
#include "sync.h"
#include "vrrp_syncd.h"

static const char *kind(__u32 state)
{
	return state == XVS_DAEMON_MASTER ? "master" : "backup";
}

void vrrp_syncd_follow(struct vrrp_syncd *d, const struct vrrp_syncd_conf *c,
		       struct sync *sync, enum vrrp_state s)
{
	__u32 want = s == VRRP_MASTER ? XVS_DAEMON_MASTER : XVS_DAEMON_BACKUP;
	__u32 other = s == VRRP_MASTER ? XVS_DAEMON_BACKUP : XVS_DAEMON_MASTER;
	struct xvs_ctl_daemon cfg = c->cfg;
	int err;

	if (!c->inst[0] || !sync)
		return;
	if (d->want == want && d->up)
		return;
	if (d->want != want) {
		d->want = want;
		d->up = false;
		d->err = 0;
		err = sync_stop(sync, other);
		if (err && err != -ESRCH)
			pr_warn("lvs_sync_daemon: stopping the %s daemon: %s", kind(other),
				strerror(-err));
		pr_info("lvs_sync_daemon: VRRP instance %s is %s: %s sync daemon on %s", c->inst,
			vrrp_state_name(s), kind(want), c->cfg.mcast_ifn);
	}
	cfg.state = want;
	err = sync_start(sync, &cfg);
	if (!err || err == -EEXIST) {
		/* -EEXIST: one of that kind runs already (ipvsadm --start-daemon). */
		d->up = true;
		return;
	}
	if (err != d->err)
		pr_warn("lvs_sync_daemon: starting the %s daemon on %s: %s (retrying every second)",
			kind(want), c->cfg.mcast_ifn,
			err == -ENODEV ? "No such device" : strerror(-err));
	d->err = err;
}

bool vrrp_syncd_reload(struct vrrp_syncd *d, struct vrrp_syncd_conf *cur,
		       const struct vrrp_syncd_conf *next, struct sync *sync)
{
	int err;

	if (!memcmp(cur, next, sizeof(*cur)))
		return false;
	if (d->want && d->up && sync) {
		err = sync_stop(sync, d->want);
		if (err && err != -ESRCH)
			pr_warn("lvs_sync_daemon: stopping the %s daemon: %s", kind(d->want),
				strerror(-err));
	}
	if (next->inst[0])
		pr_info("lvs_sync_daemon: now %s on %s, syncid %u", next->inst,
			next->cfg.mcast_ifn, next->cfg.syncid);
	else
		pr_info("lvs_sync_daemon: no longer configured: its daemon stopped");
	memset(d, 0, sizeof(*d));
	*cur = *next;
	return true;
}
