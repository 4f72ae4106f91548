/* SPDX-License-Identifier: GPL-2.0 */
/*
 * addr_set, the datapath's view of which addresses are VIPs and which
 * address:port pairs are NAT real servers (bpf/lib/addrset.h), kept equal
 * to xvsd's services: rebuilt after every configuration change and on each
 * sweep. svc_port0's count of port-0 services rides along.
 */
#ifndef XVSD_ADDRSET_H
#define XVSD_ADDRSET_H

#include "state.h"

/* Make addr_set hold exactly what st's services say. Returns 0 or -errno. */
int addrset_sync(struct xvsd *st);

#endif /* XVSD_ADDRSET_H */
