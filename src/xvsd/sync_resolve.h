/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection sync between ids and records. Master side: a connection's
 * record (sync_msg.h) with its service's mark. Backup side: a record as
 * the master sent it turned into an entry for the xvs_sync_in program, with
 * this director's service and server ids (ids differ between directors). The
 * service is found as IPVS's ip_vs_service_find() finds it (mark, then
 * protocol, VIP and port, then the VIP's port-0 service), the server as
 * ip_vs_find_dest() does (its port, else one without a port).
 */
#ifndef XVSD_SYNC_RESOLVE_H
#define XVSD_SYNC_RESOLVE_H

#include <xvs/abi.h>
#include "state.h"
#include "sync_msg.h"

#define SYNC_TPL_TIMEOUT	360	/* a persistent service's timeout when 0 (ipvsadm -p) */

/* The lookup state: the last service list read, reused for a batch. */
struct sync_resolve {
	struct xvsd *st;
	__u32 list_svc;			/* service whose list is in list; 0: none */
	struct xvs_svc_dests list;
};

/* Forget the list read last: the configuration may have changed since. */
static inline void sync_resolve_reset(struct sync_resolve *r)
{
	r->list_svc = 0;
}

/*
 * The record of IN entry @cn (@proto from its key) at @now_ns (the
 * datapath's clock): its time left, and the mark of its service if that is
 * an fwmark service (0 else; a template of protocol 0: the mark in its key).
 * A record always passes sync_msg_decode()'s checks.
 */
void sync_record(const struct xvsd *st, const struct xvs_conn *cn, __u8 proto, __u64 now_ns,
		 struct sync_conn *c);

/* Fill @e from @c with our ids: 0, or -ENOENT (no such service or server here). */
int sync_resolve(struct sync_resolve *r, const struct sync_conn *c, struct xvs_sync_ent *e);

#endif /* XVSD_SYNC_RESOLVE_H */
