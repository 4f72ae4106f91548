// SPDX-License-Identifier: GPL-2.0
/*
 * JSON listings (json.h): a small streaming writer (commas and nesting
 * tracked per level, strings escaped per RFC 8259) and one printer per
 * listing. Addresses are always numeric strings and counters exact
 * numbers: JSON is for programs, so neither -n nor --exact changes it.
 */
#include <string.h>
#include <arpa/inet.h>

#include "xvs/abi.h"
#include "json.h"

#define JW_MAX_DEPTH	8

struct jw {
	FILE *f;
	int depth;
	bool more[JW_MAX_DEPTH];	/* a value was already written at this level */
};

/* The separator before a value, and its key inside an object. */
static void jw_key(struct jw *w, const char *key)
{
	if (w->more[w->depth])
		fputc(',', w->f);
	w->more[w->depth] = true;
	if (key)
		fprintf(w->f, "\"%s\":", key);
}

static void jw_open(struct jw *w, const char *key, char brace)
{
	jw_key(w, key);
	fputc(brace, w->f);
	w->depth++;
	w->more[w->depth] = false;
}

static void jw_close(struct jw *w, char brace)
{
	w->depth--;
	fputc(brace, w->f);
}

/* A string of at most max bytes (fixed-size fields may lack their NUL). */
static void jw_strn(struct jw *w, const char *key, const char *s, size_t max)
{
	size_t i;

	jw_key(w, key);
	fputc('"', w->f);
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			fprintf(w->f, "\\%c", c);
		else if (c < 0x20)
			fprintf(w->f, "\\u%04x", c);
		else
			fputc(c, w->f);
	}
	fputc('"', w->f);
}

static void jw_str(struct jw *w, const char *key, const char *s)
{
	jw_strn(w, key, s, strlen(s));
}

static void jw_u64(struct jw *w, const char *key, unsigned long long v)
{
	jw_key(w, key);
	fprintf(w->f, "%llu", v);
}

static void jw_int(struct jw *w, const char *key, long long v)
{
	jw_key(w, key);
	fprintf(w->f, "%lld", v);
}

static void jw_bool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	fputs(v ? "true" : "false", w->f);
}

static void jw_begin(struct jw *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	jw_open(w, NULL, '{');
}

static void jw_end(struct jw *w)
{
	jw_close(w, '}');
	fputc('\n', w->f);
}

static void jw_addr(struct jw *w, const char *key, int af, const __u32 *addr)
{
	char buf[INET6_ADDRSTRLEN];

	if (!inet_ntop(af == AF_INET6 ? AF_INET6 : AF_INET, addr, buf, sizeof(buf)))
		buf[0] = '\0';
	jw_str(w, key, buf);
}

static void jw_stats(struct jw *w, const struct xvs_ctl_stats *s)
{
	jw_open(w, "stats", '{');
	jw_u64(w, "conns", s->conns);
	jw_u64(w, "inpkts", s->inpkts);
	jw_u64(w, "outpkts", s->outpkts);
	jw_u64(w, "inbytes", s->inbytes);
	jw_u64(w, "outbytes", s->outbytes);
	jw_close(w, '}');
}

static void jw_rates(struct jw *w, const struct xvs_ctl_rates *r)
{
	jw_open(w, "rate", '{');
	jw_u64(w, "cps", r->cps);
	jw_u64(w, "inpps", r->inpps);
	jw_u64(w, "outpps", r->outpps);
	jw_u64(w, "inbps", r->inbps);
	jw_u64(w, "outbps", r->outbps);
	jw_close(w, '}');
}

/* The "sh-fallback,sh-port" words of the text listing, as an array. */
static void jw_sched_flags(struct jw *w, const struct xvs_ctl_svc *svc)
{
	char flags[64], *save = NULL, *flag;

	list_sched_flags(flags, sizeof(flags), svc);
	jw_open(w, "sched_flags", '[');
	for (flag = strtok_r(flags, ",", &save); flag; flag = strtok_r(NULL, ",", &save))
		jw_str(w, NULL, flag);
	jw_close(w, ']');
}

static void jw_netmask(struct jw *w, const struct xvs_ctl_svc *svc)
{
	char buf[16];

	if (svc->id.af == AF_INET6) {
		snprintf(buf, sizeof(buf), "%u", svc->netmask);
		jw_str(w, "netmask", buf);
		return;
	}
	jw_addr(w, "netmask", AF_INET, &svc->netmask);
}

static void jw_dest(struct jw *w, const struct xvs_ctl_dest *d)
{
	jw_open(w, NULL, '{');
	jw_addr(w, "address", d->af, d->addr);
	jw_u64(w, "port", ntohs(d->port));
	jw_str(w, "forward", list_fwd_name(d->fwd));
	jw_int(w, "weight", d->weight);
	jw_u64(w, "u_threshold", d->u_threshold);
	jw_u64(w, "l_threshold", d->l_threshold);
	jw_u64(w, "active_conns", d->active);
	jw_u64(w, "inactive_conns", d->inactive);
	jw_u64(w, "persistent_conns", d->persist);
	jw_stats(w, &d->stats);
	jw_rates(w, &d->rates);
	jw_close(w, '}');
}

