// SPDX-License-Identifier: GPL-2.0
/*
 * virtual_server, virtual_server_group and real_server blocks. Values are
 * stored as written (with KA_SET_* bits); defaults and inheritance are
 * resolved when the virtual_server block closes (resolve.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <xvs/abi.h>

#include "parse.h"

/* keepalived accepts every IPVS scheduler name, xvs's set is checked later. */
static const char *const scheds[] = {
	"rr", "wrr", "lc", "wlc", "lblc", "sh", "mh", "dh", "fo", "ovf", "lblcr", "sed", "nq",
	"twos", NULL,
};

static int vs_sched(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_vs *vs = obj;
	int i;

	if (!ka_want_args(p, s, 1))
		return 0;
	for (i = 0; scheds[i]; i++)
		if (!strcmp(scheds[i], s->argv[1]))
			break;
	if (!scheds[i]) {
		ka_warn(p, &s->pos, "Invalid lvs_scheduler '%s' - ignoring", s->argv[1]);
		return 0;
	}
	snprintf(vs->sched, sizeof(vs->sched), "%s", s->argv[1]);
	vs->set |= KA_SET_SCHED;
	return 0;
}

static bool get_fwd(struct ka_parser *p, struct ka_stmt *s, int *fwd)
{
	if (!ka_want_args(p, s, 1))
		return false;
	if (!strcmp(s->argv[1], "NAT"))
		*fwd = XVS_FWD_MASQ;
	else if (!strcmp(s->argv[1], "DR"))
		*fwd = XVS_FWD_ROUTE;
	else if (!strcmp(s->argv[1], "TUN"))
		*fwd = XVS_FWD_TUNNEL;
	else {
		ka_warn(p, &s->pos, "Invalid lvs_method %s - ignoring", s->argv[1]);
		return false;
	}
	return true;
}

static int vs_method(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_vs *vs = obj;

	if (get_fwd(p, s, &vs->fwd))
		vs->set |= KA_SET_FWD;
	return 0;
}

static int vs_timer(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_vs *vs = obj;

	ka_get_timers(p, s, &vs->tm, &vs->set);
	return 0;
}

static int vs_retry(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_vs *vs = obj;

	ka_get_retry(p, s, &vs->tm, &vs->set);
	return 0;
}

static int vs_persist(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_vs *vs = obj;
	__u64 v = KA_DEF_PERSIST_S;

	if (s->argc > 1 && !ka_get_uint(p, s, s->argv[1], 1, 2678400, &v))
		return 0;
	vs->timeout = v;
	vs->flags |= XVS_SVC_F_PERSISTENT;
	return 0;
}

static int vs_granularity(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_vs *vs = obj;
	__u32 mask;

	if (!ka_want_args(p, s, 1))
		return 0;
	if (!ka_get_ipv4(s->argv[1], &mask) ||
	    (ntohl(mask) && (~ntohl(mask) & (~ntohl(mask) + 1)))) {
		ka_warn(p, &s->pos, "Invalid persistence_granularity specified - %s", s->argv[1]);
		return 0;
	}
	vs->netmask = mask;
	if (!vs->timeout) {
		vs->timeout = KA_DEF_PERSIST_S;
		vs->flags |= XVS_SVC_F_PERSISTENT;
	}
	return 0;
}

static int vs_proto(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_vs *vs = obj;

	if (!ka_want_args(p, s, 1))
		return 0;
	if (!strcasecmp(s->argv[1], "TCP"))
		vs->proto = IPPROTO_TCP;
	else if (!strcasecmp(s->argv[1], "UDP"))
		vs->proto = IPPROTO_UDP;
	else if (!strcasecmp(s->argv[1], "SCTP"))
		vs->proto = IPPROTO_SCTP;
	else {
		ka_warn(p, &s->pos, "Unknown protocol %s - ignoring", s->argv[1]);
		return 0;
	}
	vs->set |= KA_SET_PROTO;
	return 0;
}

