// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of bpf/lib/conn_state.h: rows of the IPVS TCP transition table
 * (ipvs.md 2.2, NAT, secure_tcp=0), the typical connection lives, which
 * states count as active, and per-state timeouts with --set overrides.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/conn_state.h"

#define F 0x01
#define S 0x02
#define R 0x04
#define A 0x10

enum { NO = XVS_TCP_S_NONE, ES = XVS_TCP_S_ESTABLISHED, SS = XVS_TCP_S_SYN_SENT,
       SR = XVS_TCP_S_SYN_RECV, FW = XVS_TCP_S_FIN_WAIT, TW = XVS_TCP_S_TIME_WAIT,
       CL = XVS_TCP_S_CLOSE, CW = XVS_TCP_S_CLOSE_WAIT, LA = XVS_TCP_S_LAST_ACK,
       LI = XVS_TCP_S_LISTEN, SA = XVS_TCP_S_SYNACK };

struct row {
	int dir;
	uint8_t flags;
	uint32_t from, to;
};

/* Rows copied from the table in ipvs.md 2.2, plus flag priority cases. */
static const struct row rows[] = {
	/* IN syn */
	{ XVS_DIR_IN, S, NO, SR }, { XVS_DIR_IN, S, ES, ES }, { XVS_DIR_IN, S, SS, ES },
	{ XVS_DIR_IN, S, TW, SR }, { XVS_DIR_IN, S, CL, SR }, { XVS_DIR_IN, S, SA, SR },
	/* IN fin */
	{ XVS_DIR_IN, F, NO, CL }, { XVS_DIR_IN, F, ES, CW }, { XVS_DIR_IN, F, SR, TW },
	{ XVS_DIR_IN, F, FW, TW }, { XVS_DIR_IN, F, LA, LA }, { XVS_DIR_IN, F, SA, TW },
	/* IN ack */
	{ XVS_DIR_IN, A, NO, ES }, { XVS_DIR_IN, A, SR, ES }, { XVS_DIR_IN, A, FW, FW },
	{ XVS_DIR_IN, A, LA, CL }, { XVS_DIR_IN, A, CW, CW }, { XVS_DIR_IN, A, TW, TW },
	/* IN rst */
	{ XVS_DIR_IN, R, ES, CL }, { XVS_DIR_IN, R, SR, SR }, { XVS_DIR_IN, R, LA, LA },
	{ XVS_DIR_IN, R, LI, LI }, { XVS_DIR_IN, R, SA, SR },
	/* OUT syn */
	{ XVS_DIR_OUT, S, NO, SS }, { XVS_DIR_OUT, S, SR, SR }, { XVS_DIR_OUT, S, FW, SS },
	{ XVS_DIR_OUT, S, LI, LI },
	/* OUT fin */
	{ XVS_DIR_OUT, F, NO, TW }, { XVS_DIR_OUT, F, ES, FW }, { XVS_DIR_OUT, F, CW, TW },
	{ XVS_DIR_OUT, F, SR, TW }, { XVS_DIR_OUT, F, CL, CL },
	/* OUT ack */
	{ XVS_DIR_OUT, A, NO, ES }, { XVS_DIR_OUT, A, LA, LA }, { XVS_DIR_OUT, A, LI, ES },
	{ XVS_DIR_OUT, A, SA, ES },
	/* OUT rst */
	{ XVS_DIR_OUT, R, ES, CL }, { XVS_DIR_OUT, R, SS, SS }, { XVS_DIR_OUT, R, TW, TW },
	{ XVS_DIR_OUT, R, LA, CL },
	/* priority RST > SYN > FIN > ACK; no flag -> CLOSE */
	{ XVS_DIR_IN, S | A, SR, SR }, { XVS_DIR_IN, F | A, ES, CW },
	{ XVS_DIR_OUT, S | A, SR, SR }, { XVS_DIR_IN, R | A, ES, CL },
	{ XVS_DIR_IN, R | S, SR, SR }, { XVS_DIR_IN, 0, ES, CL },
	{ XVS_DIR_OUT, 0x08 /* PSH only */, ES, CL },
};

static void test_table_rows(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint32_t got = conn_tcp_next(rows[i].from, rows[i].dir,
					     rows[i].flags);

		if (got != rows[i].to)
			fail_msg("row %zu: dir %d flags %#x from %u: got %u want %u",
				 i, rows[i].dir, rows[i].flags, rows[i].from,
				 got, rows[i].to);
	}
}

struct step {
	int dir;
	uint8_t flags;
	uint32_t want;
};

/* Whole lives: client closes first; server closes first. */
static void run_life(const struct step *s, size_t n)
{
	uint32_t st = NO;
	size_t i;

	for (i = 0; i < n; i++) {
		st = conn_tcp_next(st, s[i].dir, s[i].flags);
		assert_int_equal(st, s[i].want);
	}
}

static void test_lives(void **state)
{
	static const struct step client_first[] = {
		{ XVS_DIR_IN, S, SR }, { XVS_DIR_OUT, S | A, SR },
		{ XVS_DIR_IN, A, ES }, { XVS_DIR_IN, F | A, CW },
		{ XVS_DIR_OUT, F | A, TW }, { XVS_DIR_IN, A, TW },
	};
	static const struct step server_first[] = {
		{ XVS_DIR_IN, S, SR }, { XVS_DIR_OUT, S | A, SR },
		{ XVS_DIR_IN, A, ES }, { XVS_DIR_OUT, F | A, FW },
		{ XVS_DIR_IN, A, FW }, { XVS_DIR_IN, F | A, TW },
	};

	(void)state;
	run_life(client_first, sizeof(client_first) / sizeof(client_first[0]));
	run_life(server_first, sizeof(server_first) / sizeof(server_first[0]));
}

static void test_active(void **state)
{
	uint32_t st;

	(void)state;
	for (st = 0; st < XVS_S_MAX; st++) {
		int want = st == ES || st == SS || st == SR || st == SA;

		assert_int_equal(conn_state_active(st), want);
		assert_int_equal(!!(conn_state_word(st) & XVS_CONN_INACTIVE), !want);
		assert_int_equal(conn_state_word(st) & XVS_CONN_STATE_MASK, st);
	}
}

static void test_timeouts(void **state)
{
	struct xvs_globals g = { 0 };

	(void)state;
	assert_int_equal(conn_state_timeout(NULL, ES), 900);
	assert_int_equal(conn_state_timeout(&g, FW), 120);
	assert_int_equal(conn_state_timeout(&g, TW), 120);
	assert_int_equal(conn_state_timeout(&g, XVS_S_UDP), 300);
	assert_int_equal(conn_state_timeout(&g, SR), 60);
	assert_int_equal(conn_state_timeout(&g, CL), 10);
	/* ipvsadm --set 30 5 60 */
	g.timeout[ES] = 30;
	g.timeout[FW] = 5;
	g.timeout[XVS_S_UDP] = 60;
	assert_int_equal(conn_state_timeout(&g, ES), 30);
	assert_int_equal(conn_state_timeout(&g, FW), 5);
	assert_int_equal(conn_state_timeout(&g, XVS_S_UDP), 60);
	assert_int_equal(conn_state_timeout(&g, TW), 120);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_rows),
		cmocka_unit_test(test_lives),
		cmocka_unit_test(test_active),
		cmocka_unit_test(test_timeouts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
