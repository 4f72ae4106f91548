// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's sink, attached (native XDP) on the client's and the real
 * servers' interfaces in every case: counts and drops IPv4 UDP to the sink
 * port, passes everything else. Being attached in every case it also keeps
 * the peers' receive path the same for all of them (a veth peer needs an XDP
 * program or GRO to accept redirected frames, and attaching one changes its
 * offloads).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

const volatile __u16 sink_port;	/* network order, set before load */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} sunk SEC(".maps");

SEC("xdp")
int sink_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp;
	__u32 key = 0;
	__u64 *n;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->protocol != IPPROTO_UDP)
		return XDP_PASS;
	udp = (void *)ip + ip->ihl * 4;
	if ((void *)(udp + 1) > data_end || udp->dest != sink_port)
		return XDP_PASS;
	n = bpf_map_lookup_elem(&sunk, &key);
	if (n)
		*n += 1;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
