// SPDX-License-Identifier: GPL-2.0
/*
 * Connection-table lookup scale: hash maps with the datapath's conn_v4 and
 * conn_out layouts (struct xvs_conn_key -> struct xvs_conn and -> struct
 * xvs_conn_out, preallocated like them). fill_xdp inserts keys 0..nkeys-1
 * (computed, all distinct) into both, as a new connection does;
 * lookup_xdp looks up nlookups of them in a scattered order (index i *
 * stride mod nkeys, stride coprime with nkeys). One PROG_TEST_RUN of one
 * packet would hit one key, always in cache; this walks the whole table.
 * Both run from xvslookup with BPF_PROG_TEST_RUN: filling from a program
 * is ten times faster than the batch-update syscall at 10M entries.
 *
 * With do_lookup = 0 the loop only computes the keys: xvslookup subtracts
 * that run to get the cost of the hash lookup itself.
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <xvs/abi.h>

const volatile __u32 nkeys = 1;
const volatile __u32 nlookups = 1;
const volatile __u32 stride = 1;
int do_lookup;
__u32 fill_start, fill_count;
__u64 hits, fill_errors;

/* Size set by xvslookup before load. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, struct xvs_conn_key);
	__type(value, struct xvs_conn);
} conns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, struct xvs_conn_key);
	__type(value, struct xvs_conn_out);
} outs SEC(".maps");

/* Key i: distinct for distinct i (odd multipliers are bijections mod 2^32). */
static __always_inline void make_key(__u32 i, struct xvs_conn_key *k)
{
	k->saddr = bpf_htonl(i * 2654435761u);
	k->daddr = bpf_htonl(0xc0a801c8);	/* 192.168.1.200 */
	k->sport = bpf_htons(1024 + i % 60000);
	k->dport = bpf_htons(80);
	k->proto = IPPROTO_TCP;
	k->dir = XVS_DIR_IN;
	k->pad = 0;
}

static long fill_one(__u32 i, void *unused)
{
	struct xvs_conn_out o = { .vaddr = bpf_htonl(0xc0a801c8), .vport = bpf_htons(80) };
	struct xvs_conn_key k;
	struct xvs_conn v = {};

	make_key(fill_start + i, &k);
	v.state = XVS_TCP_S_ESTABLISHED;
	if (bpf_map_update_elem(&conns, &k, &v, BPF_NOEXIST))
		fill_errors++;
	k.dir = XVS_DIR_OUT;
	if (bpf_map_update_elem(&outs, &k, &o, BPF_NOEXIST))
		fill_errors++;
	return 0;
}

static long lookup_one(__u32 i, void *unused)
{
	struct xvs_conn_key k;

	make_key((__u32)(((__u64)i * stride) % nkeys), &k);
	if (do_lookup && bpf_map_lookup_elem(&conns, &k))
		hits++;
	return 0;
}

SEC("xdp")
int fill_xdp(struct xdp_md *ctx)
{
	bpf_loop(fill_count, fill_one, NULL, 0);
	return XDP_PASS;
}

SEC("xdp")
int lookup_xdp(struct xdp_md *ctx)
{
	bpf_loop(nlookups, lookup_one, NULL, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
