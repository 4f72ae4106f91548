// SPDX-License-Identifier: GPL-2.0
/*
 * xvsadm --json: each JSON document compared byte for byte with the schema
 * of docs/ops.md (services with every field, connections, timeouts, the
 * empty daemon list), string escaping and 64-bit counters; then the CLI
 * against a fake xvsd: -j and --json on every listing, the same document
 * whatever text format flags are given (numeric addresses even without -n),
 * -j refused outside -L, and the text listings unchanged by its presence.
 */
#include "xvsadm_test.h"
#include "xvsadm/json.h"
#include "xvsadm/run.h"

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

#define MEMOUT(buf, len) char *buf = NULL; size_t len = 0; FILE *f = open_memstream(&buf, &len)

static const struct xvs_ctl_info info = {
	.version_code = 0x010201, .conn_tab_size = 4096, .conn_count = 17, .conn_max = 262144,
};

/* ipvs.md section 5's table: a persistent wrr service with a mask, an sh service with flags. */
static const char section5_json[] =
	"{\"version\":\"1.2.1\",\"conn_tab_size\":4096,\"conn_count\":17,\"conn_max\":262144,"
	"\"services\":["
	"{\"protocol\":\"TCP\",\"family\":\"inet\",\"address\":\"10.0.0.1\",\"port\":80,"
	"\"fwmark\":0,\"scheduler\":\"wrr\",\"sched_flags\":[],\"persistent\":true,"
	"\"timeout\":360,\"netmask\":\"255.255.255.0\",\"pe\":\"\",\"ops\":false,"
	"\"stats\":{\"conns\":1234,\"inpkts\":56789,\"outpkts\":45678,\"inbytes\":123456789,"
	"\"outbytes\":18446744073709551615},"
	"\"rate\":{\"cps\":12,\"inpps\":340,\"outpps\":290,\"inbps\":123456789,\"outbps\":2000},"
	"\"servers\":["
	"{\"address\":\"192.168.1.2\",\"port\":8080,\"forward\":\"Masq\",\"weight\":3,"
	"\"u_threshold\":100,\"l_threshold\":50,\"active_conns\":12,\"inactive_conns\":104,"
	"\"persistent_conns\":9,"
	"\"stats\":{\"conns\":1,\"inpkts\":2,\"outpkts\":3,\"inbytes\":4,\"outbytes\":5},"
	"\"rate\":{\"cps\":0,\"inpps\":0,\"outpps\":0,\"inbps\":0,\"outbps\":0}},"
	"{\"address\":\"192.168.1.3\",\"port\":8080,\"forward\":\"Masq\",\"weight\":0,"
	"\"u_threshold\":0,\"l_threshold\":0,\"active_conns\":2,\"inactive_conns\":7,"
	"\"persistent_conns\":0,"
	"\"stats\":{\"conns\":0,\"inpkts\":0,\"outpkts\":0,\"inbytes\":0,\"outbytes\":0},"
	"\"rate\":{\"cps\":0,\"inpps\":0,\"outpps\":0,\"inbps\":0,\"outbps\":0}}]},"
	"{\"protocol\":\"UDP\",\"family\":\"inet\",\"address\":\"10.0.0.1\",\"port\":53,"
	"\"fwmark\":0,\"scheduler\":\"sh\",\"sched_flags\":[\"sh-fallback\",\"sh-port\"],"
	"\"persistent\":false,\"timeout\":0,\"netmask\":\"255.255.255.255\",\"pe\":\"\","
	"\"ops\":false,"
	"\"stats\":{\"conns\":0,\"inpkts\":0,\"outpkts\":0,\"inbytes\":0,\"outbytes\":0},"
	"\"rate\":{\"cps\":0,\"inpps\":0,\"outpps\":0,\"inbps\":0,\"outbps\":0},"
	"\"servers\":["
	"{\"address\":\"192.168.1.4\",\"port\":53,\"forward\":\"Masq\",\"weight\":1,"
	"\"u_threshold\":0,\"l_threshold\":0,\"active_conns\":0,\"inactive_conns\":55,"
	"\"persistent_conns\":0,"
	"\"stats\":{\"conns\":0,\"inpkts\":0,\"outpkts\":0,\"inbytes\":0,\"outbytes\":0},"
	"\"rate\":{\"cps\":0,\"inpps\":0,\"outpps\":0,\"inbps\":0,\"outbps\":0}}]}]}\n";

