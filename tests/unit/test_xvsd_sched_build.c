// SPDX-License-Identifier: GPL-2.0
/*
 * svc_dests building: list order (newest first), the rr cursor following
 * the dest it points at as IPVS's list pointer would, overload bits moving
 * with their dests, and wrr's state recomputed as ip_vs_wrr_dest_changed().
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "xvsd/sched_build.h"
#include "xvsd/sched_tab.h"

/* The overload flags of the first 64 entries as a bit mask. */
static __u64 overload_mask(const struct xvs_svc_dests *sd)
{
	__u64 m = 0;
	int i;

	for (i = 0; i < 64; i++)
		m |= (__u64)sd->overload[i] << i;
	return m;
}

static void list_of(struct xvs_svc_dests *sd, const __u32 *ids, const __s32 *w, int n)
{
	int i;

	memset(sd, 0, sizeof(*sd));
	sched_init(sd);
	/* Added last to first, so the list reads ids[0], ids[1], ... */
	for (i = n - 1; i >= 0; i--)
		assert_int_equal(sched_list_add(sd, ids[i], w[i], false), 0);
}

static void test_lookup(void **state)
{
	(void)state;
	assert_int_equal(sched_lookup("rr"), XVS_SCHED_RR);
	assert_int_equal(sched_lookup("wrr"), XVS_SCHED_WRR);
	assert_int_equal(sched_lookup("wlc"), XVS_SCHED_WLC);
	assert_int_equal(sched_lookup("lc"), XVS_SCHED_LC);
	assert_int_equal(sched_lookup("sed"), XVS_SCHED_SED);
	assert_int_equal(sched_lookup("nq"), XVS_SCHED_NQ);
	assert_int_equal(sched_lookup("fo"), XVS_SCHED_FO);
	assert_int_equal(sched_lookup("ovf"), XVS_SCHED_OVF);
	assert_int_equal(sched_lookup("sh"), XVS_SCHED_SH);
	assert_int_equal(sched_lookup("dh"), XVS_SCHED_DH);
	assert_int_equal(sched_lookup("mh"), XVS_SCHED_MH);
	assert_int_equal(sched_lookup("lblc"), XVS_SCHED_LBLC);
	assert_int_equal(sched_lookup("lblcr"), XVS_SCHED_LBLCR);
	/* Names IPVS does not have: the kernel's ENOENT. */
	assert_int_equal(sched_lookup("twos"), -ENOENT);
	assert_int_equal(sched_lookup("bogus"), -ENOENT);
	assert_int_equal(sched_lookup(""), -ENOENT);
	assert_string_equal(sched_name(XVS_SCHED_WRR), "wrr");
	assert_string_equal(sched_name(XVS_SCHED_MAX), "?");
}

/* The mh table with dest id i at 10.0.0.i:80, as state_write_list() builds it. */
static void mh_build(struct xvs_svc_dests *sd)
{
	struct sched_tab_key keys[XVS_MAX_RS];
	__u32 k;

	for (k = 0; k < sd->count; k++)
		keys[k] = (struct sched_tab_key){ .addr = htonl(0x0a000000u | sd->dest[k]),
						  .port = htons(80) };
	sched_tab_mh(sd, keys);
}

/* Entries of mh_tab naming each list index. */
static void mh_counts(const struct xvs_svc_dests *sd, int *n)
{
	int i;

	memset(n, 0, XVS_MAX_RS * sizeof(*n));
	for (i = 0; i < XVS_MH_TAB_SIZE; i++)
		if (sd->mh_tab[i])
			n[sd->mh_tab[i] - 1]++;
}

