// SPDX-License-Identifier: GPL-2.0
/*
 * "Once per episode" (src/xvsd/episode.c): a counter sampled every tick
 * gives one BEGIN when it starts growing and one END after
 * EPISODE_QUIET_TICKS ticks without growth, however many ticks it grows
 * for and with short lulls in between; what grew before the first sample
 * is no episode; a counter that went back starts over silently.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "xvsd/episode.h"

/* Feed counts and tally the events. */
struct tally {
	int begin, end, none;
};

static enum episode_event feed(struct episode *e, __u64 count, struct tally *t)
{
	enum episode_event ev = episode_feed(e, count);

	t->begin += ev == EPISODE_BEGIN;
	t->end += ev == EPISODE_END;
	t->none += ev == EPISODE_NONE;
	return ev;
}

static void test_first_sample_is_the_base(void **state)
{
	struct episode e = { 0 };
	struct tally t = { 0 };
	int i;

	(void)state;
	assert_int_equal(feed(&e, 5000, &t), EPISODE_NONE);
	for (i = 0; i < 3 * EPISODE_QUIET_TICKS; i++)
		assert_int_equal(feed(&e, 5000, &t), EPISODE_NONE);
	assert_int_equal(t.begin + t.end, 0);
}

static void test_one_episode_of_many_ticks(void **state)
{
	struct episode e = { 0 };
	struct tally t = { 0 };
	__u64 n = 100;
	int i;

	(void)state;
	feed(&e, n, &t);
	assert_int_equal(feed(&e, n += 3, &t), EPISODE_BEGIN);
	/* a thousand ticks of drops, with lulls shorter than the quiet spell */
	for (i = 0; i < 1000; i++) {
		if (i % 7 == 0) {
			int q;

			for (q = 0; q < EPISODE_QUIET_TICKS - 1; q++)
				assert_int_equal(feed(&e, n, &t), EPISODE_NONE);
		}
		assert_int_equal(feed(&e, n += 50, &t), EPISODE_NONE);
	}
	assert_int_equal(t.begin, 1);
	assert_int_equal(t.end, 0);
	for (i = 0; i < EPISODE_QUIET_TICKS - 1; i++)
		assert_int_equal(feed(&e, n, &t), EPISODE_NONE);
	assert_int_equal(feed(&e, n, &t), EPISODE_END);
	assert_int_equal(episode_count(&e), 3 + 1000 * 50);
	/* quiet afterwards: nothing more */
	for (i = 0; i < 3 * EPISODE_QUIET_TICKS; i++)
		assert_int_equal(feed(&e, n, &t), EPISODE_NONE);
	assert_int_equal(t.begin, 1);
	assert_int_equal(t.end, 1);
}

static void test_second_episode(void **state)
{
	struct episode e = { 0 };
	struct tally t = { 0 };
	int i;

	(void)state;
	feed(&e, 0, &t);
	assert_int_equal(feed(&e, 10, &t), EPISODE_BEGIN);
	for (i = 0; i < EPISODE_QUIET_TICKS; i++)
		feed(&e, 10, &t);
	assert_int_equal(t.end, 1);
	assert_int_equal(episode_count(&e), 10);
	assert_int_equal(feed(&e, 11, &t), EPISODE_BEGIN);
	assert_int_equal(feed(&e, 30, &t), EPISODE_NONE);
	for (i = 0; i < EPISODE_QUIET_TICKS; i++)
		feed(&e, 30, &t);
	assert_int_equal(t.begin, 2);
	assert_int_equal(t.end, 2);
	assert_int_equal(episode_count(&e), 20);
}

static void test_counter_went_back(void **state)
{
	struct episode e = { 0 };
	struct tally t = { 0 };
	int i;

	(void)state;
	feed(&e, 100, &t);
	assert_int_equal(feed(&e, 200, &t), EPISODE_BEGIN);
	/* a new datapath: counters from zero; no END for the old episode, no BEGIN */
	assert_int_equal(feed(&e, 0, &t), EPISODE_NONE);
	for (i = 0; i < 3 * EPISODE_QUIET_TICKS; i++)
		assert_int_equal(feed(&e, 0, &t), EPISODE_NONE);
	assert_int_equal(feed(&e, 4, &t), EPISODE_BEGIN);
	assert_int_equal(t.begin, 2);
	assert_int_equal(t.end, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_sample_is_the_base),
		cmocka_unit_test(test_one_episode_of_many_ticks),
		cmocka_unit_test(test_second_episode),
		cmocka_unit_test(test_counter_went_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
