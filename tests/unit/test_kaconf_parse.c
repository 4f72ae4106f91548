// SPDX-License-Identifier: GPL-2.0
/*
 * keepalived.conf parsing: the seed's two configs verbatim (values and the
 * nb_get_retry warning keepalived 2.2 prints), keepalived's defaults and
 * inheritance, includes with globs relative to the including file,
 * warnings with file:line, fatal errors, Debian's LVS samples.
 * Run from the source tree root (tests/run.sh does).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "xvsd/kaconf/kaconf.h"

#define SEED_DIR "tests/golden/keepalived"

static __u32 ip(const char *s)
{
	return inet_addr(s);
}

static int nwarn_with(const struct ka_conf *c, const char *text)
{
	const struct ka_msg *m;
	int n = 0;

	for (m = c->warnings; m; m = m->next)
		n += strstr(m->text, text) != NULL;
	return n;
}

static void check_seed(const char *file, const char *router, int state, int prio)
{
	char err[256], want[256];
	const struct ka_vrrp *v;
	const struct ka_check *k;
	const struct ka_conf *c;
	const struct ka_vs *vs;
	const struct ka_rs *rs;
	struct ka_conf *cc;

	cc = kaconf_load(file, err, sizeof(err));
	assert_non_null(cc);
	c = cc;
	assert_string_equal(c->global.router_id, router);
	/* VRRP side */
	v = kaconf_vrrp_find(c, "VI_1");
	assert_non_null(v);
	assert_int_equal(v->state, state);
	assert_int_equal(v->priority, prio);
	assert_int_equal(v->vrid, 51);
	assert_string_equal(v->interface, "eth0");
	assert_non_null(v->vips);
	assert_int_equal(v->vips->addr[0], ip("192.168.1.200"));
	assert_null(v->vips->next);
	/* LVS side: ipvsadm -A -t 192.168.1.200:80 -s rr -p 300, two -m -w 1 */
	vs = c->vs;
	assert_non_null(vs);
	assert_null(vs->next);
	assert_int_equal(vs->kind, KA_VS_ADDR);
	assert_int_equal(vs->addr, ip("192.168.1.200"));
	assert_int_equal(ntohs(vs->port), 80);
	assert_int_equal(vs->proto, IPPROTO_TCP);
	assert_string_equal(vs->sched, "rr");
	assert_int_equal(vs->timeout, 300);
	assert_int_equal(vs->netmask, 0xffffffff);
	assert_int_equal(vs->tm.delay_loop_ms, 6000);
	assert_int_equal(vs->nrs, 2);
	rs = vs->rs;
	assert_int_equal(rs->addr, ip("10.0.0.2"));
	assert_int_equal(rs->next->addr, ip("10.0.0.3"));
	for (; rs; rs = rs->next) {
		assert_int_equal(ntohs(rs->port), 80);
		assert_int_equal(rs->weight, 1);
		assert_false(rs->inhibit);
		k = rs->checks;
		assert_non_null(k);
		assert_null(k->next);
		assert_int_equal(k->type, KA_CHECK_TCP);
		assert_int_equal(k->connect_ip, rs->addr);
		assert_int_equal(ntohs(k->connect_port), 80);
		assert_int_equal(k->tm.connect_timeout_ms, 3000);
		assert_int_equal(k->tm.retry, 3);	/* nb_get_retry taken as retry */
		assert_int_equal(k->tm.delay_before_retry_ms, 3000);
		assert_int_equal(k->tm.delay_loop_ms, 6000);
		assert_int_equal(k->tm.warmup_ms, 6000);
		assert_false(k->alpha);
	}
	/* exactly what keepalived 2.2.7 says about the seed, and nothing else */
	assert_int_equal(c->nwarnings, 2);
	snprintf(want, sizeof(want), "(%s: Line 31) Unknown keyword 'nb_get_retry'", file);
	assert_string_equal(c->warnings->text, want);
	snprintf(want, sizeof(want), "(%s: Line 41) Unknown keyword 'nb_get_retry'", file);
	assert_string_equal(c->warnings->next->text, want);
	kaconf_free(cc);
}