static void test_tables(void **state)
{
	struct xvs_svc_dests sd, before;
	int n[XVS_MAX_RS], i, moved = 0;

	(void)state;
	/* sh (1.2): list 3(w1) 2(w2) 1(w1): buckets 3 2 2 1 3 2 2 1 ... */
	list_of(&sd, (__u32[]){ 3, 2, 1 }, (__s32[]){ 1, 2, 1 }, 3);
	sched_dests_changed(&sd, XVS_SCHED_SH);
	assert_memory_equal(sd.sh_tab, ((__u8[]){ 1, 2, 2, 3, 1, 2, 2, 3 }), 8);
	assert_int_equal(sd.sh_tab[255], 3);
	/* dh: one bucket each in turn, weights ignored. */
	assert_memory_equal(sd.dh_tab, ((__u8[]){ 1, 2, 3, 1, 2, 3 }), 6);
	/* mh (1.3): empty until built from the addresses. */
	mh_counts(&sd, n);
	assert_int_equal(n[0] + n[1] + n[2], 0);
	/* Every entry filled, shares follow last_weight 1:2:1. */
	mh_build(&sd);
	mh_counts(&sd, n);
	assert_int_equal(n[0] + n[1] + n[2], XVS_MH_TAB_SIZE);
	assert_true(n[1] >= 2 * n[0] - 2 && n[1] <= 2 * n[0] + 2);
	/* Weight 0 keeps last_weight: the table does not change. */
	before = sd;
	sched_list_set(&sd, 1, 0, false);
	sched_dests_changed(&sd, XVS_SCHED_MH);
	mh_build(&sd);
	assert_int_equal(sd.last_weight[1], 2);
	assert_memory_equal(sd.mh_tab, before.mh_tab, sizeof(sd.mh_tab));
	/* A fourth server takes about a quarter, the rest stay put. */
	sched_list_set(&sd, 1, 1, false);
	sched_dests_changed(&sd, XVS_SCHED_MH);
	mh_build(&sd);
	before = sd;
	sched_list_add(&sd, 4, 1, false);
	sched_dests_changed(&sd, XVS_SCHED_MH);
	mh_build(&sd);
	for (i = 0; i < XVS_MH_TAB_SIZE; i++)
		if (before.dest[before.mh_tab[i] - 1] != sd.dest[sd.mh_tab[i] - 1])
			moved++;
	assert_true(moved > XVS_MH_TAB_SIZE / 5 && moved < XVS_MH_TAB_SIZE / 3);
	/* No server: empty tables, every lookup fails. */
	memset(&sd, 0, sizeof(sd));
	sched_init(&sd);
	for (i = 0; i < XVS_MH_TAB_SIZE; i++)
		assert_int_equal(sd.mh_tab[i], 0);
	assert_int_equal(sd.sh_tab[0], 0);
}

static void test_newest_first(void **state)
{
	struct xvs_svc_dests sd;

	(void)state;
	memset(&sd, 0, sizeof(sd));
	sched_init(&sd);
	sched_list_add(&sd, 7, 1, false);
	sched_list_add(&sd, 9, 2, true);
	assert_int_equal(sd.count, 2);
	assert_int_equal(sd.dest[0], 9);
	assert_int_equal(sd.weight[0], 2);
	assert_int_equal(sd.dest[1], 7);
	assert_int_equal(sd.overload[0], 1);
	assert_int_equal(sd.overload[1], 0);
	assert_int_equal(sched_list_find(&sd, 7), 1);
	assert_int_equal(sched_list_find(&sd, 8), -1);
}

static void test_full(void **state)
{
	struct xvs_svc_dests sd;
	int i;

	(void)state;
	memset(&sd, 0, sizeof(sd));
	for (i = 0; i < XVS_MAX_RS; i++)
		assert_int_equal(sched_list_add(&sd, i + 1, 1, i == 0), 0);
	assert_int_equal(sched_list_add(&sd, 100, 1, false), -ENOSPC);
	/* The first one added is last now, with its overload flag. */
	assert_int_equal(sd.overload[XVS_MAX_RS - 1], 1);
	assert_int_equal(overload_mask(&sd), 0);
	sched_list_del(&sd, XVS_MAX_RS - 1);
	assert_int_equal(sd.overload[XVS_MAX_RS - 1], 0);
	assert_int_equal(sd.count, XVS_MAX_RS - 1);
}

static void test_rr_cursor(void **state)
{
	struct xvs_svc_dests sd;

	(void)state;
	memset(&sd, 0, sizeof(sd));
	sched_init(&sd);
	sched_list_add(&sd, 1, 1, false);		/* [1] */
	sched_list_add(&sd, 2, 1, false);		/* [2 1] */
	assert_int_equal(sd.rr_cursor, SCHED_CURSOR_HEAD);	/* head stays head */
	sd.rr_cursor = 1;				/* on 1 */
	sched_list_add(&sd, 3, 1, false);		/* [3 2 1] */
	assert_int_equal(sd.dest[sd.rr_cursor], 1);
	sched_list_del(&sd, 2);				/* remove 1: cursor -> predecessor 2 */
	assert_int_equal(sd.rr_cursor, 1);
	assert_int_equal(sd.dest[sd.rr_cursor], 2);
	sched_list_del(&sd, 0);				/* remove 3, before the cursor */
	assert_int_equal(sd.rr_cursor, 0);
	assert_int_equal(sd.dest[0], 2);
	sched_list_add(&sd, 4, 1, false);		/* [4 2] */
	sd.rr_cursor = 1;
	sched_list_del(&sd, 0);				/* remove 4, cursor on 2 stays on 2 */
	assert_int_equal(sd.dest[sd.rr_cursor], 2);
	sched_list_del(&sd, 0);				/* remove 2 at the head: cursor to head */
	assert_int_equal(sd.rr_cursor, SCHED_CURSOR_HEAD);
	assert_int_equal(sd.count, 0);
	/* rr keeps its cursor across an edit. */
	sched_list_add(&sd, 5, 1, false);
	sched_list_add(&sd, 6, 1, false);
	sd.rr_cursor = 1;
	sched_list_set(&sd, 1, 3, false);
	sched_dests_changed(&sd, XVS_SCHED_RR);
	assert_int_equal(sd.rr_cursor, 1);
}

