// SPDX-License-Identifier: GPL-2.0
/*
 * -S: the rules that recreate the table, in ipvsadm 1.31's words. Like
 * ipvsadm, thresholds (-x/-y) are not saved.
 */
#include <string.h>
#include <arpa/inet.h>

#include "xvs/abi.h"
#include "list.h"

static const char *fwd_switch(__u32 fwd)
{
	switch (fwd) {
	case XVS_FWD_MASQ:
		return "-m";
	case XVS_FWD_TUNNEL:
		return "-i";
	}
	return "-g";
}

void save_service(FILE *f, const struct list_svc *s, unsigned int format,
		  const struct addr_resolver *res)
{
	const struct xvs_ctl_svc *svc = &s->svc;
	char name[1024], dname[ADDR_NAME_LEN], flags[64];
	__u32 i;

	format |= FMT_RULE;
	list_svc_name(name, sizeof(name), svc, format, res);
	fprintf(f, "-A %s -s %s", name, svc->sched);
	if (svc->flags & XVS_SVC_F_PERSISTENT) {
		fprintf(f, " -p %u", svc->timeout);
		if (svc->id.af == AF_INET && svc->netmask != 0xffffffff) {
			struct in_addr mask = { .s_addr = svc->netmask };

			fprintf(f, " -M %s", inet_ntoa(mask));
		}
		if (svc->id.af == AF_INET6 && svc->netmask != 128)
			fprintf(f, " -M %u", svc->netmask);
	}
	if (svc->pe[0])
		fprintf(f, " --pe %.*s", (int)sizeof(svc->pe), svc->pe);
	if (svc->flags & XVS_SVC_F_ONEPACKET)
		fprintf(f, " -o");
	list_sched_flags(flags, sizeof(flags), svc);
	if (flags[0])
		fprintf(f, " -b %s", flags);
	fputc('\n', f);
	for (i = 0; i < svc->num_dests; i++) {
		const struct xvs_ctl_dest *d = &s->dests[i];

		addr_port_name(dname, d->af, d->addr, ntohs(d->port), svc->id.proto,
			       format & FMT_NUMERIC, res);
		fprintf(f, "-a %s -r %s %s -w %d\n", name, dname, fwd_switch(d->fwd), d->weight);
	}
}
