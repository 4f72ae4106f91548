/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the packet-test programs beyond test_dp_nat share: the CHECK macro,
 * running raw frames through xvs_xdp / xvs_tc / xvs_gc with the expected
 * verdict, and the table of steps with its TAP-style report ending in
 * "N passed, N failed" (tests/run.sh reads it).
 */
#ifndef XVS_TEST_DP_STEPS_H
#define XVS_TEST_DP_STEPS_H

#include <linux/pkt_cls.h>
#include "dp_env.h"

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "  %s:%d: %s\n", __FILE__, __LINE__,   \
				#cond);                                        \
			return -1;                                             \
		}                                                              \
	} while (0)

struct dp_step {
	const char *name;
	int (*fn)(void);
};

/* Run the frame @in (@len bytes) through XDP (or tc) on @ifindex; 0 if the
 * verdict is @verdict. */
static inline int dp_frame(struct dp_env *e, int tc, const void *in, size_t len,
			   int ifindex, int verdict, struct dp_run *r)
{
	int err = tc ? dp_run_tc(e, in, len, ifindex, r) :
		       dp_run_xdp(e, in, len, ifindex, r);

	if (err) {
		fprintf(stderr, "  test run: %s\n", strerror(-err));
		return -1;
	}
	if (r->retval != verdict) {
		fprintf(stderr, "  verdict %d, want %d\n", r->retval, verdict);
		return -1;
	}
	return 0;
}

/* Does the output of @r equal the frame @want (@wlen bytes)? */
static inline int dp_same(const struct dp_run *r, const void *want, size_t wlen)
{
	if (r->outlen == wlen && !memcmp(r->out + r->metalen, want, wlen))
		return 1;
	dp_diff(r->out + r->metalen, r->outlen, want, wlen);
	return 0;
}

/* Hand @n keys to xvs_gc with @flags; returns how many it expired or -1. */
static inline int dp_gc(struct dp_env *e, const struct xvs_conn_key *keys,
			__u32 n, __u32 flags)
{
	struct xvs_gc_req req = { .magic = XVS_GC_MAGIC, .flags = flags,
				  .count = n };
	struct xvs_gc_req out;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = &req,
		    .data_size_in = sizeof(req), .data_out = &out,
		    .data_size_out = sizeof(out), .repeat = 1);

	memcpy(req.keys, keys, n * sizeof(*keys));
	if (bpf_prog_test_run_opts(bpf_program__fd(e->skel->progs.xvs_gc), &o))
		return -1;
	return o.retval == XDP_PASS ? (int)out.expired : -1;
}

/* Write @g as globals (zero timeouts mean IPVS's defaults). */
static inline void dp_set_globals(struct dp_env *e, const struct xvs_globals *g)
{
	__u32 zero = 0;

	bpf_map_update_elem(dp_fd(e->skel->maps.globals), &zero, g, BPF_ANY);
}

/* Run the steps in order; a step fails and the rest still run. */
static inline int dp_steps_run(const struct dp_step *steps, size_t n)
{
	size_t i;
	int failed = 0;

	for (i = 0; i < n; i++) {
		int bad = steps[i].fn() != 0;

		printf("%s %zu - %s\n", bad ? "not ok" : "ok", i + 1, steps[i].name);
		failed += bad;
	}
	printf("%zu passed, %d failed\n", n - failed, failed);
	return failed ? 1 : 0;
}

/* A packet test's main(): @setup (0: ready), the steps, the datapath closed.
 * A failed setup still ends with the line the runner reads. */
static inline int dp_steps_main(struct dp_env *e, int (*setup)(void),
				const struct dp_step *steps, size_t n)
{
	int ret;

	if (setup()) {
		printf("0 passed, 1 failed\n");
		return 1;
	}
	ret = dp_steps_run(steps, n);
	xvs__destroy(e->skel);
	return ret;
}

#endif /* XVS_TEST_DP_STEPS_H */