static void test_overload_bits_move(void **state)
{
	struct xvs_svc_dests sd;
	int i;

	(void)state;
	memset(&sd, 0, sizeof(sd));
	sched_list_add(&sd, 1, 1, true);	/* [1*] */
	sched_list_add(&sd, 2, 1, false);	/* [2 1*] */
	sched_list_add(&sd, 3, 1, true);	/* [3* 2 1*] */
	assert_int_equal(overload_mask(&sd), 0x5);
	sched_list_del(&sd, 1);			/* [3* 1*] */
	assert_int_equal(overload_mask(&sd), 0x3);
	sched_list_set(&sd, 0, 1, false);	/* [3 1*] */
	assert_int_equal(overload_mask(&sd), 0x2);
	/* Past the first 64 entries too. */
	memset(&sd, 0, sizeof(sd));
	for (i = 0; i < 100; i++)
		sched_list_add(&sd, i + 1, 1, i == 0 || i == 99);
	assert_int_equal(sd.overload[0], 1);
	assert_int_equal(sd.overload[99], 1);
	sched_list_del(&sd, 50);
	assert_int_equal(sd.overload[98], 1);
	assert_int_equal(sd.overload[99], 0);
	assert_int_equal(sd.dest[98], 1);
}

struct wrr_row {
	const char *name;
	int n;
	__s32 weights[4];
	__s32 cw_before;
	__s32 di, mw, cw;
};

/* Expected values worked out by hand from ip_vs_wrr_dest_changed(). */
static const struct wrr_row wrr_rows[] = {
	{ "A4 B3 C2 from scratch", 3, { 4, 3, 2 }, 0, 1, 4, 4 },
	{ "cw kept when within mw", 3, { 4, 3, 2 }, 2, 1, 4, 2 },
	{ "cw above new max -> mw", 2, { 2, 1 }, 4, 1, 2, 2 },
	{ "gcd 2: mw = 6 - 1", 2, { 6, 4 }, 0, 2, 5, 5 },
	{ "gcd 2: cw 4 -> 5", 2, { 6, 4 }, 4, 2, 5, 5 },
	{ "gcd 2: cw 3 -> 3", 2, { 6, 4 }, 3, 2, 5, 3 },
	{ "gcd 3: cw 2 -> 1", 3, { 9, 3, 6 }, 2, 3, 7, 1 },
	{ "weight 0 ignored in gcd", 3, { 0, 4, 2 }, 0, 2, 3, 3 },
	{ "all weights 0: mw 0", 2, { 0, 0 }, 3, 1, 0, 0 },
	{ "no servers", 0, { 0 }, 2, 1, 0, 0 },
};

static void test_wrr_changed(void **state)
{
	static const __u32 ids[4] = { 1, 2, 3, 4 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(wrr_rows) / sizeof(wrr_rows[0]); i++) {
		const struct wrr_row *r = &wrr_rows[i];
		struct xvs_svc_dests sd;

		list_of(&sd, ids, r->weights, r->n);
		sd.wrr_cw = r->cw_before;
		sd.rr_cursor = r->n ? 0 : SCHED_CURSOR_HEAD;
		sched_dests_changed(&sd, XVS_SCHED_WRR);
		print_message("%s\n", r->name);
		assert_int_equal(sd.wrr_di, r->di);
		assert_int_equal(sd.wrr_mw, r->mw);
		assert_int_equal(sd.wrr_cw, r->cw);
		/* wrr restarts from the list head after any change. */
		assert_int_equal(sd.rr_cursor, SCHED_CURSOR_HEAD);
	}
}

static void test_init(void **state)
{
	static const __u32 ids[3] = { 1, 2, 3 };
	static const __s32 w[3] = { 4, 3, 2 };
	struct xvs_svc_dests sd;

	(void)state;
	list_of(&sd, ids, w, 3);
	sd.rr_cursor = 2;
	sd.wrr_cw = 1;
	sched_init(&sd);
	assert_int_equal(sd.rr_cursor, SCHED_CURSOR_HEAD);
	assert_int_equal(sd.wrr_di, 1);
	assert_int_equal(sd.wrr_mw, 4);
	assert_int_equal(sd.wrr_cw, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_newest_first),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_rr_cursor),
		cmocka_unit_test(test_overload_bits_move),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_wrr_changed),
		cmocka_unit_test(test_init),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
