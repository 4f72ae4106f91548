// SPDX-License-Identifier: GPL-2.0
/*
 * `xvsadm mark` words, table-driven: iptables MARK command lines (the LVS
 * recipe's, iptables-save's spellings) parse into the rule they mean and
 * print back as iptables-save prints them; every misuse names its cause.
 * No xvsd: parsing and printing only.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "xvsadm/mark.h"

/* Split @line on spaces into @argv ("mark" first); returns argc. */
static int words(char *line, char **argv)
{
	int n = 0;
	char *w;

	argv[n++] = "mark";
	for (w = strtok(line, " "); w; w = strtok(NULL, " "))
		argv[n++] = w;
	return n;
}

static int parse(const char *args, struct mark_cmd *mc, char *err)
{
	char buf[512], *argv[64];

	snprintf(buf, sizeof(buf), "%s", args);
	return mark_parse(words(buf, argv), argv, mc, err);
}

/* Each line parses, and prints back as @save (NULL: no rule to print). */
static const struct {
	const char *args;
	enum mark_op op;
	__u32 pos;
	const char *save;
} good_rows[] = {
	{ "-t mangle -A PREROUTING -d 192.168.1.200 -p tcp -m multiport --dports 80,443 -j MARK "
	  "--set-mark 1",
	  MARK_OP_APPEND, 0,
	  "-A PREROUTING -d 192.168.1.200/32 -p tcp -m multiport --dports 80,443 -j MARK "
	  "--set-mark 1" },
	/* iptables-save's own spelling */
	{ "-A PREROUTING -d 192.168.1.200/32 -p udp -m udp --dport 53 -j MARK "
	  "--set-xmark 0x2/0xffffffff",
	  MARK_OP_APPEND, 0, "-A PREROUTING -d 192.168.1.200/32 -p udp --dport 53 -j MARK --set-mark 2" },
	/* host bits cleared, dotted masks, ranges, no protocol: TCP and UDP */
	{ "-I 3 -s 10.1.2.3/255.255.0.0 -d 192.168.1.0/24 --dports 1000:2000,8080 -j MARK "
	  "--set-mark 0x10",
	  MARK_OP_INSERT, 3,
	  "-A PREROUTING -s 10.1.0.0/16 -d 192.168.1.0/24 -m multiport --dports 1000:2000,8080 "
	  "-j MARK --set-mark 16" },
	{ "-I PREROUTING -p all -j MARK --set-mark 4294967295", MARK_OP_INSERT, 0,
	  "-A PREROUTING -j MARK --set-mark 4294967295" },
	{ "-D PREROUTING 2", MARK_OP_DELETE, 2, NULL },
	{ "-D -p tcp --destination-port 80 -j MARK --set-mark 1", MARK_OP_DELETE, 0,
	  "-A PREROUTING -p tcp --dport 80 -j MARK --set-mark 1" },
	{ "-F", MARK_OP_FLUSH, 0, NULL },
	{ "-L -n --line-numbers", MARK_OP_LIST, 0, NULL },
	{ "-S PREROUTING", MARK_OP_SAVE, 0, NULL },
	{ "--restore", MARK_OP_RESTORE, 0, NULL },
};

static void test_good(void **state)
{
	char err[MARK_ERR_LEN], out[512];
	struct mark_cmd mc;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good_rows) / sizeof(good_rows[0]); i++) {
		if (parse(good_rows[i].args, &mc, err)) {
			fprintf(stderr, "row %zu: %s\n", i, err);
			fail();
		}
		assert_int_equal(mc.op, good_rows[i].op);
		assert_int_equal(mc.pos, good_rows[i].pos);
		if (!good_rows[i].save)
			continue;
		mark_format(&mc.rule, out, sizeof(out));
		assert_string_equal(out, good_rows[i].save);
	}
}