static void jw_service(struct jw *w, const struct list_svc *s)
{
	const struct xvs_ctl_svc *svc = &s->svc;
	__u32 i;

	jw_open(w, NULL, '{');
	jw_str(w, "protocol", list_proto_name(svc->id.proto));
	jw_str(w, "family", svc->id.af == AF_INET6 ? "inet6" : "inet");
	jw_addr(w, "address", svc->id.af, svc->id.addr);
	jw_u64(w, "port", ntohs(svc->id.port));
	jw_u64(w, "fwmark", svc->id.fwmark);
	jw_strn(w, "scheduler", svc->sched, sizeof(svc->sched));
	jw_sched_flags(w, svc);
	jw_bool(w, "persistent", svc->flags & XVS_SVC_F_PERSISTENT);
	jw_u64(w, "timeout", svc->flags & XVS_SVC_F_PERSISTENT ? svc->timeout : 0);
	jw_netmask(w, svc);
	jw_strn(w, "pe", svc->pe, sizeof(svc->pe));
	jw_bool(w, "ops", svc->flags & XVS_SVC_F_ONEPACKET);
	jw_stats(w, &svc->stats);
	jw_rates(w, &svc->rates);
	jw_open(w, "servers", '[');
	for (i = 0; i < svc->num_dests; i++)
		jw_dest(w, &s->dests[i]);
	jw_close(w, ']');
	jw_close(w, '}');
}

void json_services(FILE *f, const struct xvs_ctl_info *info, const struct svc_list *l)
{
	struct jw w;
	char version[16];
	size_t i;

	snprintf(version, sizeof(version), "%u.%u.%u", (info->version_code >> 16) & 0xff,
		 (info->version_code >> 8) & 0xff, info->version_code & 0xff);
	jw_begin(&w, f);
	jw_str(&w, "version", version);
	jw_u64(&w, "conn_tab_size", info->conn_tab_size);
	jw_u64(&w, "conn_count", info->conn_count);
	jw_u64(&w, "conn_max", info->conn_max);
	jw_open(&w, "services", '[');
	for (i = 0; i < l->n; i++)
		jw_service(&w, &l->svcs[i]);
	jw_close(&w, ']');
	jw_end(&w);
}

void json_conns(FILE *f, const struct xvs_ctl_conn *conns, size_t n)
{
	struct jw w;
	size_t i;

	jw_begin(&w, f);
	jw_open(&w, "connections", '[');
	for (i = 0; i < n; i++) {
		const struct xvs_ctl_conn *c = &conns[i];

		jw_open(&w, NULL, '{');
		jw_str(&w, "protocol", list_proto_name(c->proto));
		jw_u64(&w, "expire", c->expire);
		jw_str(&w, "state", list_conn_state_name(c));
		jw_bool(&w, "template", c->flags & XVS_CONN_F_TEMPLATE);
		jw_addr(&w, "source_address", c->af, c->caddr);
		jw_u64(&w, "source_port", ntohs(c->cport));
		jw_addr(&w, "virtual_address", c->af, c->vaddr);
		jw_u64(&w, "virtual_port", ntohs(c->vport));
		jw_addr(&w, "destination_address", c->af, c->daddr);
		jw_u64(&w, "destination_port", ntohs(c->dport));
		jw_close(&w, '}');
	}
	jw_close(&w, ']');
	jw_end(&w);
}

void json_timeout(FILE *f, const struct xvs_ctl_timeout *t)
{
	struct jw w;

	jw_begin(&w, f);
	jw_open(&w, "timeout", '{');
	jw_u64(&w, "tcp", t->tcp);
	jw_u64(&w, "tcpfin", t->tcp_fin);
	jw_u64(&w, "udp", t->udp);
	jw_close(&w, '}');
	jw_end(&w);
}

void json_daemons(FILE *f, const struct xvs_ctl_daemon *d, size_t n)
{
	struct jw w;
	size_t i;

	jw_begin(&w, f);
	jw_open(&w, "daemons", '[');
	for (i = 0; i < n; i++, d++) {
		jw_open(&w, NULL, '{');
		jw_str(&w, "state", d->state == XVS_DAEMON_MASTER ? "master" : "backup");
		jw_strn(&w, "mcast_interface", d->mcast_ifn, sizeof(d->mcast_ifn));
		jw_u64(&w, "syncid", d->syncid);
		jw_addr(&w, "mcast_group", AF_INET, &d->mcast_group);
		jw_u64(&w, "mcast_port", ntohs(d->mcast_port));
		jw_u64(&w, "mcast_ttl", d->mcast_ttl);
		jw_u64(&w, "sync_maxlen", d->sync_maxlen);
		jw_close(&w, '}');
	}
	jw_close(&w, ']');
	jw_end(&w);
}
