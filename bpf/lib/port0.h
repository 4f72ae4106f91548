/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Port-0 services (-t VIP:0 -p): IPVS looks for one when a packet's
 * (protocol, VIP, port) has no service of its own (ip_vs_service_find(),
 * nullsvc_counter), so it catches every other port of the VIP. The second
 * lookup runs only while some port-0 service exists (svc_port0, kept by
 * xvsd). Their persistence templates carry port 0 (persist.h).
 */
#ifndef XVS_PORT0_H
#define XVS_PORT0_H

#include "maps.h"

/* The port-0 service of @sk's protocol and address, or NULL; @sk's port is 0 after. */
static __always_inline struct xvs_svc *port0_svc(struct xvs_svc_key *sk)
{
	__u32 zero = 0, *n = bpf_map_lookup_elem(&svc_port0, &zero);

	if (!n || !*n)
		return NULL;
	sk->port = 0;
	return bpf_map_lookup_elem(&svc_map, sk);
}

#endif /* XVS_PORT0_H */
