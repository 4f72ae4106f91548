/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Following keepalived's VRRP (docs/ha.md): xvsd reads the lines keepalived
 * writes to its vrrp_notify_fifo (`INSTANCE "VI_1" MASTER 100`) and serves a
 * VIP only while a VRRP instance holding it is MASTER here; the services of
 * other VIPs carry XVS_SVC_F_STANDBY, so the datapath opens no new
 * connection for them. Without a FIFO configured xvsd serves every service,
 * as IPVS does (then no struct vrrp exists and vrrp_standby() says no).
 */
#ifndef XVSD_VRRP_H
#define XVSD_VRRP_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "loop.h"
#include "vrrp_conf.h"

struct xvsd;

enum vrrp_state {
	VRRP_UNKNOWN = 0,	/* no line seen yet (and nothing adopted) */
	VRRP_INIT,		/* keepalived's INIT: not announced yet */
	VRRP_BACKUP,
	VRRP_MASTER,
	VRRP_FAULT,
	VRRP_STOP,		/* keepalived stopped, or closed the FIFO */
};

struct vrrp;

const char *vrrp_state_name(enum vrrp_state s);

/*
 * Parse one FIFO line. Returns 1 for an INSTANCE line with a known state
 * (*state and name set), 0 for a line that is not about an instance's
 * state (GROUP, VS, RS, MASTER_RX_LOWER_PRI ...), -EINVAL for garbage.
 */
int vrrp_parse_line(const char *line, char *name, size_t namelen, enum vrrp_state *state);

/* A follower of conf (copied); NULL with errno set. Nothing is opened yet. */
struct vrrp *vrrp_new(const struct vrrp_conf *conf);
/* Free a follower whose loop was freed already (or that never served). */
void vrrp_free(struct vrrp *v);

/*
 * Start following: take each instance's state from the pinned services
 * (after an xvsd restart keepalived does not repeat what it said before:
 * an instance one of whose VIPs is served without STANDBY was MASTER),
 * bring every service's flag in line, open the FIFO if it exists and
 * re-check it every second (reopened when keepalived recreates it).
 */
int vrrp_serve(struct vrrp *v, struct loop *l, struct xvsd *st);

/* Does some followed VRRP instance hold this VIP (network order)? v may be NULL. */
bool vrrp_owned(const struct vrrp *v, __u32 vip);

/* Should a service of this VIP (network order) be STANDBY now? v may be NULL. */
bool vrrp_standby(const struct vrrp *v, __u32 vip);

/* Act on one FIFO line (no newline). Returns 1 if an instance changed state. */
int vrrp_line(struct vrrp *v, struct xvsd *st, const char *line);

/* Set or clear STANDBY on every service as vrrp_standby() says. Returns -errno of the first failed write. */
int vrrp_apply(struct vrrp *v, struct xvsd *st);

/* State of an instance by name (VRRP_UNKNOWN if not configured). */
enum vrrp_state vrrp_instance_state(const struct vrrp *v, const char *name);

/*
 * SIGHUP: lvs_sync_daemon as keepalived.conf model @k now says: nothing if
 * unchanged, else the daemon stops and the new one starts (vrrp_syncd.h).
 * VRRP instances and the FIFO stay as read at start.
 */
void vrrp_reload_syncd(struct vrrp *v, const struct ka_conf *k);

#endif /* XVSD_VRRP_H */
