// SPDX-License-Identifier: GPL-2.0
/*
 * A closed virtual_server block gets keepalived's defaults (with the
 * warnings keepalived logs for them), and every real server and checker its
 * final values: a checker's own value, else its real server's, else the
 * virtual server's, else the checker type's default (ipvs.md 4.3-4.6).
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <xvs/abi.h>

#include "parse.h"

/* keepalived's retry default per checker type. */
static __u32 def_retry(enum ka_check_type t)
{
	switch (t) {
	case KA_CHECK_MISC:
		return 0;
	case KA_CHECK_DNS:
		return 3;
	default:
		return 1;
	}
}

static __u64 def_retry_delay(enum ka_check_type t, __u64 delay_loop)
{
	switch (t) {
	case KA_CHECK_HTTP:
	case KA_CHECK_SSL:
		return KA_DEF_HTTP_RETRY_DELAY_MS;
	case KA_CHECK_DNS:
		return delay_loop;
	default:
		return KA_DEF_RETRY_DELAY_MS;
	}
}

/* First of checker, real server, virtual server that has the bit; else def. */
#define PICK(bit, field, def)                                     \
	((c->set & (bit)) ? c->tm.field :                         \
	 (rs->set & (bit)) ? rs->tm.field :                       \
	 (vs->set & (bit)) ? vs->tm.field : (def))

static void resolve_check(struct ka_vs *vs, struct ka_rs *rs, struct ka_check *c)
{
	__u64 loop = (c->set & KA_SET_DELAY_LOOP)  ? c->tm.delay_loop_ms :
		     (rs->set & KA_SET_DELAY_LOOP) ? rs->tm.delay_loop_ms :
						     vs->tm.delay_loop_ms;

	c->tm.delay_loop_ms = loop;
	if (!c->connect_ip)
		c->connect_ip = rs->addr;
	if (!(c->set & KA_SET_PORT))
		c->connect_port = rs->port;
	c->tm.connect_timeout_ms = PICK(KA_SET_CONNECT_TO, connect_timeout_ms, KA_DEF_CONNECT_TO_MS);
	c->tm.retry = PICK(KA_SET_RETRY, retry, def_retry(c->type));
	c->tm.delay_before_retry_ms =
		PICK(KA_SET_RETRY_DELAY, delay_before_retry_ms, def_retry_delay(c->type, loop));
	c->tm.warmup_ms = PICK(KA_SET_WARMUP, warmup_ms, loop);
	if (!(c->set & KA_SET_ALPHA))
		c->alpha = rs->alpha;
	if (!c->virtualhost && (rs->virtualhost || vs->virtualhost))
		c->virtualhost = strdup(rs->virtualhost ? rs->virtualhost : vs->virtualhost);
	if (!(c->set & KA_SET_MISC_TIMEOUT))
		c->misc_timeout_ms = loop;
	if (!c->dns_type)
		c->dns_type = KA_DNS_SOA;
	if (!c->dns_name)
		c->dns_name = strdup(".");
	if (!c->http_protocol)
		c->http_protocol = 10;
}

void ka_resolve_vs(struct ka_parser *p, struct ka_vs *vs)
{
	struct ka_rs **pp, *rs;
	char name[KA_FMT_LEN];

	if (vs->kind == KA_VS_FWMARK) {
		vs->proto = 0;
	} else if (!(vs->set & KA_SET_PROTO)) {
		kaconf_fmt_vs(name, vs);
		ka_warn(p, NULL, "Virtual server %s: no protocol set - defaulting to UDP", name);
		vs->proto = IPPROTO_UDP;
	}
	kaconf_fmt_vs(name, vs);
	if (vs->kind == KA_VS_ADDR && !vs->port && !vs->timeout) {
		ka_warn(p, NULL,
			"Virtual server %s: zero port only valid for persistent services - setting",
			name);
		vs->timeout = KA_DEF_PERSIST_S;
		vs->flags |= XVS_SVC_F_PERSISTENT;
	}
	if (!(vs->set & KA_SET_SCHED)) {
		ka_warn(p, NULL, "Virtual server %s: no scheduler set, setting default 'wlc'", name);
		strcpy(vs->sched, "wlc");
	}
	if (!(vs->set & KA_SET_FWD))
		ka_warn(p, NULL, "Virtual server %s: no forwarding method set, setting default NAT",
			name);
	if (!(vs->set & KA_SET_DELAY_LOOP))
		vs->tm.delay_loop_ms = KA_DEF_DELAY_LOOP_MS;
	if (!(vs->set & KA_SET_WEIGHT))
		vs->weight = 1;
	if (vs->has_sorry && !vs->sorry_port)
		vs->sorry_port = vs->port;

	for (pp = &vs->rs; (rs = *pp);) {
		struct ka_rs *o;
		struct ka_check *c;
		bool dup = false;

		if (!(rs->set & KA_SET_PORT))
			rs->port = vs->port;
		for (o = vs->rs; o != rs && !dup; o = o->next)
			dup = o->addr == rs->addr && o->port == rs->port;
		if (dup || !rs->addr) {
			if (dup) {
				char rname[KA_FMT_LEN];

				kaconf_fmt_addr(rname, rs->addr, vs->proto, rs->port);
				ka_warn(p, NULL, "VS %s: real server %s is duplicated - removing second rs",
					name, rname);
			}
			*pp = rs->next;
			vs->nrs--;
			ka_free_rs(rs);
			continue;
		}
		if (!(rs->set & KA_SET_WEIGHT))
			rs->weight = vs->weight;
		if (!(rs->set & KA_SET_INHIBIT))
			rs->inhibit = vs->inhibit;
		if (!(rs->set & KA_SET_ALPHA))
			rs->alpha = vs->alpha;
		for (c = rs->checks; c; c = c->next)
			resolve_check(vs, rs, c);
		pp = &rs->next;
	}
}
