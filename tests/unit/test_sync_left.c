// SPDX-License-Identifier: GPL-2.0
/*
 * The timeout a sync record carries (sync_conn_left(), sync_msg.h): what
 * the connection has left on the master, so the backup's copy of a closed
 * or idle connection ends when the master's does instead of living a whole
 * timeout after each refresh; at least 1 s; a template that controls
 * connections keeps its whole timeout.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "xvsd/sync_msg.h"

#define S 1000000000ULL

static const struct {
	__u16 flags;
	__u32 n_control;
	__u32 timeout;
	__u64 last_seen;
	__u64 now;
	__u32 left;
} rows[] = {
	/* a state change sent at once: its whole (new) timeout */
	{ 0, 0, 900, 100 * S, 100 * S, 900 },
	/* ESTABLISHED idle 14 min 59.5 s: 1 s left, not another 900 */
	{ 0, 0, 900, 100 * S, 100 * S + 899 * S + S / 2, 1 },
	/* TIME_WAIT after the FIN, refreshed 100 s later: 20 s left */
	{ 0, 0, 120, 100 * S, 200 * S, 20 },
	/* past its end, not collected yet: the backup drops it within 1 s */
	{ 0, 0, 10, 100 * S, 500 * S, 1 },
	/* last_seen set by another CPU after our clock read */
	{ 0, 0, 60, 100 * S + 5, 100 * S, 60 },
	/* a template idle past its timeout but controlling 2 connections */
	{ XVS_CONN_F_TEMPLATE, 2, 300, 100 * S, 1000 * S, 300 },
	/* a template with none left counts down like a connection */
	{ XVS_CONN_F_TEMPLATE, 0, 300, 100 * S, 250 * S, 150 },
};

static void test_left(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct xvs_conn cn = { .flags = rows[i].flags, .n_control = rows[i].n_control,
				       .timeout = rows[i].timeout,
				       .last_seen = rows[i].last_seen };
		__u32 got = sync_conn_left(&cn, rows[i].now);

		if (got != rows[i].left)
			fail_msg("row %zu: %u s left, want %u", i, got, rows[i].left);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_left),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
