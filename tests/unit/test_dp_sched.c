// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of bpf/lib/sched_rr.h, sched_wrr.h and sched_wlc.h against
 * IPVS's rules: pick order over the newest-first dest list, weight 0 and
 * OVERLOADED skipped, wlc ties to the first in list; wrr is also checked
 * against a literal transcription of ip_vs_wrr_schedule() on random lists.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/sched_rr.h"
#include "lib/sched_wrr.h"
#include "lib/sched_wlc.h"

static struct xvs_dest_cnt cnt[XVS_MAX_DEST];

/* A list in IPVS order; dest ids are index + 1, letters in messages. */
static void mk(struct xvs_svc_dests *sd, const int *w, int n)
{
	int i;

	memset(sd, 0, sizeof(*sd));
	sd->count = n;
	for (i = 0; i < n; i++) {
		sd->dest[i] = i + 1;
		sd->weight[i] = w[i];
	}
	sd->rr_cursor = XVS_MAX_RS;
	sched_wrr_init(sd);
}

static void seq_str(char *out, const int *picks, int n)
{
	int i;

	for (i = 0; i < n; i++)
		out[i] = picks[i] < 0 ? '-' : 'A' + picks[i];
	out[n] = 0;
}

static void expect_rr(struct xvs_svc_dests *sd, const char *want)
{
	int picks[64], n = strlen(want), i;
	char got[65];

	for (i = 0; i < n; i++)
		picks[i] = sched_rr_pick(sd, &sd->rr_cursor);
	seq_str(got, picks, n);
	assert_string_equal(got, want);
}

static void expect_wrr(struct xvs_svc_dests *sd, const char *want)
{
	int picks[64], n = strlen(want), i;
	char got[65];

	for (i = 0; i < n; i++)
		picks[i] = sched_wrr_pick(sd, &sd->rr_cursor, &sd->wrr_cw);
	seq_str(got, picks, n);
	assert_string_equal(got, want);
}

static void test_rr(void **state)
{
	struct xvs_svc_dests sd;

	(void)state;
	/* Index 0 is the newest dest, the first the kernel scans. */
	mk(&sd, (int[]){ 1, 1 }, 2);
	expect_rr(&sd, "ABABAB");
	mk(&sd, (int[]){ 1, 0, 1 }, 3);
	expect_rr(&sd, "ACACA");
	mk(&sd, (int[]){ 1, 1, 1 }, 3);
	sd.overload[1] = 1;
	expect_rr(&sd, "ACAC");
	mk(&sd, (int[]){ 0, 0 }, 2);
	expect_rr(&sd, "--");
	/* Weights don't matter to rr. */
	mk(&sd, (int[]){ 5, 1, 2 }, 3);
	expect_rr(&sd, "ABCABC");
}

static void test_wrr(void **state)
{
	struct xvs_svc_dests sd;

	(void)state;
	/* ipvs.md 1.1: A(4),B(3),C(2) -> A A B A B C A B C, period 9. */
	mk(&sd, (int[]){ 4, 3, 2 }, 3);
	assert_int_equal(sd.wrr_di, 1);
	assert_int_equal(sd.wrr_mw, 4);
	expect_wrr(&sd, "AABABCABCAABABCABC");
	/* The seed's 2:1. */
	mk(&sd, (int[]){ 2, 1 }, 2);
	expect_wrr(&sd, "AABAAB");
	/* gcd 2: 4,2 behaves as 2,1. */
	mk(&sd, (int[]){ 4, 2 }, 2);
	assert_int_equal(sd.wrr_di, 2);
	assert_int_equal(sd.wrr_mw, 3);
	expect_wrr(&sd, "AABAAB");
	/* Weight 0 never picked. */
	mk(&sd, (int[]){ 0, 2, 1 }, 3);
	expect_wrr(&sd, "BBCBBC");
	/* All weight 0: nothing. */
	mk(&sd, (int[]){ 0, 0 }, 2);
	expect_wrr(&sd, "--");
	/* Overloaded skipped. */
	mk(&sd, (int[]){ 3, 1 }, 2);
	sd.overload[0] = 1;
	expect_wrr(&sd, "BBB");
}