static int vs_flag(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_vs *vs = obj;
	const char *kw = s->argv[0];

	(void)p;
	if (!strcmp(kw, "flag-1") || !strcmp(kw, "sh-fallback") || !strcmp(kw, "mh-fallback"))
		vs->flags |= XVS_SVC_F_SCHED1;
	else if (!strcmp(kw, "flag-2") || !strcmp(kw, "sh-port") || !strcmp(kw, "mh-port"))
		vs->flags |= XVS_SVC_F_SCHED2;
	else if (!strcmp(kw, "flag-3"))
		vs->flags |= XVS_SVC_F_SCHED3;
	else if (!strcmp(kw, "ops"))
		vs->flags |= XVS_SVC_F_ONEPACKET;
	return 0;
}

static int vs_bool(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_vs *vs = obj;
	const char *kw = s->argv[0];
	bool v;

	if (!ka_get_bool(p, s, &v))
		return 0;
	if (!strcmp(kw, "ha_suspend")) {
		vs->ha_suspend = v;
	} else if (!strcmp(kw, "alpha")) {
		vs->alpha = v;
		vs->set |= KA_SET_ALPHA;
	} else if (!strcmp(kw, "omega")) {
		vs->omega = v;
	} else if (!strcmp(kw, "inhibit_on_failure")) {
		vs->inhibit = v;
		vs->set |= KA_SET_INHIBIT;
	} else if (!strcmp(kw, "sorry_server_inhibit")) {
		vs->sorry_inhibit = v;
	}
	return 0;
}

static int vs_uint(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_vs *vs = obj;
	const char *kw = s->argv[0];
	__u64 v;

	if (!ka_want_args(p, s, 1))
		return 0;
	if (!strcmp(kw, "quorum")) {
		if (ka_get_uint(p, s, s->argv[1], 1, UINT32_MAX, &v))
			vs->quorum = v;
	} else if (!strcmp(kw, "hysteresis")) {
		if (ka_get_uint(p, s, s->argv[1], 0, UINT32_MAX, &v))
			vs->hysteresis = v;
	} else if (ka_get_uint(p, s, s->argv[1], 1, INT32_MAX, &v)) {
		vs->weight = v;
		vs->set |= KA_SET_WEIGHT;
	}
	return 0;
}

static int vs_str(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_vs *vs = obj;
	const char *kw = s->argv[0];
	char **dst = !strcmp(kw, "virtualhost") ? &vs->virtualhost :
		     !strcmp(kw, "quorum_up")	? &vs->quorum_up :
						  &vs->quorum_down;

	if (!ka_want_args(p, s, 1))
		return 0;
	free(*dst);
	/* scripts keep their arguments; a virtualhost is one word */
	*dst = dst == &vs->virtualhost ? strdup(s->argv[1]) : ka_strdup_args(s, 1);
	return *dst ? 0 : -ENOMEM;
}

static int vs_sorry(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_vs *vs = obj;
	__u16 port = 0;
	__u32 addr;

	if (!ka_want_args(p, s, 1))
		return 0;
	if (!ka_get_ipv4(s->argv[1], &addr)) {
		ka_warn(p, &s->pos, "Invalid sorry_server address %s", s->argv[1]);
		return 0;
	}
	if (s->argc > 2 && !ka_get_port(p, s, s->argv[2], &port))
		return 0;
	vs->has_sorry = true;
	vs->sorry_addr = addr;
	vs->sorry_port = port;
	return 0;
}

static int vs_ignore(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	(void)p, (void)s, (void)obj;
	return 0;
}

static int vs_unsupported(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	(void)obj;
	ka_warn(p, &s->pos, "%s is not supported by xvs - ignoring", s->argv[0]);
	return 0;
}

/* ---- real_server ----------------------------------------------------- */

static int rs_weight(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_rs *rs = obj;
	__u64 v;

	if (!ka_want_args(p, s, 1))
		return 0;
	if (!ka_get_uint(p, s, s->argv[1], 0, INT32_MAX, &v))
		return 0;
	rs->weight = v;
	rs->set |= KA_SET_WEIGHT;
	return 0;
}

