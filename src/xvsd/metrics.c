// SPDX-License-Identifier: GPL-2.0
/*
 * The metrics a scrape shows, in Prometheus' text exposition format 0.0.4.
 * A snapshot is taken with the very code that answers xvsadm's LIST and
 * GET_INFO (list.c), so metrics and `ipvsadm -L --stats/--rate` never
 * disagree; with keepalived.conf, the health of its servers follows
 * (ka_metrics.c). Per-service and per-server families are tables of offsets into
 * the reply structs; every family is written whole (HELP, TYPE, then all its
 * samples), as the format requires.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "dropwatch.h"
#include "ka_apply.h"
#include "list.h"
#include "metrics.h"
#include "sync.h"

enum width { W_U64, W_U32, W_S32 };

struct family {
	const char *name;
	const char *type;
	const char *help;
	size_t off;		/* of the value in xvs_ctl_svc or xvs_ctl_dest */
	enum width width;
};

#define SVC(field) offsetof(struct xvs_ctl_svc, field)
#define DEST(field) offsetof(struct xvs_ctl_dest, field)

/* The counters and rates of `ipvsadm -L --stats` and `--rate`, for one struct type. */
#define TRAFFIC(scope, OFF)									\
	{ "xvs_" scope "_connections_total", "counter",						\
	  "Connections scheduled (ipvsadm --stats Conns).", OFF(stats.conns), W_U64 },		\
	{ "xvs_" scope "_in_packets_total", "counter",						\
	  "Packets from clients (InPkts).", OFF(stats.inpkts), W_U64 },				\
	{ "xvs_" scope "_out_packets_total", "counter",						\
	  "Packets from real servers to clients (OutPkts).", OFF(stats.outpkts), W_U64 },	\
	{ "xvs_" scope "_in_bytes_total", "counter",						\
	  "IP-layer bytes from clients (InBytes).", OFF(stats.inbytes), W_U64 },		\
	{ "xvs_" scope "_out_bytes_total", "counter",						\
	  "IP-layer bytes from real servers to clients (OutBytes).", OFF(stats.outbytes),	\
	  W_U64 },										\
	{ "xvs_" scope "_connections_per_second", "gauge",					\
	  "Connection rate, IPVS's 2 s estimator (ipvsadm --rate CPS).", OFF(rates.cps),	\
	  W_U64 },										\
	{ "xvs_" scope "_in_packets_per_second", "gauge",					\
	  "Packet rate from clients (InPPS).", OFF(rates.inpps), W_U64 },			\
	{ "xvs_" scope "_out_packets_per_second", "gauge",					\
	  "Packet rate to clients (OutPPS).", OFF(rates.outpps), W_U64 },			\
	{ "xvs_" scope "_in_bytes_per_second", "gauge",						\
	  "Byte rate from clients (InBPS).", OFF(rates.inbps), W_U64 },				\
	{ "xvs_" scope "_out_bytes_per_second", "gauge",					\
	  "Byte rate to clients (OutBPS).", OFF(rates.outbps), W_U64 }

static const struct family svc_families[] = {
	TRAFFIC("service", SVC),
	{ "xvs_service_servers", "gauge", "Real servers in the service.", SVC(num_dests),
	  W_U32 },
};

static const struct family dest_families[] = {
	TRAFFIC("server", DEST),
	{ "xvs_server_active_connections", "gauge",
	  "Connections in an active state (ipvsadm ActiveConn).", DEST(active), W_U32 },
	{ "xvs_server_inactive_connections", "gauge",
	  "Connections in another state (ipvsadm InActConn).", DEST(inactive), W_U32 },
	{ "xvs_server_persistent_connections", "gauge",
	  "Persistence templates pointing at the server (ipvsadm PersistConn).",
	  DEST(persist), W_U32 },
	{ "xvs_server_weight", "gauge", "Scheduling weight; 0 takes no new connections.",
	  DEST(weight), W_S32 },
};

