// SPDX-License-Identifier: GPL-2.0
/*
 * IPVS's connection settings as xvsd settings (connopt.c): names in both
 * spellings, ranges, refusals that change nothing, the xvsd.conf keys, the
 * command line winning, and the copy into globals.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "xvsd/config.h"
#include "xvsd/connopt.h"

struct parse_case {
	const char *key, *val;
	int ret;
	int id;		/* setting it sets when ret == 0 */
	__u32 want;
};

static void test_parse(void **state)
{
	static const struct parse_case cases[] = {
		{ "conn_reuse_mode", "0", 0, CONNOPT_CONN_REUSE_MODE, 0 },
		{ "conn-reuse-mode", "3", 0, CONNOPT_CONN_REUSE_MODE, 3 },
		{ "conn_reuse_mode", "4", -EINVAL, 0, 0 },
		{ "expire_nodest_conn", "1", 0, CONNOPT_EXPIRE_NODEST_CONN, 1 },
		{ "expire-quiescent-template", "1", 0, CONNOPT_EXPIRE_QUIESCENT_TEMPLATE, 1 },
		{ "sloppy_tcp", "2", -EINVAL, 0, 0 },
		{ "sloppy_tcp", "-1", -EINVAL, 0, 0 },
		{ "sloppy_tcp", "1x", -EINVAL, 0, 0 },
		{ "sloppy_tcp", "", -EINVAL, 0, 0 },
		{ "nat_icmp_send", "1", 0, CONNOPT_NAT_ICMP_SEND, 1 },
		{ "nat_icmp_sends", "1", -ENOENT, 0, 0 },
		{ "conn_max", "1", -ENOENT, 0, 0 },
	};
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct parse_case *c = &cases[i];
		struct connopt o = { 0 };
		int ret = connopt_parse(&o, c->key, c->val, err, sizeof(err));

		if (ret != c->ret)
			fail_msg("case %zu (%s = %s): ret %d, want %d", i, c->key, c->val, ret,
				 c->ret);
		if (ret) {
			/* Refused: nothing set. */
			assert_int_equal(o.set, 0);
			continue;
		}
		assert_int_equal(o.set, 1u << c->id);
		assert_int_equal(o.val[c->id], c->want);
	}
	{
		struct connopt o = { 0 };

		assert_int_equal(connopt_parse(&o, "sloppy_tcp", "2", err, sizeof(err)), -EINVAL);
		assert_string_equal(err, "invalid sloppy_tcp '2' (0..1)");
	}
}

static void test_conf_and_cli(void **state)
{
	struct xvsd_conf file, cli;
	struct xvs_globals g;
	char err[256];

	(void)state;
	conf_defaults(&file);
	conf_defaults(&cli);
	assert_int_equal(conf_parse_text(&file, "x.conf",
					 "expire_nodest_conn = 1\nsloppy_tcp = 1\n", err,
					 sizeof(err)), 0);
	assert_int_equal(conf_parse_text(&file, "x.conf", "sloppy_tcp = 1\nsloppy_tcp = 0\n",
					 err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "x.conf:2: 'sloppy_tcp' given twice");
	assert_int_equal(conf_parse_text(&file, "x.conf", "nat_icmp_send = yes\n", err,
					 sizeof(err)), -EINVAL);
	assert_string_equal(err, "x.conf:1: invalid nat_icmp_send 'yes' (0..1)");
	/* The command line wins for what it names. */
	assert_int_equal(connopt_parse(&cli.connopt, "sloppy-tcp", "0", err, sizeof(err)), 0);
	conf_merge(&file, &cli);
	memset(&g, 0, sizeof(g));
	g.conn_reuse_mode = 1;
	assert_int_equal(connopt_apply(&file.connopt, &g), 1);
	assert_int_equal(g.expire_nodest_conn, 1);
	assert_int_equal(g.sloppy_tcp, 0);
	assert_int_equal(g.conn_reuse_mode, 1);	/* not given: kept */
	assert_int_equal(g.nat_icmp_send, 0);
	assert_int_equal(connopt_apply(&file.connopt, &g), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_conf_and_cli),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