static int rs_thresh(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_rs *rs = obj;
	__u64 v;

	if (!ka_want_args(p, s, 1) || !ka_get_uint(p, s, s->argv[1], 0, UINT32_MAX, &v))
		return 0;
	if (s->argv[0][0] == 'u')
		rs->u_threshold = v;
	else
		rs->l_threshold = v;
	return 0;
}

static int rs_method(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_rs *rs = obj;
	int fwd;

	/* One method per service in xvs: a server's own is checked when applied. */
	if (get_fwd(p, s, &fwd) && fwd != XVS_FWD_MASQ)
		ka_warn(p, &s->pos, "lvs_method %s is not supported by xvs (NAT only)",
			s->argv[1]);
	(void)rs;
	return 0;
}

static int rs_bool(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_rs *rs = obj;
	bool v;

	if (!ka_get_bool(p, s, &v))
		return 0;
	if (!strcmp(s->argv[0], "alpha")) {
		rs->alpha = v;
		rs->set |= KA_SET_ALPHA;
	} else {
		rs->inhibit = v;
		rs->set |= KA_SET_INHIBIT;
	}
	return 0;
}

static int rs_notify(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_rs *rs = obj;
	char **dst = !strcmp(s->argv[0], "notify_up") ? &rs->notify_up : &rs->notify_down;

	if (!ka_want_args(p, s, 1))
		return 0;
	free(*dst);
	*dst = ka_strdup_args(s, 1);
	return *dst ? 0 : -ENOMEM;
}

static int rs_timer(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_rs *rs = obj;

	ka_get_timers(p, s, &rs->tm, &rs->set);
	return 0;
}

static int rs_retry(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_rs *rs = obj;

	ka_get_retry(p, s, &rs->tm, &rs->set);
	return 0;
}

static int rs_vhost(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_rs *rs = obj;

	if (ka_want_args(p, s, 1))
		ka_set_str(&rs->virtualhost, s->argv[1]);
	return 0;
}

static int rs_check(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	static const char *const names[KA_CHECK_MAX] = {
		[KA_CHECK_TCP] = "TCP_CHECK",	[KA_CHECK_HTTP] = "HTTP_GET",
		[KA_CHECK_SSL] = "SSL_GET",	[KA_CHECK_MISC] = "MISC_CHECK",
		[KA_CHECK_DNS] = "DNS_CHECK",	[KA_CHECK_UDP] = "UDP_CHECK",
	};
	int t;

	for (t = 0; t < KA_CHECK_MAX; t++)
		if (!strcmp(names[t], s->argv[0]))
			return ka_parse_check(p, s, obj, t);
	/* SMTP_CHECK, PING_CHECK, FILE_CHECK, BFD_CHECK */
	ka_warn(p, &s->pos, "%s is not supported by xvs - ignoring it (the server does not "
		"depend on it)", s->argv[0]);
	return 0;
}

static const struct ka_kw rs_kw[] = {
	{ "weight", rs_weight },
	{ "uthreshold", rs_thresh },
	{ "lthreshold", rs_thresh },
	{ "lvs_method", rs_method },
	{ "inhibit_on_failure", rs_bool },
	{ "alpha", rs_bool },
	{ "notify_up", rs_notify },
	{ "notify_down", rs_notify },
	{ "delay_loop", rs_timer },
	{ "connect_timeout", rs_timer },
	{ "delay_before_retry", rs_timer },
	{ "warmup", rs_timer },
	{ "retry", rs_retry },
	{ "virtualhost", rs_vhost },
	{ "smtp_alert", vs_ignore },
	{ "snmp_name", vs_ignore },
	{ "TCP_CHECK", rs_check },
	{ "HTTP_GET", rs_check },
	{ "SSL_GET", rs_check },
	{ "MISC_CHECK", rs_check },
	{ "DNS_CHECK", rs_check },
	{ "UDP_CHECK", rs_check },
	{ "SMTP_CHECK", rs_check },
	{ "PING_CHECK", rs_check },
	{ "FILE_CHECK", rs_check },
	{ "BFD_CHECK", rs_check },
	{ NULL, NULL },
};