/* Names of enum xvs_drop, the "reason" label of xvs_drops_total. */
static const char *const drop_reasons[XVS_DROP_MAX] = {
	[XVS_DROP_NO_DEST] = "no_dest",
	[XVS_DROP_DEST_GONE] = "dest_gone",
	[XVS_DROP_CONN_FULL] = "conn_full",
	[XVS_DROP_FRAG_NEEDED] = "frag_needed",
	[XVS_DROP_FIB] = "fib",
	[XVS_DROP_MALFORMED] = "malformed",
	[XVS_DROP_ICMP_RATELIMIT] = "icmp_ratelimit",
	[XVS_DROP_FRAG_UNMATCHED] = "frag_unmatched",
	[XVS_DROP_POOL_EVICT] = "pool_evict",
	[XVS_DROP_POOL_EXPIRE] = "pool_expire",
	[XVS_DROP_NO_CONN] = "no_conn",
};

/* The sample value of fam in the struct at base, and the end of the line. */
static void put_value(FILE *f, const void *base, const struct family *fam)
{
	const char *p = (const char *)base + fam->off;
	__u64 u64;
	__u32 u32;
	__s32 s32;

	switch (fam->width) {
	case W_U64:
		memcpy(&u64, p, sizeof(u64));
		fprintf(f, " %llu\n", (unsigned long long)u64);
		break;
	case W_U32:
		memcpy(&u32, p, sizeof(u32));
		fprintf(f, " %u\n", u32);
		break;
	case W_S32:
		memcpy(&s32, p, sizeof(s32));
		fprintf(f, " %d\n", s32);
		break;
	}
}

void metrics_put_label_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n') {
			fputs("\\n", f);
			continue;
		}
		fputc(*s, f);
	}
}

static void header(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static const char *proto_name(__u16 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	case IPPROTO_SCTP:
		return "SCTP";
	}
	return "IP";
}

static void addr_str(char *buf, size_t len, __u16 af, const __u32 *addr)
{
	if (!inet_ntop(af == AF_INET6 ? AF_INET6 : AF_INET, addr, buf, len))
		snprintf(buf, len, "?");
}

/*
 * protocol, vip, port: the labels of a service (numeric, nothing to escape);
 * an fwmark service (protocol IP, no VIP) adds fwmark, which tells it apart.
 */
static void svc_labels(char *buf, size_t len, const struct xvs_ctl_svc *svc)
{
	char vip[INET6_ADDRSTRLEN];
	int n;

	addr_str(vip, sizeof(vip), svc->id.af, svc->id.addr);
	n = snprintf(buf, len, "protocol=\"%s\",vip=\"%s\",port=\"%u\"",
		     proto_name(svc->id.proto), vip, ntohs(svc->id.port));
	if (svc->id.fwmark && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, ",fwmark=\"%u\"", svc->id.fwmark);
}

/* The services of a LIST reply, walked in place. */
struct walk {
	const char *p, *end;
	const struct xvs_ctl_svc *svc;
	const struct xvs_ctl_dest *dests;
};

static struct walk walk_start(const struct metrics_data *d)
{
	struct walk w = { .p = d->list, .end = (const char *)d->list + d->list_len };

	return w;
}

/*
 * Next service, or false at the end. The reply is whole structs back to back
 * in a malloc'd buffer, each a multiple of 8 bytes long: every one is aligned.
 */
static bool walk_next(struct walk *w, int *err)
{
	size_t left = w->end - w->p;

	if (!left)
		return false;
	if (left < sizeof(*w->svc))
		goto torn;
	w->svc = (const struct xvs_ctl_svc *)w->p;
	left -= sizeof(*w->svc);
	if (w->svc->num_dests > left / sizeof(*w->dests))
		goto torn;
	w->dests = (const struct xvs_ctl_dest *)(w->p + sizeof(*w->svc));
	w->p += sizeof(*w->svc) + w->svc->num_dests * sizeof(*w->dests);
	return true;
torn:
	*err = -EBADMSG;
	return false;
}

static int put_svc_family(FILE *f, const struct metrics_data *d, const struct family *fam)
{
	struct walk w = walk_start(d);
	char labels[160];
	int err = 0;

	header(f, fam->name, fam->type, fam->help);
	while (walk_next(&w, &err)) {
		svc_labels(labels, sizeof(labels), w.svc);
		fprintf(f, "%s{%s}", fam->name, labels);
		put_value(f, w.svc, fam);
	}
	return err;
}

