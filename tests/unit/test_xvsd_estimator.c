// SPDX-License-Identifier: GPL-2.0
/*
 * The rate estimator against values worked out by hand from IPVS's
 * formulas: avg += ((delta << 9) - avg) >> 2 for conns/packets, shift 4 for
 * bytes; read back as (avg + 0x1FF) >> 10 and (avg + 0xF) >> 5.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "xvsd/estimator.h"

struct est_row {
	const char *name;
	__u64 conns, inbytes;	/* counter values at this tick */
	__u64 cps, inbps;	/* rates read after it */
	__s64 cps_raw, inbps_raw;
};

/* Ticks of one estimator, in order: 10 conns and 1000 bytes per 2 s, then idle. */
static const struct est_row rows[] = {
	{ "tick 1: 5/s seen as 1.25 -> 1", 10, 1000, 1, 125, 1280, 4000 },
	{ "tick 2: 2240/1024 = 2.19 -> 2", 20, 2000, 2, 219, 2240, 7000 },
	{ "tick 3: 2960/1024 = 2.89 -> 3", 30, 3000, 3, 289, 2960, 9250 },
	{ "idle: falls by a quarter, rounding down", 30, 3000, 2, 217, 2220, 6937 },
};

static void test_ticks(void **state)
{
	struct xvs_stats now = { 0 };
	struct xvs_ctl_rates r;
	struct est e;
	size_t i;

	(void)state;
	est_reset(&e, &now);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		print_message("%s\n", rows[i].name);
		now.conns = rows[i].conns;
		now.inbytes = rows[i].inbytes;
		est_tick(&e, &now);
		assert_int_equal(e.cps, rows[i].cps_raw);
		assert_int_equal(e.inbps, rows[i].inbps_raw);
		est_read(&e, &r);
		assert_int_equal(r.cps, rows[i].cps);
		assert_int_equal(r.inbps, rows[i].inbps);
	}
}

static void test_converges(void **state)
{
	struct xvs_stats now = { 0 };
	struct xvs_ctl_rates r;
	struct est e;
	int i;

	(void)state;
	est_reset(&e, &now);
	/* 1000 packets and 1.5 MB each way per 2 s, for long enough. */
	for (i = 0; i < 100; i++) {
		now.inpkts += 1000;
		now.outpkts += 1000;
		now.inbytes += 1500000;
		now.outbytes += 1500000;
		est_tick(&e, &now);
	}
	est_read(&e, &r);
	assert_int_equal(r.inpps, 500);
	assert_int_equal(r.outpps, 500);
	assert_int_equal(r.inbps, 750000);
	assert_int_equal(r.outbps, 750000);
	assert_int_equal(r.cps, 0);
}

static void test_reset(void **state)
{
	struct xvs_stats now = { .conns = 500, .inpkts = 7 };
	struct xvs_ctl_rates r;
	struct est e;

	(void)state;
	/* Starting late: what was counted before is not a rate. */
	est_reset(&e, &now);
	est_tick(&e, &now);
	est_read(&e, &r);
	assert_int_equal(r.cps, 0);
	assert_int_equal(r.inpps, 0);
	/* Counters zeroed behind the estimator's back count from zero. */
	now.conns = 4;
	est_tick(&e, &now);
	assert_int_equal(e.cps, (4 << 9) >> 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ticks),
		cmocka_unit_test(test_converges),
		cmocka_unit_test(test_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
