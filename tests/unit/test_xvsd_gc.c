// SPDX-License-Identifier: GPL-2.0
/*
 * The sweeper's pool-pressure switch (docs/conn-pressure.md): on when half
 * the pool of unanswered connections is used, off again only below a
 * quarter, and never for a pool of size 0.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "xvsd/gc.h"

struct pressure_case {
	bool on;
	__u32 unanswered, pool;
	bool want;
};

static void test_pool_pressure(void **state)
{
	static const struct pressure_case cases[] = {
		{ false, 0, 16, false },
		{ false, 7, 16, false },	/* below half: stays off */
		{ false, 8, 16, true },		/* half: on */
		{ true, 8, 16, true },
		{ true, 4, 16, true },		/* a quarter: stays on */
		{ true, 3, 16, false },		/* below a quarter: off */
		{ false, 5, 16, false },	/* between: off stays off */
		{ false, 100, 0, false },	/* no pool: never */
		{ false, 0xffffffffu, 0xffffffffu, true },	/* no overflow */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pressure_case *c = &cases[i];

		if (gc_pool_pressure(c->on, c->unanswered, c->pool) != c->want)
			fail_msg("case %zu: on %d unanswered %u pool %u: want %d", i, c->on,
				 c->unanswered, c->pool, c->want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_pressure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
