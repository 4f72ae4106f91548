// SPDX-License-Identifier: GPL-2.0
/* A connection's sync record, and a synced record's service and server here (sync_resolve.h). */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "sync_resolve.h"

void sync_record(const struct xvsd *st, const struct xvs_conn *cn, __u8 proto, __u64 now_ns,
		 struct sync_conn *c)
{
	const struct xvsd_svc *svc = cn->svc_id < st->max_svc ? st->svcs[cn->svc_id] : NULL;

	sync_conn_from(c, cn, proto);
	c->timeout = sync_conn_left(cn, now_ns);
	if (svc && (svc->cfg.flags & XVS_SVC_F_FWMARK))
		c->fwmark = ntohl(svc->key.addr);
	/* An fwmark template's key holds its mark, whatever became of its service. */
	if (!proto)
		c->fwmark = ntohl(cn->vaddr);
	/* A connection outliving its fwmark service: no mark to name (a backup
	 * refuses FWMARK without one, and the whole datagram with it). */
	if (!c->fwmark)
		c->flags &= ~XVS_CONN_F_FWMARK;
}

/* Our id of server @addr:@port in the list of service @svc_id, or 0; @any: any port. */
static __u32 list_find(struct sync_resolve *r, __u32 svc_id, __u32 addr, __u16 port,
		       bool any)
{
	struct xvsd *st = r->st;
	__u32 i, id;

	if (r->list_svc != svc_id) {
		r->list_svc = 0;
		if (state_read_list(st, svc_id, &r->list))
			return 0;
		r->list_svc = svc_id;
	}
	for (i = 0; i < r->list.count; i++) {
		id = r->list.dest[i];
		if (id && id < st->max_dest && st->dests[id] &&
		    st->dests[id]->info.addr == addr &&
		    (any || st->dests[id]->info.port == port))
			return id;
	}
	return 0;
}

/*
 * Our id of the server @addr:@port of service @svc_id, or 0. As IPVS's
 * ip_vs_find_dest(): a server without a port (fwmark and port-0 services')
 * when none has @port. A template of such a service carries port 0 (the
 * master's server port is not in it): the first server of the address.
 */
static __u32 find_dest(struct sync_resolve *r, __u32 svc_id, __u32 addr, __u16 port)
{
	__u32 id = list_find(r, svc_id, addr, port, false);

	if (!id && port)
		id = list_find(r, svc_id, addr, 0, false);
	if (!id && !port)
		id = list_find(r, svc_id, addr, 0, true);
	return id;
}

/* The service of @c: its mark's, then (protocol, VIP, port), then the VIP's port-0 one. */
static struct xvsd_svc *find_svc(struct xvsd *st, const struct sync_conn *c)
{
	struct xvs_svc_key key = { .addr = htonl(c->fwmark) };
	struct xvsd_svc *svc = NULL;

	if (c->fwmark)
		svc = state_find_svc(st, &key);
	if (svc || !c->proto)
		return svc;
	key = (struct xvs_svc_key){ .addr = c->vaddr, .port = c->vport, .proto = c->proto };
	svc = state_find_svc(st, &key);
	if (svc || !key.port)
		return svc;
	key.port = 0;
	return state_find_svc(st, &key);
}

/*
 * The flags of @c's entry here: a connection's template key follows our
 * service (mark or port 0, conn_key_tpl()), so a backup configured
 * otherwise still keys it as its own datapath would.
 */
static __u16 entry_flags(const struct sync_conn *c, const struct xvsd_svc *svc)
{
	__u16 f = c->flags & ~(XVS_CONN_F_FWMARK | XVS_CONN_F_PORT0);

	if (f & XVS_CONN_F_TEMPLATE)
		return f;
	if ((f & XVS_CONN_F_CONTROLLED) && (svc->cfg.flags & XVS_SVC_F_FWMARK))
		f |= XVS_CONN_F_FWMARK;
	if (svc->cfg.flags & XVS_SVC_F_PORT0)
		f |= XVS_CONN_F_PORT0;
	return f;
}

int sync_resolve(struct sync_resolve *r, const struct sync_conn *c, struct xvs_sync_ent *e)
{
	struct xvsd_svc *svc = find_svc(r->st, c);
	__u32 dest_id = svc ? find_dest(r, svc->id, c->daddr, c->dport) : 0;

	if (!dest_id)
		return -ENOENT;
	memset(e, 0, sizeof(*e));
	e->conn.caddr = c->caddr;
	e->conn.vaddr = c->vaddr;
	e->conn.daddr = c->daddr;
	e->conn.cport = c->cport;
	e->conn.vport = c->vport;
	e->conn.dport = c->dport;
	e->conn.flags = entry_flags(c, svc);
	e->conn.dest_id = dest_id;
	e->conn.svc_id = svc->id;
	e->conn.state = c->state;
	e->conn.timeout = c->timeout;
	e->conn.tpl_addr = c->tpl_addr;
	e->proto = c->proto;
	e->svc_timeout = svc->cfg.timeout ? svc->cfg.timeout : SYNC_TPL_TIMEOUT;
	return 0;
}
