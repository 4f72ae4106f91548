// SPDX-License-Identifier: GPL-2.0
/*
 * Every listing format printed from reply structs and compared byte for
 * byte with tests/golden (ipvs.md section 5's IPv4 examples, and files
 * computed from ipvsadm's printf formats): default, --stats, --rate,
 * --thresholds, --persistent-conn, -c, -S, name-resolving mode with its
 * 33/28-character cuts, largenum boundaries and ipvsadm's sort order.
 */
#include "xvsadm_test.h"
#include "xvsadm/list.h"

static struct xvs_ctl_dest dest(const char *addr, int port, int weight, __u32 active,
				__u32 inactive)
{
	struct xvs_ctl_dest d = {
		.af = AF_INET, .port = htons(port), .fwd = XVS_FWD_MASQ, .weight = weight,
		.active = active, .inactive = inactive,
	};

	d.addr[0] = inet_addr(addr);
	return d;
}

static struct xvs_ctl_svc svc(int proto, const char *addr, int port, const char *sched)
{
	struct xvs_ctl_svc s = { .netmask = 0xffffffff };

	s.id.af = AF_INET;
	s.id.proto = proto;
	s.id.addr[0] = inet_addr(addr);
	s.id.port = htons(port);
	snprintf(s.sched, sizeof(s.sched), "%s", sched);
	return s;
}

/* ipvs.md section 5: a persistent wrr service with a mask and an sh service with flags. */
static struct xvs_ctl_dest s5_tcp_dests[2], s5_udp_dests[1];
static struct list_svc s5[2];

static void section5(void)
{
	s5_tcp_dests[0] = dest("192.168.1.3", 8080, 0, 2, 7);
	s5_tcp_dests[1] = dest("192.168.1.2", 8080, 3, 12, 104);
	s5_udp_dests[0] = dest("192.168.1.4", 53, 1, 0, 55);
	/* kernel order: UDP first, newest server first; the listing sorts */
	s5[0].svc = svc(IPPROTO_UDP, "10.0.0.1", 53, "sh");
	s5[0].svc.flags = XVS_SVC_F_SCHED1 | XVS_SVC_F_SCHED2;
	s5[0].svc.num_dests = 1;
	s5[0].dests = s5_udp_dests;
	s5[1].svc = svc(IPPROTO_TCP, "10.0.0.1", 80, "wrr");
	s5[1].svc.flags = XVS_SVC_F_PERSISTENT;
	s5[1].svc.timeout = 360;
	s5[1].svc.netmask = inet_addr("255.255.255.0");
	s5[1].svc.num_dests = 2;
	s5[1].dests = s5_tcp_dests;
}

#define MEMOUT(buf, len) char *buf = NULL; size_t len = 0; FILE *f = open_memstream(&buf, &len)

static void test_section5_list(void **state)
{
	struct xvs_ctl_info info = { .version_code = 0x010201, .conn_tab_size = 4096 };
	struct svc_list l = { .svcs = s5, .n = 2 };
	MEMOUT(out, len);

	(void)state;
	section5();
	list_sort(&l);
	list_banner(f, &info);
	list_title(f, FMT_NUMERIC);
	list_service(f, &s5[0], FMT_NUMERIC, &test_resolver);
	list_service(f, &s5[1], FMT_NUMERIC, &test_resolver);
	fclose(f);
	expect_golden("section5-list-n.txt", out, len);
	free(out);
}

static void test_section5_save(void **state)
{
	struct svc_list l = { .svcs = s5, .n = 2 };
	MEMOUT(out, len);

	(void)state;
	section5();
	list_sort(&l);
	save_service(f, &s5[0], FMT_NUMERIC, &test_resolver);
	save_service(f, &s5[1], FMT_NUMERIC, &test_resolver);
	fclose(f);
	expect_golden("section5-save-n.txt", out, len);
	free(out);
}