static void test_seed_master(void **state)
{
	(void)state;
	check_seed(SEED_DIR "/seed-master.conf", "LVS_MASTER", KA_VRRP_MASTER, 100);
}

static void test_seed_backup(void **state)
{
	(void)state;
	check_seed(SEED_DIR "/seed-backup.conf", "LVS_BACKUP", KA_VRRP_BACKUP, 90);
}

static struct ka_conf *parse(const char *text)
{
	char err[256];
	struct ka_conf *c = kaconf_parse("/etc/keepalived/k.conf", text, err, sizeof(err));

	if (!c)
		fail_msg("parse failed: %s", err);
	return c;
}

/* keepalived's defaults, the warnings it gives for them, and inheritance. */
static void test_defaults_and_inheritance(void **state)
{
	struct ka_conf *c = parse("virtual_server 10.1.1.1 53 {\n"
				  "  connect_timeout 2\n"
				  "  weight 5\n"
				  "  inhibit_on_failure\n"
				  "  real_server 10.0.0.2 {\n"
				  "    delay_before_retry 1.5\n"
				  "    DNS_CHECK { }\n"
				  "    HTTP_GET { url { path /x } retry 0 }\n"
				  "    MISC_CHECK { misc_path \"/bin/true -x\" }\n"
				  "  }\n"
				  "  real_server 10.0.0.3 54 {\n    weight 0\n    alpha\n  }\n"
				  "}\n");
	const struct ka_vs *vs = c->vs;
	const struct ka_rs *rs = vs->rs;
	const struct ka_check *dns = rs->checks, *http = dns->next, *misc = http->next;

	(void)state;
	assert_int_equal(vs->proto, IPPROTO_UDP);
	assert_string_equal(vs->sched, "wlc");
	assert_int_equal(vs->tm.delay_loop_ms, KA_DEF_DELAY_LOOP_MS);
	assert_int_equal(nwarn_with(c, "no protocol set - defaulting to UDP"), 1);
	assert_int_equal(nwarn_with(c, "no scheduler set, setting default 'wlc'"), 1);
	assert_int_equal(nwarn_with(c, "no forwarding method set, setting default NAT"), 1);
	/* RS inherits port, weight and inhibit from the VS */
	assert_int_equal(ntohs(rs->port), 53);
	assert_int_equal(rs->weight, 5);
	assert_true(rs->inhibit);
	assert_int_equal(rs->next->weight, 0);
	assert_true(rs->next->alpha);
	/* DNS_CHECK: retry 3, delay_before_retry from the RS, SOA for "." */
	assert_int_equal(dns->type, KA_CHECK_DNS);
	assert_int_equal(dns->tm.retry, 3);
	assert_int_equal(dns->tm.delay_before_retry_ms, 1500);
	assert_int_equal(dns->tm.connect_timeout_ms, 2000);
	assert_int_equal(dns->dns_type, KA_DNS_SOA);
	assert_string_equal(dns->dns_name, ".");
	/* HTTP_GET: its own retry 0, status 200-299 by default */
	assert_int_equal(http->tm.retry, 0);
	assert_string_equal(http->urls->path, "/x");
	assert_true(http->urls->status[200 / 8] & (1 << (200 % 8)));
	assert_false(http->urls->status[300 / 8] & (1 << (300 % 8)));
	/* MISC_CHECK: retry 0, misc_timeout = delay_loop, quoted path kept whole */
	assert_int_equal(misc->tm.retry, 0);
	assert_int_equal(misc->misc_timeout_ms, KA_DEF_DELAY_LOOP_MS);
	assert_string_equal(misc->misc_path, "/bin/true -x");
	kaconf_free(c);
}

struct warn_row {
	const char *text;
	const char *warning;
};

