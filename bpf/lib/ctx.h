/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One packet-context API over the three places bpf/lib code runs: an XDP
 * program (struct xdp_md), a tc program (struct __sk_buff) and the host unit
 * tests (a plain buffer). The kind is a compile-time constant at every call
 * site, so the compiler keeps only one branch per program.
 */
#ifndef XVS_CTX_H
#define XVS_CTX_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#ifdef __bpf__
#include <bpf/bpf_helpers.h>
#else
#include <string.h>
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#endif

enum xvs_ctx_kind {
	XVS_CTX_XDP,
	XVS_CTX_TC,
	XVS_CTX_HOST,
};

/* The host tests' packet: a buffer and the interface it "arrived" on. */
struct xvs_host_pkt {
	void *data;
	void *data_end;
	__u32 ifindex;
};

struct xvs_ctx {
	void *ctx;	/* struct xdp_md *, struct __sk_buff * or struct xvs_host_pkt * */
	int kind;	/* enum xvs_ctx_kind */
};

#ifdef __bpf__
/*
 * Load a 32-bit context field with one instruction at a fixed offset: left
 * to itself clang may keep &ctx->data_end in a register and dereference it
 * later, which the verifier rejects ("dereference of modified ctx ptr").
 */
#define ctx_load(ptr, type, field)                                             \
	({                                                                     \
		void *__v;                                                     \
		asm volatile("%0 = *(u32 *)(%1 + %2)"                          \
			     : "=r"(__v)                                       \
			     : "r"(ptr), "i"(__builtin_offsetof(type, field)));  \
		__v;                                                           \
	})
#endif

static __always_inline void *ctx_data(const struct xvs_ctx *c)
{
#ifdef __bpf__
	if (c->kind == XVS_CTX_XDP)
		return ctx_load(c->ctx, struct xdp_md, data);
	return ctx_load(c->ctx, struct __sk_buff, data);
#else
	return ((struct xvs_host_pkt *)c->ctx)->data;
#endif
}

static __always_inline void *ctx_data_end(const struct xvs_ctx *c)
{
#ifdef __bpf__
	if (c->kind == XVS_CTX_XDP)
		return ctx_load(c->ctx, struct xdp_md, data_end);
	return ctx_load(c->ctx, struct __sk_buff, data_end);
#else
	return ((struct xvs_host_pkt *)c->ctx)->data_end;
#endif
}

/* Pointer to @len bytes at @off, or NULL when the packet is shorter. */
#define ctx_ptr(c, off, len)                                                   \
	({                                                                     \
		void *__d = ctx_data(c) + (off);                               \
		__d + (len) > ctx_data_end(c) ? NULL : __d;                    \
	})

/* Interface the packet came in on. */
static __always_inline __u32 ctx_ifindex(const struct xvs_ctx *c)
{
#ifdef __bpf__
	if (c->kind == XVS_CTX_XDP)
		return ((struct xdp_md *)c->ctx)->ingress_ifindex;
	return ((struct __sk_buff *)c->ctx)->ifindex;
#else
	return ((struct xvs_host_pkt *)c->ctx)->ifindex;
#endif
}

/* Verdicts in the program's own vocabulary. */
static __always_inline int ctx_pass(const struct xvs_ctx *c)
{
	return c->kind == XVS_CTX_TC ? TC_ACT_OK : XDP_PASS;
}

static __always_inline int ctx_drop(const struct xvs_ctx *c)
{
	return c->kind == XVS_CTX_TC ? TC_ACT_SHOT : XDP_DROP;
}

/* Send the (rewritten) packet back out of the interface it came in on. */
static __always_inline int ctx_tx(const struct xvs_ctx *c)
{
#ifdef __bpf__
	if (c->kind == XVS_CTX_TC)
		return bpf_redirect(ctx_ifindex(c), 0);
#else
	(void)c;
#endif
	return XDP_TX;
}

/*
 * Element @key of an ARRAY map. The host tests pass a plain C array of the
 * value type as the "map".
 */
#ifdef __bpf__
#define xvs_array_elem(map, key, type)                                         \
	({                                                                     \
		__u32 __k = (key);                                             \
		(type *)bpf_map_lookup_elem((void *)(map), &__k);              \
	})
#else
#define xvs_array_elem(map, key, type) ((type *)(map) + (key))
#endif

#endif /* XVS_CTX_H */
