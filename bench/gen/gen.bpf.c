// SPDX-License-Identifier: GPL-2.0
/*
 * Live-frames packet generator (run by xvsgen with BPF_PROG_RUN and
 * BPF_F_TEST_XDP_LIVE_FRAMES): writes the UDP template into every frame,
 * varies the flow and sends the frame out of the test device with XDP_TX.
 *
 * Live frames are recycled from a page pool without re-copying the data the
 * run started with, and the director rewrites them in place on the way, so a
 * frame coming round again holds the director's output, not our packet: the
 * whole template is written each time.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "gen_frame.h"

/* Set by xvsgen before load. */
const volatile __u64 tmpl[GEN_FRAME_WORDS];	/* the frame, flow 0 */
const volatile __u32 nflows = 1;
const volatile __u32 nports = 1;		/* source ports per source address */

/* Frames this CPU has made: the flow of the next one. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} seq SEC(".maps");

static __always_inline __u16 ip_csum(const __u16 *w)
{
	__u32 sum = 0;
	int i;

	for (i = 0; i < (int)(sizeof(struct iphdr) / 2); i++)
		sum += w[i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

SEC("xdp")
int gen_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data + sizeof(struct ethhdr);
	struct udphdr *udp = (void *)(ip + 1);
	__u32 key = 0, flow;
	__u64 *n;
	int i;

	if (data + GEN_FRAME_LEN > data_end)
		return XDP_ABORTED;
	n = bpf_map_lookup_elem(&seq, &key);
	if (!n)
		return XDP_ABORTED;
	flow = *n % nflows;
	*n += 1;

	for (i = 0; i < GEN_FRAME_WORDS - 1; i++)
		((__u64 *)data)[i] = tmpl[i];
	/* 60 bytes: seven words and the last half word. */
	*(__u32 *)(data + 8 * (GEN_FRAME_WORDS - 1)) = (__u32)tmpl[GEN_FRAME_WORDS - 1];

	ip->saddr = bpf_htonl(bpf_ntohl(ip->saddr) + flow / nports);
	udp->source = bpf_htons(bpf_ntohs(udp->source) + flow % nports);
	ip->check = 0;
	ip->check = ip_csum((const __u16 *)ip);
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