static void test_services(void **state)
{
	struct xvs_ctl_dest tcp_dests[2], udp_dests[1];
	struct list_svc s[2];
	struct svc_list l = { .svcs = s, .n = 2 };
	MEMOUT(out, len);

	(void)state;
	tcp_dests[0] = dest("192.168.1.3", 8080, 0, 2, 7);
	tcp_dests[1] = dest("192.168.1.2", 8080, 3, 12, 104);
	tcp_dests[1].u_threshold = 100;
	tcp_dests[1].l_threshold = 50;
	tcp_dests[1].persist = 9;
	tcp_dests[1].stats = (struct xvs_ctl_stats){ 1, 2, 3, 4, 5 };
	udp_dests[0] = dest("192.168.1.4", 53, 1, 0, 55);
	s[0].svc = svc(IPPROTO_UDP, "10.0.0.1", 53, "sh");
	s[0].svc.flags = XVS_SVC_F_SCHED1 | XVS_SVC_F_SCHED2;
	s[0].svc.num_dests = 1;
	s[0].dests = udp_dests;
	s[1].svc = svc(IPPROTO_TCP, "10.0.0.1", 80, "wrr");
	s[1].svc.flags = XVS_SVC_F_PERSISTENT;
	s[1].svc.timeout = 360;
	s[1].svc.netmask = inet_addr("255.255.255.0");
	s[1].svc.stats = (struct xvs_ctl_stats){ 1234, 56789, 45678, 123456789, ~0ULL };
	s[1].svc.rates = (struct xvs_ctl_rates){ 12, 340, 290, 123456789, 2000 };
	s[1].svc.num_dests = 2;
	s[1].dests = tcp_dests;
	/* sorted as the text listing sorts: the same order in both */
	list_sort(&l);
	json_services(f, &info, &l);
	fclose(f);
	expect_text("section 5 as JSON", section5_json, strlen(section5_json), out, len);
	free(out);
}

