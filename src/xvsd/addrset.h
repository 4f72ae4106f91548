/* SPDX-License-Identifier: GPL-2.0 */
/*
 * addr_set, the datapath's view of which addresses are VIPs and which
 * address:port pairs are NAT real servers (bpf/lib/addrset.h), kept equal
 * to xvsd's services: adjusted by each configuration change, compared on
 * each sweep, rebuilt when that finds a difference and whenever an
 * adjustment failed. svc_port0's count of port-0 services rides along.
 */
#ifndef XVSD_ADDRSET_H
#define XVSD_ADDRSET_H

#include "state.h"

/* Make addr_set hold exactly what st's services say. Returns 0 or -errno. */
int addrset_sync(struct xvsd *st);

/* The sweep's look: rebuild (addrset_sync) if addr_set differs from the counts
 * xvsd wrote or is stale. Returns 0 or -errno. */
int addrset_check(struct xvsd *st);

/*
 * Service @s (@delta 1: added, -1: about to go) or server @d (1: now
 * linked, -1: about to be unlinked) changes addr_set's counts. A failure
 * only marks the set stale (st->addrset_stale): ctl rebuilds it after the
 * request, the sweep at the latest.
 */
void addrset_svc(struct xvsd *st, const struct xvsd_svc *s, int delta);
void addrset_dest(struct xvsd *st, const struct xvsd_dest *d, int delta);

/*
 * Adjustments after addrset_defer() are written by the matching
 * addrset_flush(), all in one batch (pairs nest). Returns 0, or -errno
 * after marking the set stale.
 */
void addrset_defer(struct xvsd *st);
int addrset_flush(struct xvsd *st);

/*
 * The addresses of the linked NAT servers, from the counts (a key per
 * address, port and protocol: duplicates possible), up to @max in @out.
 * -ESTALE when the counts may be wrong (then walk the servers), -ENOSPC.
 */
int addrset_rs_addrs(const struct xvsd *st, __u32 *out, __u32 max, __u32 *n);

/* Free the counts kept in memory (state_free()). */
void addrset_free(struct xvsd *st);

#endif /* XVSD_ADDRSET_H */
