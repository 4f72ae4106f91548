/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Director-local clients (docs/local-clients.md). IPVS balances the
 * connections a process on the director opens to a VIP (LOCAL_OUT); XDP and
 * tc ingress never see them. A cgroup/connect4 program, attached by xvsd
 * when asked to (--local-cgroup), schedules such a socket with the
 * datapath's own sched_pick() and points it at the server before it
 * connects: the kernel then talks to the server directly (the director is
 * on the servers' network), with no NAT and no connection-table entry.
 * getpeername4 gives the application the VIP back. Unconnected UDP is
 * scheduled per socket and VIP at sendmsg4 (later datagrams of the socket to
 * that VIP go to the same server, as IPVS's UDP connection keeps them), and
 * recvmsg4 shows the server's answers as coming from the VIP.
 */
#ifndef XVS_SOCK_LB_H
#define XVS_SOCK_LB_H

#include <linux/in.h>
#include "maps.h"
#include "fwmark.h"
#include "sched.h"

/* The VIP side a balanced socket was pointed away from (network order). */
struct sock_lb_vip {
	__u32 vaddr;
	__u32 vport;
};

/* Per socket: set by connect4, read by getpeername4. */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sock_lb_vip);
} sock_vip SEC(".maps");

/* The director's network namespace cookie, written by xvsd; 0: off. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} local_netns SEC(".maps");

/*
 * Is @ctx a socket of the director's namespace? Cgroup programs see every
 * namespace's sockets: only the director's are its clients.
 */
static __always_inline int sock_lb_ours(void *ctx)
{
	__u32 zero = 0;
	__u64 *ns = bpf_map_lookup_elem(&local_netns, &zero);

	return ns && *ns && bpf_get_netns_cookie(ctx) == *ns;
}

/* Unconnected UDP: a socket's server for one VIP, and the way back. */
struct sock_lb_udp_key {
	__u64 cookie;		/* bpf_get_socket_cookie() */
	__u32 addr;		/* VIP (sock_udp_fwd) or server (sock_udp_rev) */
	__u32 port;
};

struct sock_lb_udp_to {
	__u32 dest_id;		/* sock_udp_fwd: the server's dest id; rev: 0 */
	__u32 addr;		/* the server (fwd) or the VIP (rev) */
	__u32 port;
};

#define SOCK_LB_UDP_MAX		65536

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SOCK_LB_UDP_MAX);
	__type(key, struct sock_lb_udp_key);
	__type(value, struct sock_lb_udp_to);
} sock_udp_fwd SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SOCK_LB_UDP_MAX);
	__type(key, struct sock_lb_udp_key);
	__type(value, struct sock_lb_udp_to);
} sock_udp_rev SEC(".maps");

/* Count one new connection of @svc_id to @dest_id (no packets: xvs sees none). */
static __always_inline void sock_lb_count(__u32 svc_id, __u32 dest_id)
{
	struct xvs_stats *s = bpf_map_lookup_elem(&svc_stats, &svc_id);
	__u32 zero = 0;

	if (s)
		s->conns++;
	s = bpf_map_lookup_elem(&dest_stats, &dest_id);
	if (s)
		s->conns++;
	s = bpf_map_lookup_elem(&glob_stats, &zero);
	if (s)
		s->conns++;
}