static int vs_rs(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_vs *vs = obj;
	struct ka_rs *rs, **pp;

	if (!ka_want_args(p, s, 1) || !ka_want_block(p, s))
		return 0;
	s->block = false;
	rs = calloc(1, sizeof(*rs));
	if (!rs)
		return -ENOMEM;
	rs->pos = s->pos;
	for (pp = &vs->rs; *pp; pp = &(*pp)->next)
		;
	*pp = rs;
	vs->nrs++;
	if (!ka_get_ipv4(s->argv[1], &rs->addr)) {
		ka_warn(p, &s->pos, "Invalid real server ip address/port %s/%s", s->argv[1],
			s->argc > 2 ? s->argv[2] : "");
		rs->addr = 0;	/* dropped when the block closes */
	}
	if (s->argc > 2) {
		if (ka_get_port(p, s, s->argv[2], &rs->port))
			rs->set |= KA_SET_PORT;
		else
			rs->addr = 0;
	}
	return ka_block(p, rs_kw, rs);
}

static const struct ka_kw vs_kw[] = {
	{ "delay_loop", vs_timer },
	{ "lb_algo", vs_sched },
	{ "lvs_sched", vs_sched },
	{ "lb_kind", vs_method },
	{ "lvs_method", vs_method },
	{ "persistence_timeout", vs_persist },
	{ "persistence_granularity", vs_granularity },
	{ "persistence_engine", vs_unsupported },
	{ "protocol", vs_proto },
	{ "ha_suspend", vs_bool },
	{ "virtualhost", vs_str },
	{ "alpha", vs_bool },
	{ "omega", vs_bool },
	{ "quorum", vs_uint },
	{ "hysteresis", vs_uint },
	{ "quorum_up", vs_str },
	{ "quorum_down", vs_str },
	{ "weight", vs_uint },
	{ "sorry_server", vs_sorry },
	{ "sorry_server_inhibit", vs_bool },
	{ "sorry_server_lvs_method", vs_ignore },
	{ "inhibit_on_failure", vs_bool },
	{ "connect_timeout", vs_timer },
	{ "delay_before_retry", vs_timer },
	{ "warmup", vs_timer },
	{ "retry", vs_retry },
	{ "flag-1", vs_flag },
	{ "flag-2", vs_flag },
	{ "flag-3", vs_flag },
	{ "sh-port", vs_flag },
	{ "sh-fallback", vs_flag },
	{ "mh-port", vs_flag },
	{ "mh-fallback", vs_flag },
	{ "ops", vs_flag },
	{ "hashed", vs_ignore },
	{ "smtp_alert", vs_ignore },
	{ "snmp_name", vs_ignore },
	{ "ip_family", vs_ignore },
	{ "real_server", vs_rs },
	{ NULL, NULL },
};

int ka_parse_vs(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_vs *vs, **pp;
	__u32 a6[4];
	int ret;

	(void)obj;
	if (!ka_want_args(p, s, 1) || !ka_want_block(p, s))
		return 0;
	s->block = false;
	vs = calloc(1, sizeof(*vs));
	if (!vs)
		return -ENOMEM;
	vs->pos = s->pos;
	vs->af = AF_INET;
	vs->quorum = 1;
	vs->netmask = 0xffffffff;
	if (!strcmp(s->argv[1], "group") && s->argc > 2) {
		vs->kind = KA_VS_GROUP;
		snprintf(vs->group, sizeof(vs->group), "%s", s->argv[2]);
	} else if (!strcmp(s->argv[1], "fwmark") && s->argc > 2) {
		__u64 v;

		vs->kind = KA_VS_FWMARK;
		if (ka_get_uint(p, s, s->argv[2], 1, UINT32_MAX, &v))
			vs->fwmark = v;
	} else if (ka_get_ipv4(s->argv[1], &vs->addr)) {
		vs->kind = KA_VS_ADDR;
		if (s->argc > 2 && !ka_get_port(p, s, s->argv[2], &vs->port))
			vs->kind = KA_VS_BAD;
	} else if (inet_pton(AF_INET6, s->argv[1], a6) == 1) {
		vs->kind = KA_VS_ADDR;
		vs->af = AF_INET6;
		if (s->argc > 2 && !ka_get_port(p, s, s->argv[2], &vs->port))
			vs->kind = KA_VS_BAD;
	} else {
		ka_warn(p, &s->pos, "Invalid virtual server address %s - skipping", s->argv[1]);
		vs->kind = KA_VS_BAD;
	}
	ret = ka_block(p, vs_kw, vs);
	if (!ret && vs->kind != KA_VS_BAD && !vs->nrs) {
		char name[KA_FMT_LEN];

		/* keepalived drops it, sorry_server or not */
		ka_warn(p, NULL, "Virtual server %s has no real servers - ignoring",
			kaconf_fmt_vs(name, vs));
		vs->kind = KA_VS_BAD;
	}
	if (ret || vs->kind == KA_VS_BAD) {
		ka_free_vs(vs);
		return ret;
	}
	for (pp = &p->c->vs; *pp; pp = &(*pp)->next)
		;
	*pp = vs;
	ka_resolve_vs(p, vs);
	return 0;
}

