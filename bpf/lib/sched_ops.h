/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One-packet scheduling (-o, IPVS's IP_VS_SVC_F_ONEPACKET): every UDP
 * datagram to such a service is scheduled afresh. IPVS makes a connection
 * that it never hashes and frees after sending, so the server's answer
 * finds nothing and leaves untranslated. xvs makes the connection (marked
 * XVS_CONN_F_OPS) so that the answer is rewritten to the VIP as for any
 * connection, but never lets a request use it: the next datagram on the
 * same tuple ends it and is scheduled anew (lb_reschedule()), and xvsd
 * removes it once answered or after XVS_POOL_TIMEOUT s (src/xvsd/gc.c).
 * A connection-less forwarding path would cost the verifier more than the
 * programs have left. docs/datapath.md.
 */
#ifndef XVS_SCHED_OPS_H
#define XVS_SCHED_OPS_H

#include <linux/in.h>
#include <xvs/abi.h>

/* Is a packet of @proto to service @svc scheduled one packet at a time? */
static __always_inline int ops_packet(const struct xvs_svc *svc, __u8 proto)
{
	return (svc->flags & XVS_SVC_F_ONEPACKET) && proto == IPPROTO_UDP;
}

#endif /* XVS_SCHED_OPS_H */
