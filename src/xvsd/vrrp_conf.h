/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What xvsd needs to follow keepalived's VRRP (docs/ha.md): the notify FIFO
 * keepalived writes state changes to, and which VIPs each VRRP instance
 * holds. Set from xvsd.conf (vrrp_notify_fifo, vrrp_instance) or the command
 * line (--vrrp-fifo, --vrrp-instance); no FIFO means every service is served.
 */
#ifndef XVSD_VRRP_CONF_H
#define XVSD_VRRP_CONF_H

#include <limits.h>
#include <stddef.h>
#include <linux/types.h>

#include "ctl_proto.h"

#define VRRP_MAX_INST		64
#define VRRP_MAX_ADDRS		32	/* addresses of one instance we follow */
#define VRRP_NAME_LEN		64

struct vrrp_inst_conf {
	char name[VRRP_NAME_LEN];
	int naddrs;
	__u32 addrs[VRRP_MAX_ADDRS];	/* network order */
};

/*
 * keepalived's lvs_sync_daemon: a connection sync daemon (sync.h) that is
 * master while instance @inst is MASTER and backup otherwise.
 */
struct vrrp_syncd_conf {
	char inst[VRRP_NAME_LEN];	/* "": none */
	struct xvs_ctl_daemon cfg;	/* .state is set when started */
};

struct vrrp_conf {
	char fifo[PATH_MAX];		/* "": not following keepalived */
	int ninst;
	struct vrrp_inst_conf inst[VRRP_MAX_INST];
	struct vrrp_syncd_conf syncd;
};

/* An absolute path. Returns 0 or -EINVAL with a message in err. */
int vrrp_conf_set_fifo(struct vrrp_conf *v, const char *path, char *err, size_t errlen);

/*
 * "NAME ADDR[ ADDR...]" (also NAME=ADDR,ADDR): the IPv4 addresses of the
 * instance's virtual_ipaddress block, a /prefix allowed and ignored. A name
 * given again adds its addresses. Returns 0 or -EINVAL, nothing changed.
 */
int vrrp_conf_add_instance(struct vrrp_conf *v, const char *spec, char *err, size_t errlen);

struct ka_conf;

/*
 * Take what v does not set yet from a keepalived.conf model (kaconf.h):
 * the FIFO from global_defs (vrrp_notify_fifo, else notify_fifo, which
 * carries the same INSTANCE lines) when v names none, and every
 * vrrp_instance with its IPv4 virtual_ipaddress entries (IPv6 ones are
 * skipped: xvs serves IPv4 only), and lvs_sync_daemon with its instance
 * (followed even if it holds no VIP). Returns 0 or -EINVAL, v unchanged.
 */
int vrrp_conf_from_kaconf(struct vrrp_conf *v, const struct ka_conf *k, char *err,
			  size_t errlen);

#endif /* XVSD_VRRP_CONF_H */
