// SPDX-License-Identifier: GPL-2.0
/*
 * Host checks. Forwarding matters because bpf_fib_lookup() answers
 * FWD_DISABLED on an interface with forwarding off, and NAT replies and
 * non-VIP traffic need the kernel to route: a director without it would
 * accept services and forward nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>

#include "hostcheck.h"
#include "log.h"

int hostcheck_root(void)
{
	if (geteuid() == 0)
		return 0;
	pr_err("must run as root: it loads BPF programs and attaches them to interfaces");
	return -EPERM;
}

int hostcheck_ifaces(const struct xvsd_conf *c)
{
	int i;

	if (!c->nifaces) {
		pr_err("no interface to attach to: use -i IF[,IF...] or 'interfaces =' in the "
		       "config file");
		return -EINVAL;
	}
	for (i = 0; i < c->nifaces; i++) {
		if (if_nametoindex(c->ifaces[i]))
			continue;
		pr_err("interface %s does not exist in this network namespace", c->ifaces[i]);
		return -ENODEV;
	}
	return 0;
}

static int read_sysctl(const char *path)
{
	FILE *f = fopen(path, "r");
	int v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

int hostcheck_forwarding(const struct xvsd_conf *c)
{
	char path[128];
	int i;

	if (read_sysctl("/proc/sys/net/ipv4/ip_forward") != 1) {
		pr_err("IPv4 forwarding is off (net.ipv4.ip_forward): a NAT director must "
		       "forward; enable it with 'sysctl -w net.ipv4.ip_forward=1'");
		return -EINVAL;
	}
	for (i = 0; i < c->nifaces; i++) {
		snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/forwarding", c->ifaces[i]);
		if (read_sysctl(path) == 1)
			continue;
		pr_err("forwarding is off on %s (net.ipv4.conf.%s.forwarding): enable it with "
		       "'sysctl -w net.ipv4.conf.%s.forwarding=1'",
		       c->ifaces[i], c->ifaces[i], c->ifaces[i]);
		return -EINVAL;
	}
	return 0;
}
