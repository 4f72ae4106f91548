// SPDX-License-Identifier: GPL-2.0
/*
 * The parsed model's lifetime and the small things its users share:
 * freeing, lookups for the HA side, and keepalived's way of naming
 * servers in messages ("[10.0.0.2]:tcp:80").
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

static void free_check(struct ka_check *c)
{
	while (c->urls) {
		struct ka_url *u = c->urls;

		c->urls = u->next;
		free(u->path);
		free(u->virtualhost);
		free(u);
	}
	free(c->virtualhost);
	free(c->sni_name);
	free(c->misc_path);
	free(c->dns_name);
	free(c->payload);
	free(c->reply);
	free(c);
}

void ka_free_rs(struct ka_rs *rs)
{
	while (rs->checks) {
		struct ka_check *c = rs->checks;

		rs->checks = c->next;
		free_check(c);
	}
	free(rs->notify_up);
	free(rs->notify_down);
	free(rs->virtualhost);
	free(rs);
}

void ka_free_vs(struct ka_vs *vs)
{
	while (vs->rs) {
		struct ka_rs *rs = vs->rs;

		vs->rs = rs->next;
		ka_free_rs(rs);
	}
	free(vs->virtualhost);
	free(vs->quorum_up);
	free(vs->quorum_down);
	free(vs);
}

static void free_vips(struct ka_vip *v)
{
	while (v) {
		struct ka_vip *n = v->next;

		free(v);
		v = n;
	}
}

void kaconf_free(struct ka_conf *c)
{
	int i;

	if (!c)
		return;
	while (c->vs) {
		struct ka_vs *vs = c->vs;

		c->vs = vs->next;
		ka_free_vs(vs);
	}
	while (c->vsgs) {
		struct ka_vsg *g = c->vsgs;

		c->vsgs = g->next;
		while (g->entries) {
			struct ka_vsg_entry *e = g->entries;

			g->entries = e->next;
			free(e);
		}
		free(g);
	}
	while (c->vrrp) {
		struct ka_vrrp *v = c->vrrp;

		c->vrrp = v->next;
		free_vips(v->vips);
		free_vips(v->vips_excluded);
		free(v);
	}
	while (c->sync_groups) {
		struct ka_sync_group *g = c->sync_groups;

		c->sync_groups = g->next;
		free(g->instances);
		free(g);
	}
	while (c->warnings) {
		struct ka_msg *m = c->warnings;

		c->warnings = m->next;
		free(m->text);
		free(m);
	}
	free(c->global.notify_fifo);
	free(c->global.vrrp_notify_fifo);
	free(c->global.lvs_notify_fifo);
	for (i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	free(c);
}

const struct ka_vrrp *kaconf_vrrp_find(const struct ka_conf *c, const char *name)
{
	const struct ka_vrrp *v;

	for (v = c->vrrp; v; v = v->next)
		if (!strcmp(v->name, name))
			return v;
	return NULL;
}

const struct ka_sync_group *kaconf_sync_group_of(const struct ka_conf *c, const char *instance)
{
	const struct ka_sync_group *g;
	int i;

	for (g = c->sync_groups; g; g = g->next)
		for (i = 0; i < g->ninstances; i++)
			if (!strcmp(g->instances[i], instance))
				return g;
	return NULL;
}

static const char *proto_name(__u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_SCTP:
		return "sctp";
	default:
		return "none";
	}
}

char *kaconf_fmt_addr(char *buf, __u32 addr, __u8 proto, __u16 port)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &addr, a, sizeof(a));
	snprintf(buf, KA_FMT_LEN, "[%s]:%s:%u", a, proto_name(proto), ntohs(port));
	return buf;
}

char *kaconf_fmt_vs(char *buf, const struct ka_vs *vs)
{
	switch (vs->kind) {
	case KA_VS_FWMARK:
		snprintf(buf, KA_FMT_LEN, "FWM %u", vs->fwmark);
		break;
	case KA_VS_GROUP:
		snprintf(buf, KA_FMT_LEN, "[%.40s]:%s:%u", vs->group, proto_name(vs->proto),
			 ntohs(vs->port));
		break;
	default:
		if (vs->af == AF_INET)
			return kaconf_fmt_addr(buf, vs->addr, vs->proto, vs->port);
		snprintf(buf, KA_FMT_LEN, "[IPv6]:%s:%u", proto_name(vs->proto), ntohs(vs->port));
	}
	return buf;
}

const char *kaconf_check_name(enum ka_check_type t)
{
	static const char *const names[KA_CHECK_MAX] = {
		[KA_CHECK_TCP] = "TCP_CHECK",	[KA_CHECK_HTTP] = "HTTP_GET",
		[KA_CHECK_SSL] = "SSL_GET",	[KA_CHECK_MISC] = "MISC_CHECK",
		[KA_CHECK_DNS] = "DNS_CHECK",	[KA_CHECK_UDP] = "UDP_CHECK",
	};

	return t < KA_CHECK_MAX ? names[t] : "?";
}