/* connect4 of a TCP or UDP socket in the director's namespace. */
static __always_inline void sock_lb_connect4(struct bpf_sock_addr *ctx)
{
	struct xvs_svc_key k = { .addr = ctx->user_ip4, .port = (__u16)ctx->user_port,
				 .proto = ctx->protocol };
	struct sock_lb_vip *v;
	struct xvs_svc *svc;
	struct xvs_dest *d;
	__u32 dest_id;

	if (k.proto != IPPROTO_TCP && k.proto != IPPROTO_UDP)
		return;
	svc = bpf_map_lookup_elem(&svc_map, &k);
	if (!svc || (svc->flags & XVS_SVC_F_STANDBY))
		return;
	/* The source address is not chosen yet: hashing schedulers see 0. */
	dest_id = sched_pick(svc, 0, k.addr, 0);
	d = dest_id ? bpf_map_lookup_elem(&dest_info, &dest_id) : NULL;
	if (!d || !(d->flags & XVS_DEST_F_AVAILABLE))
		return;
	v = bpf_sk_storage_get(&sock_vip, ctx->sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (v) {
		v->vaddr = k.addr;
		v->vport = k.port;
	}
	ctx->user_ip4 = d->addr;
	ctx->user_port = d->port ? d->port : k.port;
	sock_lb_count(svc->id, dest_id);
}

/* sendmsg4 of an unconnected UDP socket to a VIP: its server's address. */
static __always_inline void sock_lb_sendmsg4(struct bpf_sock_addr *ctx)
{
	struct xvs_svc_key k = { .addr = ctx->user_ip4, .port = (__u16)ctx->user_port,
				 .proto = IPPROTO_UDP };
	struct sock_lb_udp_key fk = { .cookie = bpf_get_socket_cookie(ctx), .addr = k.addr,
				      .port = k.port };
	struct sock_lb_udp_key rk = { .cookie = fk.cookie };
	struct sock_lb_udp_to to = { 0 }, back = { .addr = k.addr, .port = k.port };
	struct sock_lb_udp_to *was;
	struct xvs_svc *svc;
	struct xvs_dest *d;
	__u32 dest_id;

	svc = bpf_map_lookup_elem(&svc_map, &k);
	if (!svc || (svc->flags & XVS_SVC_F_STANDBY))
		return;
	was = bpf_map_lookup_elem(&sock_udp_fwd, &fk);
	if (was) {
		dest_id = was->dest_id;
		d = bpf_map_lookup_elem(&dest_info, &dest_id);
		if (d && (d->flags & XVS_DEST_F_AVAILABLE) && d->svc_id == svc->id) {
			ctx->user_ip4 = was->addr;
			ctx->user_port = was->port;
			return;
		}
	}
	dest_id = sched_pick(svc, 0, k.addr, 0);
	d = dest_id ? bpf_map_lookup_elem(&dest_info, &dest_id) : NULL;
	if (!d || !(d->flags & XVS_DEST_F_AVAILABLE))
		return;
	to.dest_id = dest_id;
	to.addr = d->addr;
	to.port = d->port ? d->port : k.port;
	rk.addr = to.addr;
	rk.port = to.port;
	if (bpf_map_update_elem(&sock_udp_rev, &rk, &back, BPF_ANY) ||
	    bpf_map_update_elem(&sock_udp_fwd, &fk, &to, BPF_ANY))
		return;
	ctx->user_ip4 = to.addr;
	ctx->user_port = to.port;
	sock_lb_count(svc->id, dest_id);
}

/* recvmsg4 of an unconnected UDP socket: a server's answer comes from the VIP. */
static __always_inline void sock_lb_recvmsg4(struct bpf_sock_addr *ctx)
{
	struct sock_lb_udp_key rk = { .cookie = bpf_get_socket_cookie(ctx),
				      .addr = ctx->user_ip4, .port = ctx->user_port };
	struct sock_lb_udp_to *back = bpf_map_lookup_elem(&sock_udp_rev, &rk);

	if (!back)
		return;
	ctx->user_ip4 = back->addr;
	ctx->user_port = back->port;
}

/* getpeername4: the VIP the application connected to, not the server. */
static __always_inline void sock_lb_getpeername4(struct bpf_sock_addr *ctx)
{
	struct sock_lb_vip *v = bpf_sk_storage_get(&sock_vip, ctx->sk, 0, 0);

	if (!v)
		return;
	ctx->user_ip4 = v->vaddr;
	ctx->user_port = v->vport;
}

#endif /* XVS_SOCK_LB_H */
