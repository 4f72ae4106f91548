// SPDX-License-Identifier: GPL-2.0
/*
 * keepalived's lvs_sync_daemon in global_defs: every spelling keepalived
 * 2.2.7 takes, its warnings for bad values (checked against keepalived -t),
 * the syncid defaulting to the instance's virtual_router_id, an unknown or
 * missing instance ignored; the settings vrrp_conf_from_kaconf() gives the
 * follower; and `@ID` conditional lines (xvsd's ids: the host name, "xvsd").
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "xvsd/kaconf/kaconf.h"
#include "xvsd/vrrp_conf.h"

#define VRRP_BLOCKS \
	"vrrp_instance VI_1 {\n state MASTER\n interface eth0\n virtual_router_id 51\n" \
	" priority 100\n virtual_ipaddress {\n  192.168.1.200\n }\n}\n" \
	"vrrp_instance VI_GW {\n interface eth1\n virtual_router_id 52\n priority 100\n" \
	" virtual_ipaddress {\n  10.0.0.1/24\n }\n}\n"

static struct ka_conf *parse_syncd(const char *line)
{
	char text[2048], err[256];
	struct ka_conf *c;

	snprintf(text, sizeof(text), "global_defs {\n %s\n}\n" VRRP_BLOCKS, line);
	c = kaconf_parse("k.conf", text, err, sizeof(err));
	if (!c)
		fail_msg("parse failed: %s", err);
	return c;
}

static int nwarn_with(const struct ka_conf *c, const char *text)
{
	const struct ka_msg *m;
	int n = 0;

	for (m = c->warnings; m; m = m->next)
		n += strstr(m->text, text) != NULL;
	return n;
}

static void test_full(void **state)
{
	struct ka_conf *c = parse_syncd("lvs_sync_daemon eth1 VI_GW id 7 maxlen 1000 port 9000 "
					"ttl 3 group 239.1.2.3");
	const struct ka_syncd *d = &c->global.syncd;

	(void)state;
	assert_int_equal(c->nwarnings, 0);
	assert_string_equal(d->ifname, "eth1");
	assert_string_equal(d->vrrp, "VI_GW");
	assert_int_equal(d->syncid, 7);
	assert_int_equal(d->maxlen, 1000);
	assert_int_equal(d->port, 9000);
	assert_int_equal(d->ttl, 3);
	assert_int_equal(d->group, inet_addr("239.1.2.3"));
	assert_int_equal(d->pos.line, 2);
	kaconf_free(c);
}

static void test_spellings(void **state)
{
	struct ka_conf *c;

	(void)state;
	/* no id: the instance's virtual_router_id; IPVS's defaults stay 0 here */
	c = parse_syncd("lvs_sync_daemon eth1 VI_1");
	assert_int_equal(c->nwarnings, 0);
	assert_int_equal(c->global.syncd.syncid, 51);
	assert_int_equal(c->global.syncd.port, 0);
	assert_int_equal(c->global.syncd.group, 0);
	kaconf_free(c);
	/* keepalived 2.2's "inst" keyword */
	c = parse_syncd("lvs_sync_daemon eth1 inst VI_GW");
	assert_int_equal(c->nwarnings, 0);
	assert_string_equal(c->global.syncd.vrrp, "VI_GW");
	assert_int_equal(c->global.syncd.syncid, 52);
	kaconf_free(c);
	/* the old bare syncid: taken, with keepalived's nudge */
	c = parse_syncd("lvs_sync_daemon eth1 VI_1 5");
	assert_int_equal(c->global.syncd.syncid, 5);
	assert_int_equal(nwarn_with(c, "(k.conf: Line 2) Please use keyword \"id\" before "
				       "lvs_sync_daemon SYNCID"), 1);
	assert_int_equal(c->nwarnings, 1);
	kaconf_free(c);
}

