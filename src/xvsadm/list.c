// SPDX-License-Identifier: GPL-2.0
/*
 * Listing formats of ipvsadm 1.31 (print_title, print_service_entry,
 * print_largenum, print_conn, list_timeout) reproduced from its printf
 * formats, including the cut of IPv4 names at 33/28 characters and the
 * trailing spaces of the default server rows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "xvs/abi.h"
#include "list.h"

int svc_list_parse(const void *buf, size_t len, struct svc_list *l)
{
	const char *p = buf, *end = p + len;
	size_t cap = 0;

	memset(l, 0, sizeof(*l));
	while (p < end) {
		struct list_svc *s;
		size_t dlen;

		if ((size_t)(end - p) < sizeof(s->svc))
			goto bad;
		if (l->n == cap) {
			struct list_svc *n;

			cap = cap ? 2 * cap : 8;
			n = realloc(l->svcs, cap * sizeof(*n));
			if (!n) {
				svc_list_free(l);
				return -ENOMEM;
			}
			l->svcs = n;
		}
		s = &l->svcs[l->n];
		memcpy(&s->svc, p, sizeof(s->svc));
		p += sizeof(s->svc);
		s->dests = NULL;
		l->n++;
		if (s->svc.num_dests > (size_t)(end - p) / sizeof(struct xvs_ctl_dest))
			goto bad;
		dlen = s->svc.num_dests * sizeof(struct xvs_ctl_dest);
		if (!dlen)
			continue;
		s->dests = malloc(dlen);
		if (!s->dests) {
			svc_list_free(l);
			return -ENOMEM;
		}
		memcpy(s->dests, p, dlen);
		p += dlen;
	}
	return 0;
bad:
	svc_list_free(l);
	return -EBADMSG;
}

void svc_list_free(struct svc_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->svcs[i].dests);
	free(l->svcs);
	l->svcs = NULL;
	l->n = 0;
}

/*
 * libipvs compares with int subtraction of unsigned values: keep it, so
 * addresses 2^31 apart sort as ipvsadm sorts them.
 */
static int cmp_addr(int af, const __u32 *a, const __u32 *b)
{
	int i, r = 0;

	if (af != AF_INET6)
		return (int)(ntohl(a[0]) - ntohl(b[0]));
	for (i = 0; !r && i < 4; i++)
		r = (int)(ntohl(a[i]) - ntohl(b[i]));
	return r;
}

static int cmp_svc(const void *pa, const void *pb)
{
	const struct xvs_ctl_svc_id *a = &((const struct list_svc *)pa)->svc.id;
	const struct xvs_ctl_svc_id *b = &((const struct list_svc *)pb)->svc.id;
	int r;

	r = (int)(a->fwmark - b->fwmark);
	if (r)
		return r;
	r = a->af - b->af;
	if (r)
		return r;
	r = a->proto - b->proto;
	if (r)
		return r;
	r = cmp_addr(a->af, a->addr, b->addr);
	if (r)
		return r;
	return ntohs(a->port) - ntohs(b->port);
}

static int cmp_dest(const void *pa, const void *pb)
{
	const struct xvs_ctl_dest *a = pa, *b = pb;
	int r = cmp_addr(a->af, a->addr, b->addr);

	if (r)
		return r;
	return ntohs(a->port) - ntohs(b->port);
}

void list_sort_dests(struct list_svc *s)
{
	if (s->svc.num_dests)
		qsort(s->dests, s->svc.num_dests, sizeof(*s->dests), cmp_dest);
}

void list_sort(struct svc_list *l)
{
	size_t i;

	if (l->n)
		qsort(l->svcs, l->n, sizeof(*l->svcs), cmp_svc);
	for (i = 0; i < l->n; i++)
		list_sort_dests(&l->svcs[i]);
}

void list_banner(FILE *f, const struct xvs_ctl_info *info)
{
	fprintf(f, "IP Virtual Server version %u.%u.%u (size=%d)\n", (info->version_code >> 16) & 0xff,
		(info->version_code >> 8) & 0xff, info->version_code & 0xff,
		(int)info->conn_tab_size);
}