static const struct warn_row warn_rows[] = {
	{ "bogus 1\n", "(/etc/keepalived/k.conf: Line 1) Unknown keyword 'bogus'" },
	{ "virtual_server 10.1.1.1 80 {\n protocol TCP\n lb_algo foo\n}\n",
	  "(/etc/keepalived/k.conf: Line 3) Invalid lvs_scheduler 'foo' - ignoring" },
	{ "virtual_server 10.1.1.1 80 {\n protocol TCP\n real_server 10.0.0.2 80 {\n"
	  "  weight abc\n }\n}\n",
	  "(/etc/keepalived/k.conf: Line 4) invalid number 'abc'" },
	{ "virtual_server 10.1.1.1 80 {\n protocol TCP\n real_server 10.0.0.2 80 { }\n"
	  " real_server 10.0.0.2 80 { }\n}\n",
	  "VS [10.1.1.1]:tcp:80: real server [10.0.0.2]:tcp:80 is duplicated - removing second rs" },
	{ "virtual_server 10.1.1.1 80 {\n protocol TCP\n real_server 10.0.0.2 80 {\n"
	  "  SMTP_CHECK { }\n }\n}\n",
	  "(/etc/keepalived/k.conf: Line 4) SMTP_CHECK is not supported by xvs" },
	/* keepalived drops it, sorry server or not */
	{ "virtual_server 10.1.1.1 80 {\n protocol TCP\n sorry_server 10.0.0.9 80\n}\n",
	  "Virtual server [10.1.1.1]:tcp:80 has no real servers - ignoring" },
	{ "global_defs {\n  frobnicate\n  vrrp_garp_interval 1\n}\n",
	  "(/etc/keepalived/k.conf: Line 2) Unknown keyword 'frobnicate'" },
};

static void test_warnings(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(warn_rows) / sizeof(warn_rows[0]); i++) {
		struct ka_conf *c = parse(warn_rows[i].text);

		if (nwarn_with(c, warn_rows[i].warning) != 1) {
			const struct ka_msg *m;

			for (m = c->warnings; m; m = m->next)
				print_message("got: %s\n", m->text);
			fail_msg("row %zu: no warning '%s'", i, warn_rows[i].warning);
		}
		kaconf_free(c);
	}
}

static void test_fatal(void **state)
{
	static const char *const bad[] = {
		"virtual_server 10.1.1.1 80 {\n protocol TCP\n",
		"}\n",
		"virtual_server 10.1.1.1 80 {\n real_server 10.0.0.2 80 {\n}\n",
	};
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(kaconf_parse("k.conf", bad[i], err, sizeof(err)));
		assert_non_null(strstr(err, "k.conf"));
	}
	assert_null(kaconf_load("/nonexistent/keepalived.conf", err, sizeof(err)));
	assert_string_equal(err, "/nonexistent/keepalived.conf: No such file or directory");
}

/* include: globs relative to the including file; a missing plain name warns. */
static void test_include(void **state)
{
	char dir[] = "/tmp/kaconf-XXXXXX", path[256], err[256];
	struct ka_conf *c;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/conf.d", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/conf.d/b.conf", dir);
	f = fopen(path, "w");
	fputs("virtual_server 10.1.1.2 80 {\n protocol TCP\n lb_algo rr\n lb_kind NAT\n"
	      " real_server 10.0.0.2 80 { }\n}\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/conf.d/a.conf", dir);
	f = fopen(path, "w");
	fputs("virtual_server 10.1.1.1 80 {\n protocol TCP\n lb_algo rr\n lb_kind NAT\n"
	      " bogus\n real_server 10.0.0.2 80 { }\n}\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/keepalived.conf", dir);
	f = fopen(path, "w");
	fputs("include conf.d/*.conf\ninclude missing.conf\n", f);
	fclose(f);
	c = kaconf_load(path, err, sizeof(err));
	assert_non_null(c);
	assert_non_null(c->vs);
	assert_int_equal(c->vs->addr, ip("10.1.1.1"));	/* glob order */
	assert_int_equal(c->vs->next->addr, ip("10.1.1.2"));
	assert_int_equal(nwarn_with(c, "conf.d/a.conf: Line 5) Unknown keyword 'bogus'"), 1);
	assert_int_equal(nwarn_with(c, "Config files missing"), 1);
	assert_int_equal(c->nwarnings, 2);
	kaconf_free(c);
	/* an include loop is fatal, not endless */
	f = fopen(path, "w");
	fputs("include keepalived.conf\n", f);
	fclose(f);
	assert_null(kaconf_load(path, err, sizeof(err)));
	assert_non_null(strstr(err, "include nested deeper"));
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

