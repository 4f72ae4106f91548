// SPDX-License-Identifier: GPL-2.0
/*
 * The xvs datapath: entry points only; the logic is in bpf/lib/.
 *   xvs_xdp  XDP fast path on every attached interface
 *   xvs_tc   tc ingress: what XDP passed on, or everything in tc mode
 *   xvs_gc   connection expiry, run by xvsd with BPF_PROG_TEST_RUN
 *   xvs_sync_in  synced connections into a backup, run the same way
 *   xvs_connect4, xvs_sendmsg4, xvs_recvmsg4, xvs_getpeername4
 *            director-local clients (cgroup, docs/local-clients.md)
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#include "lib/lb.h"
#include "lib/sync_in.h"
#include "lib/sock_lb.h"

/* Bytes tc wants in the linear area: Ethernet + IP with options + L4. */
#define TC_PULL_LEN	128

SEC("xdp")
int xvs_xdp(struct xdp_md *ctx)
{
	struct xvs_ctx c = { .ctx = ctx, .kind = XVS_CTX_XDP };

	return lb_process(&c);
}

SEC("tc")
int xvs_tc(struct __sk_buff *skb)
{
	struct xvs_ctx c = { .ctx = skb, .kind = XVS_CTX_TC };
	__u32 want = skb->len < TC_PULL_LEN ? skb->len : TC_PULL_LEN;

	if ((long)skb->data_end - (long)skb->data < want)
		bpf_skb_pull_data(skb, want);
	return lb_process(&c);
}

/* Unanswered (pool.h) and idle XVS_POOL_TIMEOUT s: expired under pressure. */
static __always_inline int gc_pool_expirable(const struct xvs_conn *cn,
					     __u64 now)
{
	return !(cn->flags & (XVS_CONN_F_SEEN_REPLY | XVS_CONN_F_TEMPLATE)) &&
	       cn->last_seen + XVS_POOL_TIMEOUT * NSEC_PER_SEC <= now;
}

/*
 * Expire the connections named in the struct xvs_gc_req handed in as packet
 * data: each still idle past its timeout (any, with XVS_GC_F_FORCE; with
 * XVS_GC_F_POOL, only one still unanswered and idle XVS_POOL_TIMEOUT s) is
 * removed with its counts (a template only once it controls no live
 * connection); .expired returns how many.
 */
SEC("xdp")
int xvs_gc(struct xdp_md *ctx)
{
	struct xvs_gc_req *req = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u64 now = bpf_ktime_get_ns();
	struct xvs_conn_key k;
	struct xvs_conn *cn;
	__u32 i, n, done = 0;

	if ((void *)(req + 1) > end || req->magic != XVS_GC_MAGIC)
		return XDP_ABORTED;
	n = req->count;
	for (i = 0; i < XVS_GC_BATCH; i++) {
		if (i >= n)
			break;
		__builtin_memcpy(&k, &req->keys[i], sizeof(k));
		if (k.dir != XVS_DIR_IN)
			continue;
		cn = bpf_map_lookup_elem(&conn_v4, &k);
		if (!cn)
			continue;
		if (req->flags & XVS_GC_F_POOL) {
			if (!gc_pool_expirable(cn, now) || !conn_expire(&k, cn))
				continue;
			stats_drop(XVS_DROP_POOL_EXPIRE);
			done++;
			continue;
		}
		if (!(req->flags & XVS_GC_F_FORCE) && !conn_expirable(cn, now))
			continue;
		done += conn_expire(&k, cn);
	}
	req->expired = done;
	return XDP_PASS;
}

/*
 * One synced entry. A global function: the verifier checks it once, not
 * once per slot of the batch (inlined, the batch outgrew its limit).
 */
__noinline int xvs_sync_in_ent(const struct xvs_sync_ent *e, __u64 now)
{
	if (!e)
		return 0;
	return sync_in_one(e, now);
}

/*
 * Insert or update the synced connections of the struct xvs_sync_req handed
 * in as packet data (sync_in.h); .created and .updated return how many.
 */
SEC("xdp")
int xvs_sync_in(struct xdp_md *ctx)
{
	struct xvs_sync_req *req = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 i, n, created = 0, updated = 0;
	__u64 now = bpf_ktime_get_ns();
	int r;

	if ((void *)(req + 1) > end || req->magic != XVS_SYNC_MAGIC)
		return XDP_ABORTED;
	n = req->count;
	for (i = 0; i < XVS_SYNC_BATCH; i++) {
		if (i >= n)
			break;
		r = xvs_sync_in_ent(&req->ents[i], now);
		created += r == SYNC_IN_CREATED;
		updated += r == SYNC_IN_UPDATED;
	}
	req->created = created;
	req->updated = updated;
	return XDP_PASS;
}

/* A director-local connect() to a VIP: to a scheduled server (sock_lb.h). */
SEC("cgroup/connect4")
int xvs_connect4(struct bpf_sock_addr *ctx)
{
	if (sock_lb_ours(ctx))
		sock_lb_connect4(ctx);
	return 1;
}

/* Unconnected UDP to a VIP, and the answers (sock_lb.h). */
SEC("cgroup/sendmsg4")
int xvs_sendmsg4(struct bpf_sock_addr *ctx)
{
	if (sock_lb_ours(ctx))
		sock_lb_sendmsg4(ctx);
	return 1;
}

SEC("cgroup/recvmsg4")
int xvs_recvmsg4(struct bpf_sock_addr *ctx)
{
	if (sock_lb_ours(ctx))
		sock_lb_recvmsg4(ctx);
	return 1;
}

SEC("cgroup/getpeername4")
int xvs_getpeername4(struct bpf_sock_addr *ctx)
{
	if (sock_lb_ours(ctx))
		sock_lb_getpeername4(ctx);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
