/* SPDX-License-Identifier: GPL-2.0 */
/*
 * addr_set, the datapath's view of which addresses are VIPs and which
 * address:port pairs are NAT real servers (bpf/lib/addrset.h), kept equal
 * to xvsd's services: adjusted by each configuration change, rebuilt on
 * each sweep and whenever an adjustment failed. svc_port0's count of
 * port-0 services rides along.
 */
#ifndef XVSD_ADDRSET_H
#define XVSD_ADDRSET_H

#include "state.h"

/* Make addr_set hold exactly what st's services say. Returns 0 or -errno. */
int addrset_sync(struct xvsd *st);

/*
 * Service @s (@delta 1: added, -1: about to go) or server @d (1: now
 * linked, -1: about to be unlinked) changes addr_set's counts. A failure
 * only marks the set stale (st->addrset_stale): ctl rebuilds it after the
 * request, the sweep at the latest.
 */
void addrset_svc(struct xvsd *st, const struct xvsd_svc *s, int delta);
void addrset_dest(struct xvsd *st, const struct xvsd_dest *d, int delta);

#endif /* XVSD_ADDRSET_H */
