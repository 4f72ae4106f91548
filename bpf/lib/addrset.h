/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lookups in addr_set, the VIPs and NAT real servers xvsd keeps there from
 * its services: for packets that match no connection but still say
 * something about one (a straggling fragment to a VIP, a server answering
 * a connection the director no longer has).
 */
#ifndef XVS_ADDRSET_H
#define XVS_ADDRSET_H

#include "maps.h"

/* Is @addr the address of some service? */
static __always_inline int addrset_is_vip(__u32 addr)
{
	struct xvs_addr_key k = { .addr = addr, .kind = XVS_ADDR_VIP };

	return bpf_map_lookup_elem(&addr_set, &k) != NULL;
}

/*
 * Is @addr:@port (@proto) a NAT real server of some service? A server
 * configured with port 0 serves every port (it takes the packet's).
 */
static __always_inline int addrset_is_rs(__u32 addr, __u16 port, __u8 proto)
{
	struct xvs_addr_key k = { .addr = addr, .port = port, .proto = proto,
				  .kind = XVS_ADDR_RS };

	if (bpf_map_lookup_elem(&addr_set, &k))
		return 1;
	k.port = 0;
	return bpf_map_lookup_elem(&addr_set, &k) != NULL;
}

#endif /* XVS_ADDRSET_H */