static int put_dest_family(FILE *f, const struct metrics_data *d, const struct family *fam)
{
	struct walk w = walk_start(d);
	char labels[160], rip[INET6_ADDRSTRLEN];
	int err = 0;
	__u32 i;

	header(f, fam->name, fam->type, fam->help);
	while (walk_next(&w, &err)) {
		svc_labels(labels, sizeof(labels), w.svc);
		for (i = 0; i < w.svc->num_dests; i++) {
			const struct xvs_ctl_dest *dest = &w.dests[i];

			addr_str(rip, sizeof(rip), dest->af, dest->addr);
			fprintf(f, "%s{%s,server=\"%s\",server_port=\"%u\"}", fam->name, labels,
				rip, ntohs(dest->port));
			put_value(f, dest, fam);
		}
	}
	return err;
}

static int put_svc_info(FILE *f, const struct metrics_data *d)
{
	struct walk w = walk_start(d);
	char labels[160];
	int err = 0;

	header(f, "xvs_service_info", "gauge",
	       "Always 1; the service's scheduler and persistence timeout (0: none) as labels.");
	while (walk_next(&w, &err)) {
		svc_labels(labels, sizeof(labels), w.svc);
		fprintf(f, "xvs_service_info{%s,scheduler=\"%.*s\",persistent=\"%u\"} 1\n", labels,
			(int)strnlen(w.svc->sched, sizeof(w.svc->sched)), w.svc->sched,
			w.svc->flags & XVS_SVC_F_PERSISTENT ? w.svc->timeout : 0);
	}
	return err;
}

static void put_globals(FILE *f, const struct metrics_data *d)
{
	int i;

	header(f, "xvs_build_info", "gauge",
	       "Always 1; xvsd's version, datapath ABI and control protocol as labels.");
	fprintf(f, "xvs_build_info{version=\"%s\",abi=\"%u\",ctl_protocol=\"%u\"} 1\n",
		d->version, XVS_ABI_VERSION, XVS_CTL_VERSION);
	header(f, "xvs_services", "gauge", "Virtual services configured.");
	fprintf(f, "xvs_services %u\n", d->info.num_services);
	header(f, "xvs_connections", "gauge",
	       "Connections in the table (as ipvsadm -L -c lists them), at the last sweep.");
	fprintf(f, "xvs_connections %u\n", d->info.conn_count);
	header(f, "xvs_connections_max", "gauge", "Connection table capacity.");
	fprintf(f, "xvs_connections_max %u\n", d->info.conn_max);
	header(f, "xvs_expired_connections_total", "counter",
	       "Connections expired by xvsd's sweeper since it started.");
	fprintf(f, "xvs_expired_connections_total %llu\n", (unsigned long long)d->expired);
	header(f, "xvs_drops_total", "counter", "Packets the datapath dropped, by reason.");
	for (i = 0; i < XVS_DROP_MAX; i++)
		fprintf(f, "xvs_drops_total{reason=\"%s\"} %llu\n", drop_reasons[i],
			(unsigned long long)d->drops[i]);
}

static bool daemon_running(const struct metrics_data *d, __u32 state)
{
	size_t j;

	for (j = 0; j < d->ndaemons; j++)
		if (d->daemons[j].state == state)
			return true;
	return false;
}

static void counter(FILE *f, const char *name, const char *help, __u64 v)
{
	header(f, name, "counter", help);
	fprintf(f, "%s %llu\n", name, (unsigned long long)v);
}

/* What the sync daemons sent and received since xvsd started. */
static void put_sync_traffic(FILE *f, const struct sync_stats *st)
{
	counter(f, "xvs_sync_messages_sent_total",
		"Sync datagrams the master daemon sent.", st->msgs_sent);
	counter(f, "xvs_sync_connections_sent_total",
		"Connection records in the sync datagrams sent.", st->conns_sent);
	counter(f, "xvs_sync_send_errors_total",
		"Sync datagrams the master daemon could not send (the refresh resends).",
		st->send_errors);
	counter(f, "xvs_sync_messages_received_total",
		"Sync datagrams the backup daemon took (its syncid, well formed).",
		st->msgs_received);
	counter(f, "xvs_sync_connections_received_total",
		"Connection records in the sync datagrams taken.", st->conns_received);
	header(f, "xvs_sync_messages_dropped_total", "counter",
	       "Sync datagrams the backup daemon dropped, by reason.");
	fprintf(f, "xvs_sync_messages_dropped_total{reason=\"malformed\"} %llu\n",
		(unsigned long long)st->msgs_malformed);
	fprintf(f, "xvs_sync_messages_dropped_total{reason=\"syncid\"} %llu\n",
		(unsigned long long)st->msgs_other_syncid);
	counter(f, "xvs_sync_connections_dropped_total",
		"Synced connection records naming no service or server here.",
		st->conns_unknown);
}

