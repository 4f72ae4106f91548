// SPDX-License-Identifier: GPL-2.0
/*
 * global_defs' lvs_sync_daemon, as keepalived 2.2 reads it: the interface,
 * then the VRRP instance (bare or after "inst"), then "id", "maxlen",
 * "port", "ttl" and "group" with a value each; a bare number after the
 * instance is the old spelling of the syncid. Bad values are warned about
 * in keepalived's words and left at their defaults.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "parse.h"

/* A number in [min, max], else false. */
static bool get_num(const char *str, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;

	if (!*str || *str == '-')
		return false;
	*out = strtoul(str, &end, 10);
	return !*end && *out >= min && *out <= max;
}

/* One "NAME VALUE" option at argv[i]; false if @name is not an option. */
static bool option(struct ka_parser *p, struct ka_stmt *s, int i, struct ka_syncd *d)
{
	const char *name = s->argv[i], *val = s->argv[i + 1];
	unsigned long v;
	struct in_addr a;

	if (!strcmp(name, "id")) {
		if (!get_num(val, 0, 255, &v))
			ka_warn(p, &s->pos, "Invalid syncid (%s) - defaulting to vrid", val);
		else
			d->syncid = v;
	} else if (!strcmp(name, "maxlen")) {
		if (!get_num(val, 1, 65535 - 20 - 8, &v))
			ka_warn(p, &s->pos, "Invalid lvs_sync_daemon maxlen (%s) - ignoring", val);
		else
			d->maxlen = v;
	} else if (!strcmp(name, "port")) {
		if (!get_num(val, 1, 65535, &v))
			ka_warn(p, &s->pos, "Invalid lvs_sync_daemon port (%s) - ignoring", val);
		else
			d->port = v;
	} else if (!strcmp(name, "ttl")) {
		if (!get_num(val, 1, 255, &v))
			ka_warn(p, &s->pos, "Invalid lvs_sync_daemon ttl (%s) - ignoring", val);
		else
			d->ttl = v;
	} else if (!strcmp(name, "group")) {
		if (inet_pton(AF_INET, val, &a) != 1)
			ka_warn(p, &s->pos, "Invalid lvs_sync_daemon group (%s) - ignoring", val);
		else if (!IN_MULTICAST(ntohl(a.s_addr)))
			ka_warn(p, &s->pos,
				"lvs_sync_daemon group address %s is not multicast - ignoring", val);
		else
			d->group = a.s_addr;
	} else if (!strcmp(name, "inst")) {
		if (d->vrrp[0])
			ka_warn(p, &s->pos,
				"lvs_sync_daemon vrrp instance has already been specified as %s - ignoring",
				d->vrrp);
		else
			snprintf(d->vrrp, sizeof(d->vrrp), "%s", val);
	} else {
		return false;
	}
	return true;
}

int ka_parse_lvs_syncd(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_global *g = obj;
	struct ka_syncd d = { .syncid = -1, .pos = s->pos };
	unsigned long v;
	int i;

	if (g->syncd.ifname[0]) {
		ka_warn(p, &s->pos, "lvs_sync_daemon has already been specified as %s %s - ignoring",
			g->syncd.ifname, g->syncd.vrrp);
		return 0;
	}
	if (s->argc < 2) {
		ka_warn(p, &s->pos, "lvs_sync_daemon requires interface");
		return 0;
	}
	if (strlen(s->argv[1]) >= sizeof(d.ifname)) {
		ka_warn(p, &s->pos, "lvs_sync_daemon interface name '%s' too long - ignoring",
			s->argv[1]);
		return 0;
	}
	snprintf(d.ifname, sizeof(d.ifname), "%s", s->argv[1]);
	for (i = 2; i < s->argc; i++) {
		static const char *const named[] = { "id", "maxlen", "port", "ttl", "group",
						     "inst", NULL };
		int k;

		for (k = 0; named[k] && strcmp(named[k], s->argv[i]); k++)
			;
		if (named[k] && i + 1 == s->argc) {
			ka_warn(p, &s->pos, "No value specified for lvs_sync_daemon %s%s",
				s->argv[i], strcmp(s->argv[i], "id") ? " - ignoring" :
								       ", defaulting to vrid");
			continue;
		}
		if (named[k] && option(p, s, i, &d)) {
			i++;
			continue;
		}
		/* keepalived's older "IF VRRP_INSTANCE [SYNC_ID]" */
		if (i == 2) {
			snprintf(d.vrrp, sizeof(d.vrrp), "%s", s->argv[2]);
			continue;
		}
		if (i == 3) {
			if (!get_num(s->argv[3], 0, 255, &v)) {
				ka_warn(p, &s->pos, "Invalid syncid (%s) - defaulting to vrid",
					s->argv[3]);
			} else {
				ka_warn(p, &s->pos,
					"Please use keyword \"id\" before lvs_sync_daemon SYNCID");
				d.syncid = v;
			}
			continue;
		}
		ka_warn(p, &s->pos, "Unknown option %s specified for lvs_sync_daemon", s->argv[i]);
	}
	g->syncd = d;
	return 0;
}

void ka_resolve_syncd(struct ka_parser *p)
{
	struct ka_syncd *d = &p->c->global.syncd;
	const struct ka_vrrp *in;

	if (!d->ifname[0])
		return;
	if (!d->vrrp[0]) {
		/* keepalived then runs no daemon on a VRRP change: nothing to follow. */
		ka_warn(p, &d->pos, "lvs_sync_daemon names no VRRP instance - ignoring");
		d->ifname[0] = '\0';
		return;
	}
	in = kaconf_vrrp_find(p->c, d->vrrp);
	if (!in) {
		ka_warn(p, &d->pos, "Unable to find vrrp instance %s for lvs_sync_daemon - ignoring",
			d->vrrp);
		d->ifname[0] = '\0';
		return;
	}
	if (d->syncid < 0)
		d->syncid = in->vrid >= 0 ? in->vrid : 0;
}