static void test_stats_rate(void **state)
{
	struct xvs_ctl_stats st = { 1234, 56789, 45678, 123456789, 9876543210ULL };
	struct xvs_ctl_rates r = { 12, 340, 290, 123456789, 2000 };
	struct xvs_ctl_dest d = dest("192.168.1.2", 8080, 3, 12, 104);
	struct list_svc s = { .svc = svc(IPPROTO_TCP, "10.0.0.1", 80, "wrr"), .dests = &d };
	MEMOUT(out, len);

	(void)state;
	s.svc.num_dests = 1;
	s.svc.stats = st;
	d.stats = st;
	list_title(f, FMT_STATS | FMT_NUMERIC);
	list_service(f, &s, FMT_STATS | FMT_NUMERIC, &test_resolver);
	fclose(f);
	expect_golden("section5-stats-n.txt", out, len);
	free(out);

	s.svc.rates = r;
	d.rates = r;
	f = open_memstream(&out, &len);
	list_title(f, FMT_RATE | FMT_NUMERIC);
	list_service(f, &s, FMT_RATE | FMT_NUMERIC, &test_resolver);
	fclose(f);
	expect_golden("rate-n.txt", out, len);
	free(out);
}

static void test_thresholds_pconn(void **state)
{
	struct xvs_ctl_dest d = dest("192.168.1.2", 8080, 3, 12, 104);
	struct list_svc s = { .svc = svc(IPPROTO_TCP, "10.0.0.1", 80, "wrr"), .dests = &d };
	MEMOUT(out, len);

	(void)state;
	s.svc.num_dests = 1;
	s.svc.flags = XVS_SVC_F_PERSISTENT;
	s.svc.timeout = 360;
	s.svc.netmask = inet_addr("255.255.255.0");
	d.u_threshold = 100;
	d.l_threshold = 50;
	d.persist = 9;
	list_title(f, FMT_THRESHOLDS | FMT_NUMERIC);
	list_service(f, &s, FMT_THRESHOLDS | FMT_NUMERIC, &test_resolver);
	fclose(f);
	expect_golden("thresholds-n.txt", out, len);
	free(out);

	f = open_memstream(&out, &len);
	list_title(f, FMT_PERSISTENTCONN | FMT_NUMERIC);
	list_service(f, &s, FMT_PERSISTENTCONN | FMT_NUMERIC, &test_resolver);
	fclose(f);
	expect_golden("persistent-conn-n.txt", out, len);
	free(out);
}

static struct xvs_ctl_conn conn(int proto, const char *c, int cport, const char *v, int vport,
				const char *d, int dport, __u32 state, __u32 expire)
{
	struct xvs_ctl_conn x = {
		.af = AF_INET, .proto = proto, .cport = htons(cport), .vport = htons(vport),
		.dport = htons(dport), .state = state, .expire = expire,
	};

	x.caddr[0] = inet_addr(c);
	x.vaddr[0] = inet_addr(v);
	x.daddr[0] = inet_addr(d);
	return x;
}

static void test_conns(void **state)
{
	struct xvs_ctl_conn c[2] = {
		conn(IPPROTO_TCP, "10.0.0.5", 51234, "10.0.0.1", 80, "192.168.1.2", 8080,
		     XVS_TCP_S_ESTABLISHED, 898),
		conn(IPPROTO_TCP, "10.0.0.0", 0, "10.0.0.1", 80, "192.168.1.2", 8080, 1, 359),
	};
	MEMOUT(out, len);

	(void)state;
	c[1].flags = XVS_CONN_F_TEMPLATE;
	list_conn_title(f, FMT_NUMERIC);
	list_conn(f, &c[0], FMT_NUMERIC, &test_resolver);
	list_conn(f, &c[1], FMT_NUMERIC, &test_resolver);
	fclose(f);
	expect_golden("section5-conn-n.txt", out, len);
	free(out);

	c[0] = conn(IPPROTO_UDP, "10.0.0.5", 53, "10.0.0.1", 53, "10.0.0.9", 53, XVS_S_UDP, 299);
	c[1] = conn(IPPROTO_TCP, "10.0.0.5", 40000, "10.0.0.1", 80, "10.0.0.9", 80,
		    XVS_TCP_S_TIME_WAIT, 7200);
	f = open_memstream(&out, &len);
	list_conn_title(f, 0);
	list_conn(f, &c[0], 0, &test_resolver);
	list_conn(f, &c[1], 0, &test_resolver);
	fclose(f);
	expect_golden("conn-names.txt", out, len);
	free(out);
}