/* Fixed-size names may hold anything xvsd sent: quotes, backslashes, controls, no NUL. */
static void test_escaping(void **state)
{
	struct list_svc s = { .svc = svc(IPPROTO_TCP, "10.0.0.1", 80, "") };
	struct svc_list l = { .svcs = &s, .n = 1 };
	const char *want_sched = "\"scheduler\":\"a\\\"b\\\\c\\u0001\\u001fdefghijk\"";
	const char *want_pe = "\"pe\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"";
	MEMOUT(out, len);

	(void)state;
	memcpy(s.svc.sched, "a\"b\\c\x01\x1f" "defghijk", sizeof(s.svc.sched));
	memset(s.svc.pe, 'x', sizeof(s.svc.pe));
	json_services(f, &info, &l);
	fclose(f);
	(void)len;
	if (!strstr(out, want_sched))
		fail_msg("no %s in %s", want_sched, out);
	if (!strstr(out, want_pe))
		fail_msg("no %s in %s", want_pe, out);
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

static const char conns_json[] =
	"{\"connections\":["
	"{\"protocol\":\"TCP\",\"expire\":898,\"state\":\"ESTABLISHED\",\"template\":false,"
	"\"source_address\":\"10.0.0.5\",\"source_port\":51234,"
	"\"virtual_address\":\"10.0.0.1\",\"virtual_port\":80,"
	"\"destination_address\":\"192.168.1.2\",\"destination_port\":8080},"
	"{\"protocol\":\"TCP\",\"expire\":359,\"state\":\"ASSURED\",\"template\":true,"
	"\"source_address\":\"10.0.0.0\",\"source_port\":0,"
	"\"virtual_address\":\"10.0.0.1\",\"virtual_port\":80,"
	"\"destination_address\":\"192.168.1.2\",\"destination_port\":8080},"
	"{\"protocol\":\"UDP\",\"expire\":299,\"state\":\"UDP\",\"template\":false,"
	"\"source_address\":\"10.0.0.5\",\"source_port\":53,"
	"\"virtual_address\":\"10.0.0.1\",\"virtual_port\":53,"
	"\"destination_address\":\"10.0.0.9\",\"destination_port\":53}]}\n";

static void test_conns_timeout_daemons(void **state)
{
	struct xvs_ctl_conn c[3] = {
		conn(IPPROTO_TCP, "10.0.0.5", 51234, "10.0.0.1", 80, "192.168.1.2", 8080,
		     XVS_TCP_S_ESTABLISHED, 898),
		conn(IPPROTO_TCP, "10.0.0.0", 0, "10.0.0.1", 80, "192.168.1.2", 8080, 1, 359),
		conn(IPPROTO_UDP, "10.0.0.5", 53, "10.0.0.1", 53, "10.0.0.9", 53, XVS_S_UDP, 299),
	};
	struct xvs_ctl_timeout t = { 900, 120, 300 };
	MEMOUT(out, len);

	(void)state;
	c[1].flags = XVS_CONN_F_TEMPLATE;
	json_conns(f, c, 3);
	fclose(f);
	expect_text("-c as JSON", conns_json, strlen(conns_json), out, len);
	free(out);

	f = open_memstream(&out, &len);
	json_conns(f, c, 0);
	json_timeout(f, &t);
	json_daemons(f, NULL, 0);
	fclose(f);
	assert_string_equal(out, "{\"connections\":[]}\n"
			    "{\"timeout\":{\"tcp\":900,\"tcpfin\":120,\"udp\":300}}\n"
			    "{\"daemons\":[]}\n");
	free(out);
}

/* ---- the CLI against a fake xvsd ---------------------------------------- */

struct result {
	int rc;
	char *out, *err;
};

static struct result run(const char *args)
{
	char *argv[32], *copy = strdup(args), *save = NULL, *w;
	size_t olen = 0, elen = 0;
	struct result r = { 0 };
	FILE *fo = open_memstream(&r.out, &olen), *fe = open_memstream(&r.err, &elen);
	FILE *in = fopen("/dev/null", "r");
	int argc = 0;

	argv[argc++] = "ipvsadm";
	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	r.rc = xvsadm_run(argc, argv, &test_resolver, in, fo, fe);
	fclose(in);
	fclose(fo);
	fclose(fe);
	free(copy);
	return r;
}

static void result_free(struct result *r)
{
	free(r->out);
	free(r->err);
}

static struct fake_xvsd fake;

/* 10.0.0.9 has a name in the test resolver: JSON must not use it. */
static int setup(void **state)
{
	struct fake_state init = { .timeout = { 30, 5, 60 }, .nsvc = 1, .nconns = 1 };
	struct fake_svc *s = &init.svcs[0];

	(void)state;
	s->svc = svc(IPPROTO_TCP, "192.168.1.200", 80, "rr");
	s->svc.num_dests = 2;
	s->svc.stats = (struct xvs_ctl_stats){ 10, 60, 50, 4000, 9000 };
	s->dests[0] = dest("10.0.0.9", 80, 1, 0, 5);
	s->dests[1] = dest("10.0.0.2", 80, 1, 1, 5);
	init.conns[0] = conn(IPPROTO_TCP, "192.168.1.50", 40000, "192.168.1.200", 80, "10.0.0.9",
			     80, XVS_TCP_S_TIME_WAIT, 100);
	fake_start(&fake, &init);
	setenv("XVS_SOCKET", fake.path, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_stop(&fake);
	return 0;
}

static const char cli_json[] =
	"{\"version\":\"1.2.1\",\"conn_tab_size\":4096,\"conn_count\":0,\"conn_max\":0,"
	"\"services\":["
	"{\"protocol\":\"TCP\",\"family\":\"inet\",\"address\":\"192.168.1.200\",\"port\":80,"
	"\"fwmark\":0,\"scheduler\":\"rr\",\"sched_flags\":[],\"persistent\":false,"
	"\"timeout\":0,\"netmask\":\"255.255.255.255\",\"pe\":\"\",\"ops\":false,"
	"\"stats\":{\"conns\":10,\"inpkts\":60,\"outpkts\":50,\"inbytes\":4000,\"outbytes\":9000},"
	"\"rate\":{\"cps\":0,\"inpps\":0,\"outpps\":0,\"inbps\":0,\"outbps\":0},"
	"\"servers\":["
	"{\"address\":\"10.0.0.2\",\"port\":80,\"forward\":\"Masq\",\"weight\":1,"
	"\"u_threshold\":0,\"l_threshold\":0,\"active_conns\":1,\"inactive_conns\":5,"
	"\"persistent_conns\":0,"
	"\"stats\":{\"conns\":0,\"inpkts\":0,\"outpkts\":0,\"inbytes\":0,\"outbytes\":0},"
	"\"rate\":{\"cps\":0,\"inpps\":0,\"outpps\":0,\"inbps\":0,\"outbps\":0}},"
	"{\"address\":\"10.0.0.9\",\"port\":80,\"forward\":\"Masq\",\"weight\":1,"
	"\"u_threshold\":0,\"l_threshold\":0,\"active_conns\":0,\"inactive_conns\":5,"
	"\"persistent_conns\":0,"
	"\"stats\":{\"conns\":0,\"inpkts\":0,\"outpkts\":0,\"inbytes\":0,\"outbytes\":0},"
	"\"rate\":{\"cps\":0,\"inpps\":0,\"outpps\":0,\"inbps\":0,\"outbps\":0}}]}]}\n";

static void test_cli_listings(void **state)
{
	static const char *const same[] = {
		"-L -n -j", "-L --json", "-Lnj", "-l -j -n", "-L -n -j --stats", "-L -j --rate",
		"-L -n -j --thresholds", "-L -n -j --persistent-conn", "-L -n -j --exact",
		"-L -n -j -t 192.168.1.200:80", "-L -j --sort",
	};
	struct result r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		print_message("ipvsadm %s\n", same[i]);
		r = run(same[i]);
		assert_int_equal(r.rc, 0);
		assert_string_equal(r.err, "");
		expect_text(same[i], cli_json, strlen(cli_json), r.out, strlen(r.out));
		result_free(&r);
	}

	r = run("-L -c -j");
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "\"state\":\"TIME_WAIT\",\"template\":false,"
				"\"source_address\":\"192.168.1.50\",\"source_port\":40000,"));
	assert_non_null(strstr(r.out, "\"destination_address\":\"10.0.0.9\""));
	result_free(&r);

	r = run("-L --timeout --json");
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "{\"timeout\":{\"tcp\":30,\"tcpfin\":5,\"udp\":60}}\n");
	result_free(&r);

	r = run("-L --daemon -j");
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "{\"daemons\":[]}\n");
	result_free(&r);

	/* a listing that fails prints its error and no half document */
	r = run("-L -n -j -t 192.168.1.200:81");
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "No such service\n");
	result_free(&r);
}

