/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection sync, master side: sync_note() copies a connection's IN entry
 * into sync_ring for xvsd's master sync daemon (src/xvsd/sync.c). Called
 * where a connection is created and where its state changes; it costs one
 * load of a globals field the caller already holds unless this director is
 * a sync master. A full ring drops the record: xvsd's periodic refresh sends
 * every connection again anyway.
 */
#ifndef XVS_SYNC_H
#define XVS_SYNC_H

#include "maps.h"

static __always_inline void sync_note(const struct xvs_conn *cn, __u8 proto,
				      const struct xvs_globals *g)
{
	struct xvs_sync_rec *r;

	if (!g || !g->sync_master)
		return;
	r = bpf_ringbuf_reserve(&sync_ring, sizeof(*r), 0);
	if (!r)
		return;
	__builtin_memcpy(&r->conn, cn, sizeof(r->conn));
	r->proto = proto;
	r->pad = 0;
	bpf_ringbuf_submit(r, 0);
}

#endif /* XVS_SYNC_H */