static const struct {
	const char *line;
	const char *warning;
	int syncid;		/* what is left */
	int ifname_set;
} bad_rows[] = {
	{ "lvs_sync_daemon eth1 VI_1 id 300", "Invalid syncid (300) - defaulting to vrid", 51, 1 },
	{ "lvs_sync_daemon eth1 VI_1 id", "No value specified for lvs_sync_daemon id, defaulting to vrid",
	  51, 1 },
	{ "lvs_sync_daemon eth1 VI_1 maxlen 0", "Invalid lvs_sync_daemon maxlen (0) - ignoring", 51, 1 },
	{ "lvs_sync_daemon eth1 VI_1 port 70000", "Invalid lvs_sync_daemon port (70000) - ignoring",
	  51, 1 },
	{ "lvs_sync_daemon eth1 VI_1 ttl 0", "Invalid lvs_sync_daemon ttl (0) - ignoring", 51, 1 },
	{ "lvs_sync_daemon eth1 VI_1 group 10.1.1.1",
	  "lvs_sync_daemon group address 10.1.1.1 is not multicast - ignoring", 51, 1 },
	{ "lvs_sync_daemon eth1 VI_1 id 4 bogus", "Unknown option bogus specified for lvs_sync_daemon",
	  4, 1 },
	{ "lvs_sync_daemon eth1 VI_1 bogus", "Invalid syncid (bogus) - defaulting to vrid", 51, 1 },
	{ "lvs_sync_daemon", "lvs_sync_daemon requires interface", -1, 0 },
	{ "lvs_sync_daemon eth1", "lvs_sync_daemon names no VRRP instance - ignoring", -1, 0 },
	{ "lvs_sync_daemon eth1 VI_9",
	  "Unable to find vrrp instance VI_9 for lvs_sync_daemon - ignoring", -1, 0 },
	{ "lvs_sync_daemon eth1 VI_1\n lvs_sync_daemon eth2 VI_GW",
	  "lvs_sync_daemon has already been specified as eth1 VI_1 - ignoring", 51, 1 },
};

static void test_bad(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		struct ka_conf *c = parse_syncd(bad_rows[i].line);

		if (nwarn_with(c, bad_rows[i].warning) != 1)
			fail_msg("row %zu: no warning '%s'", i, bad_rows[i].warning);
		assert_int_equal(!!c->global.syncd.ifname[0], bad_rows[i].ifname_set);
		if (bad_rows[i].ifname_set) {
			assert_string_equal(c->global.syncd.ifname, "eth1");
			assert_int_equal(c->global.syncd.syncid, bad_rows[i].syncid);
		}
		kaconf_free(c);
	}
}

/* What the VRRP follower gets: ipvsadm --start-daemon's settings. */
static void test_vrrp_conf(void **state)
{
	struct ka_conf *c = parse_syncd("lvs_sync_daemon eth1 VI_GW port 9000 ttl 2\n"
					" vrrp_notify_fifo /run/k.fifo");
	struct vrrp_conf v;
	char err[256];
	int i;

	(void)state;
	memset(&v, 0, sizeof(v));
	assert_int_equal(vrrp_conf_from_kaconf(&v, c, err, sizeof(err)), 0);
	assert_string_equal(v.syncd.inst, "VI_GW");
	assert_string_equal(v.syncd.cfg.mcast_ifn, "eth1");
	assert_int_equal(v.syncd.cfg.syncid, 52);
	assert_int_equal(v.syncd.cfg.mcast_port, htons(9000));
	assert_int_equal(v.syncd.cfg.mcast_ttl, 2);
	assert_int_equal(v.syncd.cfg.mcast_group, 0);
	assert_int_equal(v.syncd.cfg.sync_maxlen, 0);
	assert_int_equal(v.syncd.cfg.set, XVS_DAEMON_SET_PORT | XVS_DAEMON_SET_TTL);
	for (i = 0; i < v.ninst && strcmp(v.inst[i].name, "VI_GW"); i++)
		;
	assert_true(i < v.ninst);
	kaconf_free(c);
	/* without lvs_sync_daemon: nothing to run */
	c = parse_syncd("router_id X");
	memset(&v, 0, sizeof(v));
	assert_int_equal(vrrp_conf_from_kaconf(&v, c, err, sizeof(err)), 0);
	assert_string_equal(v.syncd.inst, "");
	kaconf_free(c);
}

/* `@ID` lines: kept for the host name and "xvsd", `@^ID` for any other id. */
static void test_conditional_lines(void **state)
{
	char host[256], text[1024], err[256];
	struct ka_conf *c;

	(void)state;
	assert_int_equal(gethostname(host, sizeof(host)), 0);
	host[strcspn(host, ".")] = '\0';
	snprintf(text, sizeof(text),
		 "global_defs {\n"
		 " @xvsd lvs_sync_daemon eth1 VI_1\n"
		 " @^xvsd router_id KEEPALIVED_ONLY\n"
		 " @%s lvs_id HOST\n"
		 " @not-this-host notify_fifo /run/a\n"
		 " @^not-this-host vrrp_notify_fifo /run/b\n"
		 "}\n" VRRP_BLOCKS, host);
	c = kaconf_parse("k.conf", text, err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(c->nwarnings, 0);
	assert_string_equal(c->global.syncd.ifname, "eth1");
	assert_string_equal(c->global.router_id, "HOST");
	assert_null(c->global.notify_fifo);
	assert_string_equal(c->global.vrrp_notify_fifo, "/run/b");
	kaconf_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_spellings),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_vrrp_conf),
		cmocka_unit_test(test_conditional_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