/* The sync daemons (ipvsadm -L --daemon): running or not, and their settings. */
static void put_sync(FILE *f, const struct metrics_data *d)
{
	const struct xvs_ctl_daemon *dm;
	char ifn[XVS_IFNAMSIZ + 1], group[INET_ADDRSTRLEN];
	size_t j;

	header(f, "xvs_sync_daemon_running", "gauge",
	       "1 while the connection sync daemon of that state runs (ipvsadm --start-daemon).");
	fprintf(f, "xvs_sync_daemon_running{state=\"master\"} %d\n",
		daemon_running(d, XVS_DAEMON_MASTER));
	fprintf(f, "xvs_sync_daemon_running{state=\"backup\"} %d\n",
		daemon_running(d, XVS_DAEMON_BACKUP));
	header(f, "xvs_sync_daemon_info", "gauge",
	       "Always 1 for a running sync daemon; its settings as labels.");
	for (j = 0; j < d->ndaemons; j++) {
		dm = &d->daemons[j];
		snprintf(group, sizeof(group), "%s", SYNC_DEF_GROUP);
		if (dm->mcast_group)
			inet_ntop(AF_INET, &dm->mcast_group, group, sizeof(group));
		snprintf(ifn, sizeof(ifn), "%.*s", (int)strnlen(dm->mcast_ifn, XVS_IFNAMSIZ),
			 dm->mcast_ifn);
		fprintf(f, "xvs_sync_daemon_info{state=\"%s\",interface=\"",
			dm->state == XVS_DAEMON_MASTER ? "master" : "backup");
		metrics_put_label_value(f, ifn);
		fprintf(f, "\",syncid=\"%u\",group=\"%s\",port=\"%u\"} 1\n", dm->syncid,
			group, dm->mcast_port ? ntohs(dm->mcast_port) : SYNC_DEF_PORT);
	}
	put_sync_traffic(f, &d->sync_stats);
}

int metrics_format(FILE *f, const struct metrics_data *d)
{
	size_t i;
	int err;

	put_globals(f, d);
	err = put_svc_info(f, d);
	for (i = 0; !err && i < sizeof(svc_families) / sizeof(svc_families[0]); i++)
		err = put_svc_family(f, d, &svc_families[i]);
	for (i = 0; !err && i < sizeof(dest_families) / sizeof(dest_families[0]); i++)
		err = put_dest_family(f, d, &dest_families[i]);
	if (!err && d->sync)
		put_sync(f, d);
	if (!err && d->ka)
		ka_metrics_format(f, d->ka);
	return err;
}

static int read_drops(const struct xvsd_maps *m, __u64 *drops)
{
	__u32 i;
	int err = 0;

	for (i = 0; i < XVS_DROP_MAX && !err; i++)
		err = drops_read(m, i, &drops[i]);
	return err;
}

int metrics_collect(struct xvsd *st, const char *version, struct metrics_data *d)
{
	void *list = NULL;
	int err;

	memset(d, 0, sizeof(*d));
	d->version = version;
	list_info(st, &d->info);
	d->expired = st->gc_expired;
	d->ka = st->ka;
	d->sync = st->sync != NULL;
	if (st->sync) {
		d->ndaemons = sync_list(st->sync, d->daemons);
		sync_get_stats(st->sync, &d->sync_stats);
	}
	err = read_drops(&st->maps, d->drops);
	if (err)
		return err;
	err = list_services(st, NULL, &list, &d->list_len);
	if (err)
		return err;
	d->list = list;
	return 0;
}

void metrics_data_free(struct metrics_data *d)
{
	free((void *)d->list);
	d->list = NULL;
	d->list_len = 0;
}
