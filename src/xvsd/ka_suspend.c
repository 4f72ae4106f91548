// SPDX-License-Identifier: GPL-2.0
/*
 * keepalived's ha_suspend: the checkers of a virtual server whose address
 * this director does not hold are suspended (no probes, health kept as it
 * is) and start again when it does. keepalived decides by the address being
 * on a local interface; when xvsd follows keepalived's VRRP states (the
 * FIFO, vrrp.h) and an instance holds the address, that instance being
 * MASTER here decides, which is the same moment without waiting for the
 * address. An fwmark virtual server has no address: never suspended.
 * Log lines are keepalived's.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "ka_int.h"
#include "log.h"
#include "state.h"
#include "vrrp.h"

static bool addr_local(__u32 addr, const struct ifaddrs *ifa)
{
	for (; ifa; ifa = ifa->ifa_next)
		if (ifa->ifa_addr && ifa->ifa_addr->sa_family == AF_INET &&
		    ((const struct sockaddr_in *)ifa->ifa_addr)->sin_addr.s_addr == addr)
			return true;
	return false;
}

static bool vs_held(const struct ka_vsrt *vs, const struct vrrp *v, const struct ifaddrs *ifa)
{
	int i;

	for (i = 0; i < vs->nkeys; i++) {
		__u32 vip = vs->keys[i].addr;

		/* an fwmark service (proto 0) has no address to hold: never suspended */
		if (!vs->keys[i].proto)
			return true;
		if (v && vrrp_owned(v, vip) ? !vrrp_standby(v, vip) : addr_local(vip, ifa))
			return true;
	}
	return false;
}

static void vs_suspend(struct ka_vsrt *vs, bool on)
{
	int i, c;

	vs->suspended = on;
	for (i = 0; i < vs->nrs; i++)
		for (c = 0; c < vs->rs[i].nchecks; c++)
			if (check_suspend(vs->rs[i].checks[c], on))
				pr_info("%s healthchecker for service %s",
					on ? "Suspending" : "Activating",
					check_name(vs->rs[i].checks[c]));
}

void ka_suspend_update(struct ka *k)
{
	struct ifaddrs *ifa = NULL;
	bool want;
	int i;

	for (i = 0; i < k->nvs && !k->vs[i].cfg->ha_suspend; i++)
		;
	if (i == k->nvs)
		return;
	if (getifaddrs(&ifa)) {
		pr_warn("ha_suspend: reading the local addresses: %s", strerror(errno));
		return;
	}
	for (; i < k->nvs; i++) {
		struct ka_vsrt *vs = &k->vs[i];

		if (!vs->cfg->ha_suspend || !vs->nkeys)
			continue;
		want = !vs_held(vs, k->st->vrrp, ifa);
		if (want != vs->suspended)
			vs_suspend(vs, want);
	}
	freeifaddrs(ifa);
}