/* ---- virtual_server_group --------------------------------------------- */

/* "IP [PORT]", "a.b.c.d-e PORT", "IP/nn PORT", "fwmark N" */
static int vsg_line(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_vsg *g = obj;
	struct ka_vsg_entry *e, **pp;
	char addr[64], *dash, *slash;
	__u32 first;
	__u64 v;

	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->pos = s->pos;
	e->af = AF_INET;
	if (!strcmp(s->argv[0], "fwmark")) {
		if (s->argc < 2 || !ka_get_uint(p, s, s->argv[1], 1, UINT32_MAX, &v))
			goto bad;
		e->is_fwmark = true;
		e->fwmark = v;
		goto add;
	}
	snprintf(addr, sizeof(addr), "%s", s->argv[0]);
	dash = strchr(addr, '-');
	slash = strchr(addr, '/');
	if (dash)
		*dash = '\0';
	if (slash)
		*slash = '\0';
	if (!ka_get_ipv4(addr, &first)) {
		if (strchr(addr, ':')) {
			/* IPv6 entries are kept (and skipped when applied). */
			e->af = AF_INET6;
			goto port;
		}
		goto bad;
	}
	e->addr_first = e->addr_last = ntohl(first);
	if (dash) {
		if (strchr(dash + 1, '.')) {
			__u32 last;

			if (!ka_get_ipv4(dash + 1, &last))
				goto bad;
			e->addr_last = ntohl(last);
		} else {
			if (!ka_get_uint(p, s, dash + 1, 0, 255, &v))
				goto bad;
			e->addr_last = (e->addr_first & ~0xffu) | v;
		}
	} else if (slash) {
		if (!ka_get_uint(p, s, slash + 1, 0, 32, &v))
			goto bad;
		if (v < 32)
			e->addr_last = e->addr_first | (0xffffffffu >> v);
	}
	if (e->addr_last < e->addr_first)
		goto bad;
port:
	if (s->argc > 1 && !ka_get_port(p, s, s->argv[1], &e->port))
		goto bad_quiet;
add:
	for (pp = &g->entries; *pp; pp = &(*pp)->next)
		;
	*pp = e;
	return 0;
bad:
	ka_warn(p, &s->pos, "VS group %s: entry %s is invalid - skipping", g->name, s->argv[0]);
bad_quiet:
	free(e);
	return 0;
}

int ka_parse_vsg(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_vsg *g, **pp;

	(void)obj;
	if (!ka_want_args(p, s, 1) || !ka_want_block(p, s))
		return 0;
	s->block = false;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	snprintf(g->name, sizeof(g->name), "%s", s->argv[1]);
	g->pos = s->pos;
	for (pp = &p->c->vsgs; *pp; pp = &(*pp)->next)
		;
	*pp = g;
	return ka_block_lines(p, &s->pos, vsg_line, g);
}