static void test_fields(void **state)
{
	char err[MARK_ERR_LEN];
	struct mark_cmd mc;

	(void)state;
	assert_int_equal(parse("-A -d 192.168.1.200/32 -p tcp --dports 80,443 -j MARK --set-mark 1",
			       &mc, err), 0);
	assert_int_equal(mc.rule.daddr, inet_addr("192.168.1.200"));
	assert_int_equal(mc.rule.dmask, 0xffffffff);
	assert_int_equal(mc.rule.smask, 0);
	assert_int_equal(mc.rule.proto, IPPROTO_TCP);
	assert_int_equal(mc.rule.nports, 2);
	assert_int_equal(mc.rule.port_lo[0], 80);
	assert_int_equal(mc.rule.port_hi[0], 80);
	assert_int_equal(mc.rule.port_lo[1], 443);
	assert_int_equal(mc.rule.mark, 1);
}

static const struct {
	const char *args;
	const char *err;
} bad_rows[] = {
	{ "", "no command given: try `xvsadm mark -h'" },
	{ "-A -d 1.2.3.4 -j ACCEPT", "target `ACCEPT': only -j MARK has an xvs equivalent" },
	{ "-t nat -A PREROUTING -j MARK --set-mark 1",
	  "table `nat': only the mangle table's MARK rules have an xvs equivalent" },
	{ "-A OUTPUT -j MARK --set-mark 1",
	  "chain `OUTPUT': xvs mark rules stand for the mangle table's PREROUTING chain only "
	  "(docs/fwmark.md)" },
	{ "-A -d 1.2.3.4", "a rule needs `-j MARK --set-mark N'" },
	{ "-A -j MARK --set-mark 0", "invalid mark `0' (1..4294967295)" },
	{ "-A -j MARK --set-mark 4294967296", "invalid mark `4294967296' (1..4294967295)" },
	{ "-A -j MARK --set-xmark 1/0xff",
	  "mark `1/0xff': a partial mark mask has no xvs equivalent" },
	{ "-A ! -d 1.2.3.4 -j MARK --set-mark 1", "negated matches (!) have no xvs equivalent" },
	{ "-A -p icmp -j MARK --set-mark 1", "protocol `icmp': xvs balances tcp and udp only" },
	{ "-A -d 1.2.3.4/33 -j MARK --set-mark 1", "invalid prefix length `33'" },
	{ "-A -d 1.2.3.4/255.0.255.0 -j MARK --set-mark 1", "invalid netmask `255.0.255.0'" },
	{ "-A -d www.example -j MARK --set-mark 1",
	  "invalid address `www.example' (IPv4 a.b.c.d[/len] only)" },
	{ "-A --dport 80,443 -j MARK --set-mark 1",
	  "--dport takes one port or range: use --dports for a list" },
	{ "-A --dports 1,2,3,4,5,6,7,8,9 -j MARK --set-mark 1",
	  "at most 8 ports or ranges in one rule" },
	{ "-A --dports 90:80 -j MARK --set-mark 1", "invalid port range `90:80'" },
	{ "-A --dport 65536 -j MARK --set-mark 1", "invalid port `65536'" },
	{ "-A -m conntrack -j MARK --set-mark 1",
	  "match `conntrack' has no xvs equivalent (tcp, udp, multiport)" },
	{ "-A -j MARK --set-mark 1 --foo 1", "unknown option `--foo'" },
	{ "-A -j MARK --set-mark", "option `--set-mark' requires an argument" },
	{ "-A -F", "only one command (-A -I -D -F -L -S --restore) at a time" },
	{ "-D 2 -j MARK --set-mark 1", "-D takes a rule number or a rule, not both" },
	{ "-I 0 -j MARK --set-mark 1", "invalid rule number `0'" },
	{ "-L -d 1.2.3.4", "this command takes no rule" },
	{ "-F extra", "chain `extra': xvs mark rules stand for the mangle table's PREROUTING chain "
		      "only (docs/fwmark.md)" },
};

static void test_bad(void **state)
{
	char err[MARK_ERR_LEN];
	struct mark_cmd mc;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		if (!parse(bad_rows[i].args, &mc, err)) {
			fprintf(stderr, "row %zu parsed: %s\n", i, bad_rows[i].args);
			fail();
		}
		assert_string_equal(err, bad_rows[i].err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