static void test_names(void **state)
{
	struct xvs_ctl_dest d[2] = { dest("10.0.0.10", 80, 1, 0, 0), dest("10.0.0.9", 80, 1, 0, 0) };
	struct list_svc s = { .svc = svc(IPPROTO_TCP, "10.0.0.11", 80, "wlc"), .dests = d };
	MEMOUT(out, len);

	(void)state;
	s.svc.num_dests = 2;
	list_sort_dests(&s);
	list_title(f, 0);
	list_service(f, &s, 0, &test_resolver);
	fclose(f);
	expect_golden("names.txt", out, len);
	free(out);
}

static void test_largenum(void **state)
{
	static const struct {
		unsigned long long v;
		unsigned int fmt;
		const char *text;
	} rows[] = {
		{ 0, 0, "        0" },
		{ 99999999ULL, 0, " 99999999" },
		{ 100000000ULL, 0, "  100000K" },
		{ 999999999ULL, 0, "  999999K" },
		{ 1000000000ULL, 0, "    1000M" },
		{ 99999999999ULL, 0, "   99999M" },
		{ 100000000000ULL, 0, "     100G" },
		{ 99999999999999ULL, 0, "   99999G" },
		{ 100000000000000ULL, 0, "     100T" },
		{ 12345678ULL, FMT_EXACT, " 12345678" },
		{ 123456789ULL, FMT_EXACT, " 123456789" },
		{ 9876543210ULL, FMT_EXACT, " 9876543210" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		MEMOUT(out, len);

		list_largenum(f, rows[i].v, rows[i].fmt);
		fclose(f);
		assert_string_equal(out, rows[i].text);
		free(out);
	}
}

/* Services by (fwmark, af, proto, addr, port) with int-subtraction compares: 200.0.0.1 < 10.0.0.1. */
static void test_sort(void **state)
{
	struct xvs_ctl_dest d[3] = {
		dest("10.0.0.3", 80, 1, 0, 0), dest("10.0.0.2", 8080, 1, 0, 0),
		dest("10.0.0.2", 80, 1, 0, 0),
	};
	struct list_svc s[4] = {
		{ .svc = svc(IPPROTO_UDP, "10.0.0.1", 53, "rr") },
		{ .svc = svc(IPPROTO_TCP, "10.0.0.1", 443, "rr") },
		{ .svc = svc(IPPROTO_TCP, "10.0.0.1", 80, "rr"), .dests = d },
		{ .svc = svc(IPPROTO_TCP, "200.0.0.1", 80, "rr") },
	};
	struct svc_list l = { .svcs = s, .n = 4 };
	size_t i;
	MEMOUT(out, len);

	(void)state;
	s[2].svc.num_dests = 3;
	list_sort(&l);
	for (i = 0; i < l.n; i++)
		save_service(f, &s[i], FMT_NUMERIC, &test_resolver);
	fclose(f);
	expect_golden("sorted-save-n.txt", out, len);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_section5_list),
		cmocka_unit_test(test_section5_save),
		cmocka_unit_test(test_stats_rate),
		cmocka_unit_test(test_thresholds_pconn),
		cmocka_unit_test(test_conns),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_largenum),
		cmocka_unit_test(test_sort),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