/* ip_vs_wrr_schedule() transcribed with a list head at index -1. */
static int ref_wrr(const struct xvs_svc_dests *sd, int *cl, int *cw)
{
	int n = sd->count, di = sd->wrr_di, mw = sd->wrr_mw;
	int dest = *cl, last = *cl, stop = -2, last_pass = 0, restarted = 0;

	if (mw == 0)
		return -1;
	for (;;) {
		for (dest = dest + 1; dest < n; dest++) {
			if (!sd->overload[dest] && sd->weight[dest] >= *cw) {
				*cl = dest;
				return dest;
			}
			if (dest == stop) {
				*cl = dest;
				return -1;
			}
		}
		dest = -1;
		*cw -= di;
		if (*cw <= 0) {
			*cw = mw;
			if (last_pass || last == -1) {
				*cl = -1;
				return -1;
			}
			restarted = 1;
		}
		last_pass = *cw <= di;
		if (last_pass && restarted && last != -1)
			stop = last;
	}
}

static void test_wrr_vs_kernel(void **state)
{
	struct xvs_svc_dests sd;
	int round, i;

	(void)state;
	srand(7);
	for (round = 0; round < 300; round++) {
		int n = 1 + rand() % 8, w[8], cl = -1, cw, k, bits;
		int big = round % 3 == 0;

		for (i = 0; i < n; i++)
			w[i] = big ? rand() % 3000 : rand() % 6;
		mk(&sd, w, n);
		bits = round % 5 == 0 ? rand() % 256 : 0;
		for (i = 0; i < 8; i++)
			sd.overload[i] = (bits >> i) & 1;
		cw = sd.wrr_cw;
		for (k = 0; k < 200; k++) {
			int want = ref_wrr(&sd, &cl, &cw);
			int got = sched_wrr_pick(&sd, &sd.rr_cursor, &sd.wrr_cw);

			assert_int_equal(got, want);
			assert_int_equal(sd.wrr_cw, cw);
			assert_int_equal(sd.rr_cursor, cl < 0 ? XVS_MAX_RS : (uint32_t)cl);
		}
	}
}

static void test_wlc(void **state)
{
	struct xvs_svc_dests sd;

	(void)state;
	memset(cnt, 0, sizeof(cnt));
	/* Ties: first in list wins. */
	mk(&sd, (int[]){ 1, 1, 1 }, 3);
	assert_int_equal(sched_wlc_pick(&sd, cnt), 0);
	/* overhead = active*256 + inactive */
	cnt[1].active = 1;		/* A: 256 */
	cnt[2].inactive = 300;		/* B: 300 */
	cnt[3].active = 1;
	cnt[3].inactive = 1;		/* C: 257 */
	assert_int_equal(sched_wlc_pick(&sd, cnt), 0);
	/* Weights by cross-multiplication: B with weight 2 -> 300/2 < 256. */
	sd.weight[1] = 2;
	assert_int_equal(sched_wlc_pick(&sd, cnt), 1);
	/* Weight 0 never picked even when idle. */
	memset(cnt, 0, sizeof(cnt));
	cnt[1].active = 5;
	mk(&sd, (int[]){ 1, 0 }, 2);
	assert_int_equal(sched_wlc_pick(&sd, cnt), 0);
	mk(&sd, (int[]){ 0, 1 }, 2);
	assert_int_equal(sched_wlc_pick(&sd, cnt), 1);
	/* Overloaded skipped, nothing usable -> -1. */
	mk(&sd, (int[]){ 1, 1 }, 2);
	sd.overload[0] = sd.overload[1] = 1;
	assert_int_equal(sched_wlc_pick(&sd, cnt), -1);
	/* Large counts do not overflow: 64-bit products. */
	memset(cnt, 0, sizeof(cnt));
	cnt[1].active = 8000000;
	cnt[2].active = 7999999;
	mk(&sd, (int[]){ 65535, 65535 }, 2);
	assert_int_equal(sched_wlc_pick(&sd, cnt), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rr),
		cmocka_unit_test(test_wrr),
		cmocka_unit_test(test_wrr_vs_kernel),
		cmocka_unit_test(test_wlc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