void list_title(FILE *f, unsigned int format)
{
	if (format & FMT_STATS)
		fprintf(f, "%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n",
			"Prot LocalAddress:Port", "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes");
	else if (format & FMT_RATE)
		fprintf(f, "%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n",
			"Prot LocalAddress:Port", "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS");
	else if (format & FMT_THRESHOLDS)
		fprintf(f, "%-33s %-10s %-10s %-10s %-10s\n  -> RemoteAddress:Port\n",
			"Prot LocalAddress:Port", "Uthreshold", "Lthreshold", "ActiveConn", "InActConn");
	else if (format & FMT_PERSISTENTCONN)
		fprintf(f, "%-33s %-9s %-11s %-10s %-10s\n  -> RemoteAddress:Port\n",
			"Prot LocalAddress:Port", "Weight", "PersistConn", "ActiveConn", "InActConn");
	else if (format & FMT_TUN_INFO)
		fprintf(f, "Prot LocalAddress:Port Scheduler Flags\n"
			"  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n");
	else if (!(format & FMT_RULE))
		fprintf(f, "Prot LocalAddress:Port Scheduler Flags\n"
			"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
}

void list_largenum(FILE *f, unsigned long long i, unsigned int format)
{
	if (format & FMT_EXACT) {
		char tmp[32];
		int len = snprintf(tmp, sizeof(tmp), "%llu", i);

		fprintf(f, "%*llu", len <= 8 ? 9 : len + 1, i);
		return;
	}
	if (i < 100000000ULL)
		fprintf(f, "%9llu", i);
	else if (i < 1000000000ULL)
		fprintf(f, "%8lluK", i / 1000);
	else if (i < 100000000000ULL)
		fprintf(f, "%8lluM", i / 1000000);
	else if (i < 100000000000000ULL)
		fprintf(f, "%8lluG", i / 1000000000ULL);
	else
		fprintf(f, "%8lluT", i / 1000000000000ULL);
}

static const char *proto_name(int proto)
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

static const char *proto_switch(int proto)
{
	switch (proto) {
	case IPPROTO_UDP:
		return "-u";
	case IPPROTO_SCTP:
		return "--sctp-service";
	}
	return "-t";
}

void list_svc_name(char *buf, size_t len, const struct xvs_ctl_svc *svc, unsigned int format,
		   const struct addr_resolver *res)
{
	const struct xvs_ctl_svc_id *id = &svc->id;
	char vname[ADDR_NAME_LEN];
	bool v6 = id->af == AF_INET6;

	if (id->fwmark) {
		if (format & FMT_RULE)
			snprintf(buf, len, v6 ? "-f %u -6" : "-f %u", id->fwmark);
		else
			snprintf(buf, len, v6 ? "FWM  %u IPv6" : "FWM  %u", id->fwmark);
		return;
	}
	addr_port_name(vname, id->af, id->addr, ntohs(id->port), id->proto,
		       format & FMT_NUMERIC, res);
	if (format & FMT_RULE) {
		snprintf(buf, len, "%s %s", proto_switch(id->proto), vname);
		return;
	}
	snprintf(buf, len, "%-4s %s", proto_name(id->proto), vname);
	if (!v6 && len > 33)
		buf[33] = '\0';
}

void list_sched_flags(char *buf, size_t len, const struct xvs_ctl_svc *svc)
{
	const char *f1 = "flag-1", *f2 = "flag-2";
	size_t n;

	if (!strcmp(svc->sched, "sh")) {
		f1 = "sh-fallback";
		f2 = "sh-port";
	} else if (!strcmp(svc->sched, "mh")) {
		f1 = "mh-fallback";
		f2 = "mh-port";
	}
	snprintf(buf, len, "%s%s%s%s%s%s",
		 svc->flags & XVS_SVC_F_SCHED1 ? "," : "", svc->flags & XVS_SVC_F_SCHED1 ? f1 : "",
		 svc->flags & XVS_SVC_F_SCHED2 ? "," : "", svc->flags & XVS_SVC_F_SCHED2 ? f2 : "",
		 svc->flags & XVS_SVC_F_SCHED3 ? "," : "", svc->flags & XVS_SVC_F_SCHED3 ? "flag-3" : "");
	/* drop the leading comma */
	n = strlen(buf);
	if (n)
		memmove(buf, buf + 1, n);
}

static const char *fwd_name(__u32 fwd)
{
	switch (fwd) {
	case XVS_FWD_MASQ:
		return "Masq";
	case XVS_FWD_LOCAL:
		return "Local";
	case XVS_FWD_TUNNEL:
		return "Tunnel";
	case XVS_FWD_ROUTE:
		return "Route";
	}
	return "";
}

static void print_svc_line(FILE *f, const struct xvs_ctl_svc *svc, const char *name,
			   unsigned int format)
{
	char flags[64];

	if (format & FMT_STATS) {
		fprintf(f, "%-33s", name);
		list_largenum(f, svc->stats.conns, format);
		list_largenum(f, svc->stats.inpkts, format);
		list_largenum(f, svc->stats.outpkts, format);
		list_largenum(f, svc->stats.inbytes, format);
		list_largenum(f, svc->stats.outbytes, format);
	} else if (format & FMT_RATE) {
		fprintf(f, "%-33s", name);
		list_largenum(f, svc->rates.cps, format);
		list_largenum(f, svc->rates.inpps, format);
		list_largenum(f, svc->rates.outpps, format);
		list_largenum(f, svc->rates.inbps, format);
		list_largenum(f, svc->rates.outbps, format);
	} else {
		fprintf(f, "%s %s", name, svc->sched);
		list_sched_flags(flags, sizeof(flags), svc);
		if (flags[0])
			fprintf(f, " (%s)", flags);
		if (svc->flags & XVS_SVC_F_PERSISTENT) {
			fprintf(f, " persistent %u", svc->timeout);
			if (svc->id.af == AF_INET && svc->netmask != 0xffffffff) {
				struct in_addr mask = { .s_addr = svc->netmask };

				fprintf(f, " mask %s", inet_ntoa(mask));
			}
			if (svc->id.af == AF_INET6 && svc->netmask != 128)
				fprintf(f, " mask %u", svc->netmask);
		}
		if (svc->pe[0])
			fprintf(f, " pe %.*s", (int)sizeof(svc->pe), svc->pe);
		if (svc->flags & XVS_SVC_F_ONEPACKET)
			fprintf(f, " ops");
	}
	fputc('\n', f);
}

static void print_dest_line(FILE *f, const struct xvs_ctl_dest *d, const char *dname,
			    unsigned int format)
{
	if (format & FMT_STATS) {
		fprintf(f, "  -> %-28s", dname);
		list_largenum(f, d->stats.conns, format);
		list_largenum(f, d->stats.inpkts, format);
		list_largenum(f, d->stats.outpkts, format);
		list_largenum(f, d->stats.inbytes, format);
		list_largenum(f, d->stats.outbytes, format);
		fputc('\n', f);
	} else if (format & FMT_RATE) {
		fprintf(f, "  -> %-28s %8llu %8llu %8llu", dname, (unsigned long long)d->rates.cps,
			(unsigned long long)d->rates.inpps, (unsigned long long)d->rates.outpps);
		list_largenum(f, d->rates.inbps, format);
		list_largenum(f, d->rates.outbps, format);
		fputc('\n', f);
	} else if (format & FMT_THRESHOLDS) {
		fprintf(f, "  -> %-28s %-10u %-10u %-10u %-10u\n", dname, d->u_threshold,
			d->l_threshold, d->active, d->inactive);
	} else if (format & FMT_PERSISTENTCONN) {
		fprintf(f, "  -> %-28s %-9u %-11u %-10u %-10u\n", dname, d->weight, d->persist,
			d->active, d->inactive);
	} else if (format & FMT_TUN_INFO) {
		/* xvs has no tunnel servers: the info column is ipvsadm's n/a */
		fprintf(f, "  -> %-28s %-7s %-13s %-6d %-10u %-10u\n", dname, fwd_name(d->fwd),
			"n/a", d->weight, d->active, d->inactive);
	} else {
		fprintf(f, "  -> %-28s %-7s %-6d %-10u %-10u\n", dname, fwd_name(d->fwd), d->weight,
			d->active, d->inactive);
	}
}

void list_service(FILE *f, const struct list_svc *s, unsigned int format,
		  const struct addr_resolver *res)
{
	char name[1024], dname[ADDR_NAME_LEN];
	__u32 i;

	list_svc_name(name, sizeof(name), &s->svc, format, res);
	print_svc_line(f, &s->svc, name, format);
	for (i = 0; i < s->svc.num_dests; i++) {
		const struct xvs_ctl_dest *d = &s->dests[i];

		addr_port_name(dname, d->af, d->addr, ntohs(d->port), s->svc.id.proto,
			       format & FMT_NUMERIC, res);
		if (d->af != AF_INET6)
			dname[28] = '\0';
		print_dest_line(f, d, dname, format);
	}
}

void list_timeout(FILE *f, const struct xvs_ctl_timeout *t)
{
	fprintf(f, "Timeout (tcp tcpfin udp): %d %d %d\n", (int)t->tcp, (int)t->tcp_fin,
		(int)t->udp);
}

void list_daemons(FILE *f, const struct xvs_ctl_daemon *d, size_t n)
{
	char group[INET_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < n; i++, d++) {
		fprintf(f, "%s sync daemon (mcast=%.*s, syncid=%u",
			d->state == XVS_DAEMON_MASTER ? "master" : "backup",
			(int)sizeof(d->mcast_ifn), d->mcast_ifn, d->syncid);
		if (d->set & XVS_DAEMON_SET_MAXLEN)
			fprintf(f, ", maxlen=%u", d->sync_maxlen);
		if ((d->set & XVS_DAEMON_SET_GROUP) &&
		    inet_ntop(AF_INET, &d->mcast_group, group, sizeof(group)))
			fprintf(f, ", group=%s", group);
		if (d->set & XVS_DAEMON_SET_PORT)
			fprintf(f, ", port=%u", ntohs(d->mcast_port));
		if (d->set & XVS_DAEMON_SET_TTL)
			fprintf(f, ", ttl=%u", d->mcast_ttl);
		fprintf(f, ")\n");
	}
}

void list_conn_title(FILE *f, unsigned int format)
{
	fprintf(f, "IPVS connection entries\n");
	if (format & FMT_PERSISTENTCONN)
		fprintf(f, "pro expire %-11s %-18s %-18s %-18s %-16s %s\n", "state", "source",
			"virtual", "destination", "pe name", "pe_data");
	else
		fprintf(f, "pro expire %-11s %-18s %-18s %s\n", "state", "source", "virtual",
			"destination");
}

static const char *conn_state_name(const struct xvs_ctl_conn *c)
{
	static const char *const tcp[] = {
		[XVS_TCP_S_NONE] = "NONE",
		[XVS_TCP_S_ESTABLISHED] = "ESTABLISHED",
		[XVS_TCP_S_SYN_SENT] = "SYN_SENT",
		[XVS_TCP_S_SYN_RECV] = "SYN_RECV",
		[XVS_TCP_S_FIN_WAIT] = "FIN_WAIT",
		[XVS_TCP_S_TIME_WAIT] = "TIME_WAIT",
		[XVS_TCP_S_CLOSE] = "CLOSE",
		[XVS_TCP_S_CLOSE_WAIT] = "CLOSE_WAIT",
		[XVS_TCP_S_LAST_ACK] = "LAST_ACK",
		[XVS_TCP_S_LISTEN] = "LISTEN",
		[XVS_TCP_S_SYNACK] = "SYNACK",
		[XVS_S_UDP] = "UDP",
	};

	if (c->flags & XVS_CONN_F_TEMPLATE)
		return c->state ? "ASSURED" : "NONE";
	if (c->state < sizeof(tcp) / sizeof(tcp[0]))
		return tcp[c->state];
	return "BUG!";
}

void list_conn(FILE *f, const struct xvs_ctl_conn *c, unsigned int format,
	       const struct addr_resolver *res)
{
	char cname[ADDR_NAME_LEN], vname[ADDR_NAME_LEN], dname[ADDR_NAME_LEN], expire[16];
	bool numeric = format & FMT_NUMERIC;

	addr_port_name(cname, c->af, c->caddr, ntohs(c->cport), c->proto, numeric, res);
	addr_port_name(vname, c->af, c->vaddr, ntohs(c->vport), c->proto, numeric, res);
	addr_port_name(dname, c->af, c->daddr, ntohs(c->dport), c->proto, numeric, res);
	snprintf(expire, sizeof(expire), "%02d:%02d", (int)(c->expire / 60), (int)(c->expire % 60));
	if (format & FMT_PERSISTENTCONN)
		fprintf(f, "%-3s %-6s %-11s %-18s %-18s %-18s %-16s %s\n", proto_name(c->proto),
			expire, conn_state_name(c), cname, vname, dname, "", "");
	else
		fprintf(f, "%-3s %-6s %-11s %-18s %-18s %s\n", proto_name(c->proto), expire,
			conn_state_name(c), cname, vname, dname);
}

/* The words of the listings, for the JSON printer (json.c). */
const char *list_proto_name(int proto)
{
	return proto_name(proto);
}

const char *list_fwd_name(__u32 fwd)
{
	return fwd_name(fwd);
}

const char *list_conn_state_name(const struct xvs_ctl_conn *c)
{
	return conn_state_name(c);
}
