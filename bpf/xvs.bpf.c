// SPDX-License-Identifier: GPL-2.0
/*
 * The xvs datapath: entry points only; the logic is in bpf/lib/.
 *   xvs_xdp  XDP fast path on every attached interface
 *   xvs_tc   tc ingress slow path (what XDP passes on)
 *   xvs_gc   connection expiry, run by xvsd with BPF_PROG_TEST_RUN
 * (placeholder entry points: the datapath lands in the next commits)
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#include "lib/maps.h"

SEC("xdp")
int xvs_xdp(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("tc")
int xvs_tc(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}

SEC("xdp")
int xvs_gc(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
