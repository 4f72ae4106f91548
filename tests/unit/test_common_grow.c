// SPDX-License-Identifier: GPL-2.0
/*
 * src/common/grow.c: room for what is asked, doubling from the first size,
 * contents kept, nothing reallocated while there is room, sizes that
 * cannot be had refused with the array unchanged.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "grow.h"

static void test_doubles_from_first(void **state)
{
	uint64_t *a = NULL, *was;
	size_t cap = 0, i;

	(void)state;
	assert_int_equal(grow(&a, &cap, 1, sizeof(*a), 4), 0);
	assert_non_null(a);
	assert_int_equal(cap, 4);
	for (i = 0; i < 4; i++)
		a[i] = i + 100;
	was = a;
	/* Room already: nothing moves. */
	assert_int_equal(grow(&a, &cap, 4, sizeof(*a), 4), 0);
	assert_ptr_equal(a, was);
	assert_int_equal(cap, 4);
	/* Past it: doubled until it fits, contents kept. */
	assert_int_equal(grow(&a, &cap, 9, sizeof(*a), 4), 0);
	assert_int_equal(cap, 16);
	for (i = 0; i < 4; i++)
		assert_int_equal(a[i], i + 100);
	a[15] = 7;
	free(a);
}

static void test_no_memory_keeps_array(void **state)
{
	char *buf = NULL;
	size_t cap = 0;

	(void)state;
	assert_int_equal(grow(&buf, &cap, 3, 1, 8), 0);
	memcpy(buf, "ab", 3);
	/* A size no allocator gives: -ENOMEM, the old buffer and size stay. */
	assert_int_equal(grow(&buf, &cap, SIZE_MAX / 2, 1, 8), -ENOMEM);
	assert_int_equal(cap, 8);
	assert_string_equal(buf, "ab");
	/* One that would wrap the size: refused, not looped on. */
	assert_int_equal(grow(&buf, &cap, SIZE_MAX, 1, 8), -ENOMEM);
	assert_int_equal(cap, 8);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doubles_from_first),
		cmocka_unit_test(test_no_memory_keeps_array),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
