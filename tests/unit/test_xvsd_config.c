// SPDX-License-Identifier: GPL-2.0
/*
 * xvsd.conf parsing: every key, comments and blanks, and each kind of error
 * reported as FILE:LINE with nothing changed; command line over file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "xvsd/config.h"

static void test_all_keys(void **state)
{
	struct xvsd_conf c;
	char err[256] = "";

	(void)state;
	conf_defaults(&c);
	assert_int_equal(conf_parse_text(&c, "f",
					 "# director\n"
					 "\n"
					 "interfaces = eth0, eth1   # both\n"
					 "interfaces = eth2\n"
					 "  datapath=tc\n"
					 "conn_max = 1000\n"
					 "max_services = 10000\n"
					 "max_servers = 1000000\n"
					 "socket = /run/x/x.sock\n"
					 "pin_dir = /sys/fs/bpf/x/\n"
					 "log = syslog",
					 err, sizeof(err)),
			 0);
	assert_int_equal(c.nifaces, 3);
	assert_string_equal(c.ifaces[0], "eth0");
	assert_string_equal(c.ifaces[2], "eth2");
	assert_int_equal(c.datapath, XVSD_DP_TC);
	assert_int_equal(c.conn_max, 1000);
	assert_int_equal(c.max_svc, 10000);
	assert_int_equal(c.max_dest, 1000000);
	assert_string_equal(c.socket, "/run/x/x.sock");
	assert_string_equal(c.pin_dir, "/sys/fs/bpf/x");
	assert_true(c.log_syslog);
}

struct err_row {
	const char *text;
	const char *msg;
};

static const struct err_row err_rows[] = {
	{ "bogus = 1\n", "f:1: unknown key 'bogus'" },
	{ "\n\ninterfaces\n", "f:3: expected 'key = value', got 'interfaces'" },
	{ "datapath =\n", "f:1: no value for 'datapath'" },
	{ "datapath = skb\n", "f:1: invalid datapath 'skb' (use xdp or tc)" },
	{ "conn_max = 0\n", "f:1: invalid conn_max '0' (1..16777216 connections)" },
	{ "conn_max = 12x\n", "f:1: invalid conn_max '12x' (1..16777216 connections)" },
	{ "conn_max = -5\n", "f:1: invalid conn_max '-5' (1..16777216 connections)" },
	{ "conn_max = 99999999999\n", "f:1: invalid conn_max '99999999999' (1..16777216 connections)" },
	{ "max_services = 0\n", "f:1: invalid max_services '0' (1..65535 services)" },
	{ "max_services = 65536\n", "f:1: invalid max_services '65536' (1..65535 services)" },
	{ "max_services = 1k\n", "f:1: invalid max_services '1k' (1..65535 services)" },
	{ "max_servers = 4194304\n",
	  "f:1: invalid max_servers '4194304' (1..4194303 real servers)" },
	{ "max_servers = -1\n", "f:1: invalid max_servers '-1' (1..4194303 real servers)" },
	{ "socket = rel/path\n", "f:1: socket 'rel/path' must be an absolute path" },
	{ "log = loud\n", "f:1: invalid log 'loud' (use stderr or syslog)" },
	{ "interfaces = eth0,eth0\n", "f:1: interface 'eth0' given twice" },
	{ "interfaces = averyveryverylongname\n",
	  "f:1: interface name 'averyveryverylongname' too long (max 15 characters)" },
	{ "interfaces = ,\n", "f:1: no interface named in ','" },
	{ "log = stderr\nlog = syslog\n", "f:2: 'log' given twice" },
};

static void test_errors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(err_rows) / sizeof(err_rows[0]); i++) {
		struct xvsd_conf c, orig;
		char err[256] = "";

		conf_defaults(&c);
		orig = c;
		assert_int_equal(conf_parse_text(&c, "f", err_rows[i].text, err, sizeof(err)),
				 -EINVAL);
		assert_string_equal(err, err_rows[i].msg);
		/* A bad file changes nothing. */
		assert_memory_equal(&c, &orig, sizeof(c));
	}
}

static void test_file(void **state)
{
	char path[] = "/tmp/test_xvsd_config.XXXXXX", err[512];
	struct xvsd_conf c;
	FILE *f;
	int fd;

	(void)state;
	conf_defaults(&c);
	assert_int_equal(conf_parse_file(&c, "/nonexistent/xvsd.conf", err, sizeof(err)),
			 -ENOENT);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("interfaces = eth0\nconn_max = x\n", f);
	fclose(f);
	assert_int_equal(conf_parse_file(&c, path, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, ":2: invalid conn_max 'x'"));
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	unlink(path);
}

static void test_merge(void **state)
{
	struct xvsd_conf file, cli;
	char err[256];

	(void)state;
	conf_defaults(&file);
	assert_int_equal(conf_parse_text(&file, "f", "interfaces = a,b\nconn_max = 7\n"
					 "datapath = tc\n", err, sizeof(err)), 0);
	conf_defaults(&cli);
	assert_int_equal(conf_add_ifaces(&cli, "c", err, sizeof(err)), 0);
	assert_int_equal(conf_set_conn_max(&cli, "9", err, sizeof(err)), 0);
	assert_int_equal(conf_set_max_servers(&cli, "20000", err, sizeof(err)), 0);
	conf_merge(&file, &cli);
	/* The command line's interfaces replace the file's, its values win. */
	assert_int_equal(file.nifaces, 1);
	assert_string_equal(file.ifaces[0], "c");
	assert_int_equal(file.conn_max, 9);
	assert_int_equal(file.max_dest, 20000);
	assert_int_equal(file.max_svc, XVS_MAX_SVC - 1);
	assert_int_equal(file.datapath, XVSD_DP_TC);
	assert_string_equal(file.pin_dir, XVSD_PIN_DIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_keys),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