static void test_cli_refused(void **state)
{
	static const struct {
		const char *args;
		int rc;
		const char *err;
	} rows[] = {
		{ "-A -t 192.168.1.200:81 -s rr -j", 2,
		  "Illegal 'json' option with the 'add-service' command\n" },
		{ "-S -n -j", 2, "Illegal 'json' option with the 'save' command\n" },
		{ "-C --json", 2, "Illegal 'json' option with the 'flush' command\n" },
		{ "-L -j -j", 2, "multiple 'json' options specified\n" },
		{ "-Z -j", 2, "Illegal 'json' option with the 'zero' command\n" },
	};
	struct result r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		print_message("ipvsadm %s\n", rows[i].args);
		r = run(rows[i].args);
		assert_int_equal(r.rc, rows[i].rc);
		assert_string_equal(r.out, "");
		assert_string_equal(r.err, rows[i].err);
		result_free(&r);
	}
	/* nothing was added */
	r = run("-L -n -j");
	expect_text("after refusals", cli_json, strlen(cli_json), r.out, strlen(r.out));
	result_free(&r);
}

/* The text listing is the same bytes whether or not json.c is linked in. */
static void test_text_unchanged(void **state)
{
	static const char want[] =
		"IP Virtual Server version 1.2.1 (size=4096)\n"
		"Prot LocalAddress:Port Scheduler Flags\n"
		"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
		"TCP  192.168.1.200:http rr\n"
		"  -> 10.0.0.2:http                Masq    1      1          5         \n"
		"  -> rs9.example:http             Masq    1      0          5         \n";
	struct result r;

	(void)state;
	r = run("-L");
	assert_int_equal(r.rc, 0);
	expect_text("-L", want, strlen(want), r.out, strlen(r.out));
	result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_services),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_conns_timeout_daemons),
		cmocka_unit_test(test_cli_listings),
		cmocka_unit_test(test_cli_refused),
		cmocka_unit_test(test_text_unchanged),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