/* Debian's keepalived LVS samples parse, with the meaning they state. */
static void test_debian_samples(void **state)
{
	const char *dir = "/usr/share/doc/keepalived/samples";
	char path[512], err[256];
	struct ka_conf *c;
	glob_t g;
	size_t i;

	(void)state;
	snprintf(path, sizeof(path), "%s/keepalived.conf.*", dir);
	if (glob(path, 0, NULL, &g)) {
		print_message("keepalived samples not installed (scripts/deps.sh): skipped\n");
		skip();
	}
	for (i = 0; i < g.gl_pathc; i++) {
		c = kaconf_load(g.gl_pathv[i], err, sizeof(err));
		if (!c)
			fail_msg("%s: %s", g.gl_pathv[i], err);
		kaconf_free(c);
	}
	globfree(&g);

	/* quorum sample: alpha, omega, quorum 7, hysteresis 2, 10 TCP_CHECKs on :80 */
	snprintf(path, sizeof(path), "%s/keepalived.conf.quorum", dir);
	c = kaconf_load(path, err, sizeof(err));
	assert_non_null(c);
	assert_true(c->vs->alpha && c->vs->omega);
	assert_int_equal(c->vs->quorum, 7);
	assert_int_equal(c->vs->hysteresis, 2);
	assert_string_equal(c->vs->quorum_up, "/usr/local/sbin/quorum-up.sh");
	assert_int_equal(c->vs->nrs, 10);
	assert_int_equal(ntohs(c->vs->rs->port), 8080);
	assert_int_equal(ntohs(c->vs->rs->checks->connect_port), 80);
	assert_true(c->vs->rs->checks->alpha);
	kaconf_free(c);

	/* virtual_server_group sample: 3 address lines, a range, 2 fwmarks */
	snprintf(path, sizeof(path), "%s/keepalived.conf.virtual_server_group", dir);
	c = kaconf_load(path, err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(c->vs->kind, KA_VS_GROUP);
	assert_string_equal(c->vs->group, "VSG_1");
	assert_non_null(c->vsgs);
	{
		const struct ka_vsg_entry *e = c->vsgs->entries;
		int n = 0, fw = 0;

		for (; e; e = e->next) {
			n++;
			fw += e->is_fwmark;
			if (!e->is_fwmark && e->addr_first != e->addr_last) {
				assert_int_equal(e->addr_first, ntohl(ip("192.168.200.3")));
				assert_int_equal(e->addr_last, ntohl(ip("192.168.200.10")));
			}
		}
		assert_int_equal(n, 6);
		assert_int_equal(fw, 2);
	}
	kaconf_free(c);

	/* status_code sample: ranges and single codes */
	snprintf(path, sizeof(path), "%s/keepalived.conf.status_code", dir);
	c = kaconf_load(path, err, sizeof(err));
	assert_non_null(c);
	{
		const struct ka_url *u = c->vs->rs->checks->urls;

		assert_int_equal(c->vs->rs->checks->type, KA_CHECK_SSL);
		assert_true(u->status[450 / 8] & (1 << (450 % 8)));
		assert_true(u->status[505 / 8] & (1 << (505 % 8)));
		assert_false(u->status[504 / 8] & (1 << (504 % 8)));
		assert_string_equal(u->next->digest, "9b3a0c85a887a256d6939da88aabd8cd");
	}
	kaconf_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_master),
		cmocka_unit_test(test_seed_backup),
		cmocka_unit_test(test_defaults_and_inheritance),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_fatal),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_debian_samples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
