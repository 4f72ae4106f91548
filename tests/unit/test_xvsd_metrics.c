// SPDX-License-Identifier: GPL-2.0
/*
 * xvsd's metrics: the ADDR:PORT syntax and the `metrics` config key (bad
 * values change nothing), the HTTP request table, the exposition text
 * (checked line by line by a small format checker: HELP and TYPE once per
 * family, before its samples, every sample of a family together, counters
 * ending in _total, numeric values), and the endpoint itself serving real
 * (unpinned) maps on an event loop in a child process: values equal to
 * what LIST reports, HEAD, 404/405/400, and clients that are slow, too many
 * or too long never hold up a scrape. The endpoint part needs root (BPF maps).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xvs.skel.h"
#include "xvsd_maps_test.h"
#include "xvsd/config.h"
#include "xvsd/metrics.h"
#include "xvsd/svc.h"

/* ---- addresses and configuration ----------------------------------------- */

static void test_parse_addr(void **state)
{
	static const struct {
		const char *in;
		int err;
		int af;
		const char *addr;
		int port;
	} rows[] = {
		{ "127.0.0.1:9100", 0, AF_INET, "127.0.0.1", 9100 },
		{ ":9100", 0, AF_INET, "0.0.0.0", 9100 },
		{ "192.168.1.100:1", 0, AF_INET, "192.168.1.100", 1 },
		{ "10.0.0.1:65535", 0, AF_INET, "10.0.0.1", 65535 },
		{ "[::1]:9100", 0, AF_INET6, "::1", 9100 },
		{ "[fe80::1]:80", 0, AF_INET6, "fe80::1", 80 },
#define BAD(s) { s, -EINVAL, 0, NULL, 0 }
		BAD(""), BAD("127.0.0.1"), BAD("127.0.0.1:"), BAD("127.0.0.1:0"),
		BAD("127.0.0.1:65536"), BAD("127.0.0.1:+80"), BAD("127.0.0.1:80x"),
		BAD("localhost:9100"), BAD("::1:9100"), BAD("[::1]9100"), BAD("[::1]:"),
		BAD("[127.0.0.1]:80"), BAD("1.2.3:80"),
#undef BAD
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct sockaddr_storage ss;
		char buf[INET6_ADDRSTRLEN];
		socklen_t len;
		int err = metrics_parse_addr(rows[i].in, &ss, &len);

		print_message("'%s'\n", rows[i].in);
		assert_int_equal(err, rows[i].err);
		if (err)
			continue;
		assert_int_equal(ss.ss_family, rows[i].af);
		if (rows[i].af == AF_INET) {
			struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

			assert_int_equal(len, sizeof(*sin));
			inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf));
			assert_int_equal(ntohs(sin->sin_port), rows[i].port);
		} else {
			struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

			assert_int_equal(len, sizeof(*sin6));
			inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof(buf));
			assert_int_equal(ntohs(sin6->sin6_port), rows[i].port);
		}
		assert_string_equal(buf, rows[i].addr);
	}
}

static void test_config_key(void **state)
{
	struct xvsd_conf c, before, cli;
	char err[256] = "";

	(void)state;
	conf_defaults(&c);
	assert_int_equal(c.metrics_len, 0);	/* off by default */
	assert_int_equal(conf_parse_text(&c, "f", "metrics = 127.0.0.1:9100\n", err, sizeof(err)),
			 0);
	assert_int_equal(c.metrics_len, sizeof(struct sockaddr_in));
	assert_int_equal(ntohs(((struct sockaddr_in *)&c.metrics)->sin_port), 9100);

	before = c;
	assert_int_equal(conf_parse_text(&c, "f", "log = syslog\nmetrics = bad\n",
					 err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "f:2: invalid metrics address 'bad' (use ADDR:PORT, "
			    "[ADDR6]:PORT or :PORT, numeric)");
	assert_memory_equal(&c, &before, sizeof(c));
	assert_int_equal(conf_parse_text(&c, "f", "metrics = :1\nmetrics = :2\n", err,
					 sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "f:2: 'metrics' given twice");
	assert_int_equal(conf_set_metrics(&c, "[::1]:0", err, sizeof(err)), -EINVAL);
	assert_memory_equal(&c, &before, sizeof(c));

	/* the command line wins */
	conf_defaults(&cli);
	assert_int_equal(conf_set_metrics(&cli, "[::1]:9200", err, sizeof(err)), 0);
	conf_merge(&c, &cli);
	assert_int_equal(c.metrics.ss_family, AF_INET6);
	assert_int_equal(ntohs(((struct sockaddr_in6 *)&c.metrics)->sin6_port), 9200);
}

/* ---- HTTP requests --------------------------------------------------------- */

static void test_http_status(void **state)
{
	static const struct {
		const char *req;
		int status;
		bool head;
	} rows[] = {
		{ "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", 200, false },
		{ "GET /metrics HTTP/1.0\r\n\r\n", 200, false },
		{ "GET /metrics?name[]=xvs_services HTTP/1.1\r\n\r\n", 200, false },
		{ "GET /metrics HTTP/1.1\n\n", 200, false },
		{ "HEAD /metrics HTTP/1.1\r\n\r\n", 200, true },
		{ "GET / HTTP/1.1\r\n\r\n", 404, false },
		{ "GET /metricsx HTTP/1.1\r\n\r\n", 404, false },
		{ "GET /metric HTTP/1.1\r\n\r\n", 404, false },
		{ "HEAD /x HTTP/1.1\r\n\r\n", 404, true },
		{ "POST /metrics HTTP/1.1\r\n\r\n", 405, false },
		{ "DELETE /metrics HTTP/1.1\r\n\r\n", 405, false },
		{ "GET /metrics\r\n\r\n", 400, false },
		{ "GET /metrics HTTP/2.0\r\n\r\n", 400, false },
		{ "GET /metrics HTTP/1.1 x\r\n\r\n", 400, false },
		{ "GET metrics HTTP/1.1\r\n\r\n", 400, false },
		{ " GET /metrics HTTP/1.1\r\n\r\n", 400, false },
		{ "\r\n\r\n", 400, false },
		{ "GARBAGE\r\n\r\n", 400, false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		bool head = !rows[i].head;

		print_message("%s", rows[i].req);
		assert_int_equal(metrics_http_status(rows[i].req, strlen(rows[i].req), &head),
				 rows[i].status);
		assert_int_equal(head, rows[i].head);
	}
	/* a NUL inside the head */
	{
		bool head;
		const char req[] = "GET /metrics\0 HTTP/1.1\r\n\r\n";

		assert_int_equal(metrics_http_status(req, sizeof(req) - 1, &head), 400);
	}
}

/* ---- the exposition text ------------------------------------------------------ */

/*
 * The rules of the text format 0.0.4 that a scraper relies on; returns NULL
 * or what is wrong. Families must be contiguous, HELP/TYPE once and before
 * their samples, counters end in _total, values are numbers.
 */
static const char *check_exposition(const char *text, int *samples)
{
	static char why[512];
	char seen[4096] = " ", family[128] = "", *copy = strdup(text), *save = NULL, *line;

	*samples = 0;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[128], type[16], key[140], *end;
		const char *v;

		if (!strncmp(line, "# HELP ", 7) || !strncmp(line, "# TYPE ", 7)) {
			if (sscanf(line + 7, "%127s", name) != 1)
				goto bad;
			if (!strncmp(line, "# TYPE ", 7)) {
				if (sscanf(line + 7, "%*s %15s", type) != 1 ||
				    (strcmp(type, "counter") && strcmp(type, "gauge")))
					goto bad;
				if (!strcmp(type, "counter") &&
				    (strlen(name) < 6 || strcmp(name + strlen(name) - 6, "_total")))
					goto bad;
			}
			if (strcmp(name, family)) {
				snprintf(key, sizeof(key), " %s ", name);
				if (strstr(seen, key))
					goto bad;	/* a family seen before comes back */
				strcat(seen, key + 1);
				snprintf(family, sizeof(family), "%s", name);
			}
			continue;
		}
		if (line[0] == '#')
			goto bad;
		/* a sample: family name, optional {labels}, a space, a number */
		if (strncmp(line, family, strlen(family)) ||
		    (line[strlen(family)] != '{' && line[strlen(family)] != ' '))
			goto bad;
		v = strrchr(line, ' ');
		if (!v || (line[strlen(family)] == '{' && v[-1] != '}'))
			goto bad;
		strtod(v + 1, &end);
		if (*end || end == v + 1)
			goto bad;
		(*samples)++;
	}
	free(copy);
	return NULL;
bad:
	snprintf(why, sizeof(why), "bad line: %s", line);
	free(copy);
	return why;
}

static struct xvs_ctl_svc svc_req(int proto, const char *vip, int port, const char *sched)
{
	struct xvs_ctl_svc s;

	memset(&s, 0, sizeof(s));
	s.id.af = AF_INET;
	s.id.proto = proto;
	inet_pton(AF_INET, vip, &s.id.addr[0]);
	s.id.port = htons(port);
	snprintf(s.sched, sizeof(s.sched), "%s", sched);
	s.netmask = 0xffffffff;
	return s;
}

static struct xvs_ctl_dest dest_req(const char *rip, int port, int weight)
{
	struct xvs_ctl_dest d;

	memset(&d, 0, sizeof(d));
	d.af = AF_INET;
	inet_pton(AF_INET, rip, &d.addr[0]);
	d.port = htons(port);
	d.fwd = XVS_FWD_MASQ;
	d.weight = weight;
	return d;
}

static void expect_line(const char *text, const char *line)
{
	char want[512];

	snprintf(want, sizeof(want), "\n%s\n", line);
	if (!strstr(text, want))
		fail_msg("no line '%s' in:\n%s", line, text);
}

static char *format(const struct metrics_data *d)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_int_equal(metrics_format(f, d), 0);
	fclose(f);
	return out;
}

static void test_format(void **state)
{
	struct {
		struct xvs_ctl_svc s1;
		struct xvs_ctl_dest d1[2];
		struct xvs_ctl_svc s2;
	} list;
	struct metrics_data d = {
		.version = "9.8.7",
		.info = { .num_services = 2, .conn_count = 17, .conn_max = 1024 },
		.list = &list,
		.list_len = sizeof(list),
		.drops = { [XVS_DROP_CONN_FULL] = 5, [XVS_DROP_ICMP_RATELIMIT] = 1ULL << 40 },
		.expired = 99,
	};
	const char *why;
	char *out, line[256];
	int n;

	(void)state;
	list.s1 = svc_req(IPPROTO_TCP, "192.168.1.200", 80, "wrr");
	list.s1.flags = XVS_SVC_F_PERSISTENT;
	list.s1.timeout = 360;
	list.s1.num_dests = 2;
	list.s1.stats = (struct xvs_ctl_stats){ 10, 60, 50, 4000, 18446744073709551615ULL };
	list.s1.rates = (struct xvs_ctl_rates){ 1, 2, 3, 4, 5 };
	list.d1[0] = dest_req("10.0.0.2", 8080, 3);
	list.d1[0].active = 4;
	list.d1[0].inactive = 6;
	list.d1[0].persist = 2;
	list.d1[0].stats.conns = 7;
	list.d1[1] = dest_req("10.0.0.3", 80, 0);
	list.s2 = svc_req(IPPROTO_UDP, "192.168.1.200", 53, "rr");
	out = format(&d);

	why = check_exposition(out, &n);
	if (why)
		fail_msg("%s\n%s", why, out);
	/* 5 global samples + the drop reasons, 2 services x 12, 2 servers x 14 */
	assert_int_equal(n, 5 + XVS_DROP_MAX + 2 * 12 + 2 * 14);
	/* every reason has its name */
	assert_null(strstr(out, "(null)"));
	snprintf(line, sizeof(line), "xvs_build_info{version=\"9.8.7\",abi=\"%u\","
		 "ctl_protocol=\"%u\"} 1", XVS_ABI_VERSION, XVS_CTL_VERSION);
	expect_line(out, line);
	expect_line(out, "xvs_services 2");
	expect_line(out, "xvs_connections 17");
	expect_line(out, "xvs_connections_max 1024");
	expect_line(out, "xvs_expired_connections_total 99");
	expect_line(out, "xvs_drops_total{reason=\"conn_full\"} 5");
	expect_line(out, "xvs_drops_total{reason=\"icmp_ratelimit\"} 1099511627776");
	expect_line(out, "xvs_drops_total{reason=\"no_dest\"} 0");
	expect_line(out, "# TYPE xvs_service_connections_total counter");
	expect_line(out, "xvs_service_info{protocol=\"TCP\",vip=\"192.168.1.200\",port=\"80\","
			 "scheduler=\"wrr\",persistent=\"360\"} 1");
	expect_line(out, "xvs_service_info{protocol=\"UDP\",vip=\"192.168.1.200\",port=\"53\","
			 "scheduler=\"rr\",persistent=\"0\"} 1");
	expect_line(out, "xvs_service_connections_total{protocol=\"TCP\",vip=\"192.168.1.200\","
			 "port=\"80\"} 10");
	expect_line(out, "xvs_service_out_bytes_total{protocol=\"TCP\",vip=\"192.168.1.200\","
			 "port=\"80\"} 18446744073709551615");
	expect_line(out, "xvs_service_out_bytes_per_second{protocol=\"TCP\",vip=\"192.168.1.200\","
			 "port=\"80\"} 5");
	expect_line(out, "xvs_service_servers{protocol=\"TCP\",vip=\"192.168.1.200\",port=\"80\"} 2");
	expect_line(out, "xvs_service_servers{protocol=\"UDP\",vip=\"192.168.1.200\",port=\"53\"} 0");
	expect_line(out, "xvs_server_connections_total{protocol=\"TCP\",vip=\"192.168.1.200\","
			 "port=\"80\",server=\"10.0.0.2\",server_port=\"8080\"} 7");
	expect_line(out, "xvs_server_active_connections{protocol=\"TCP\",vip=\"192.168.1.200\","
			 "port=\"80\",server=\"10.0.0.2\",server_port=\"8080\"} 4");
	expect_line(out, "xvs_server_inactive_connections{protocol=\"TCP\",vip=\"192.168.1.200\","
			 "port=\"80\",server=\"10.0.0.2\",server_port=\"8080\"} 6");
	expect_line(out, "xvs_server_persistent_connections{protocol=\"TCP\",vip=\"192.168.1.200\","
			 "port=\"80\",server=\"10.0.0.2\",server_port=\"8080\"} 2");
	expect_line(out, "xvs_server_weight{protocol=\"TCP\",vip=\"192.168.1.200\",port=\"80\","
			 "server=\"10.0.0.3\",server_port=\"80\"} 0");
	free(out);

	/* a list cut inside a server: refused, not half-printed as if whole */
	d.list_len = sizeof(list.s1) + sizeof(list.d1[0]);
	out = NULL;
	{
		size_t len = 0;
		FILE *f = open_memstream(&out, &len);

		assert_int_equal(metrics_format(f, &d), -EBADMSG);
		fclose(f);
	}
	free(out);

	/* no services: still a valid document */
	d.list_len = 0;
	d.info.num_services = 0;
	out = format(&d);
	why = check_exposition(out, &n);
	if (why)
		fail_msg("%s\n%s", why, out);
	assert_int_equal(n, 5 + XVS_DROP_MAX);
	free(out);
}

/* ---- the endpoint on real maps ------------------------------------------------ */

struct fixture {
	struct xvs *skel;
	struct xvsd st;
	pid_t child;
	struct sockaddr_in addr;
};

static int setup(void **state)
{
	struct fixture *f;

	if (geteuid()) {
		*state = NULL;
		return 0;
	}
	f = calloc(1, sizeof(*f));
	xvsd_test_state_load(&f->skel, &f->st, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (!f)
		return 0;
	xvsd_test_state_free(f->skel, &f->st);
	free(f);
	return 0;
}

/* Per-CPU counters as the datapath would leave them: cpu c holds base * (c + 1). */
static void put_stats(struct fixture *f, int fd, __u32 id, __u64 base)
{
	int ncpu = f->st.maps.nr_cpus, c;
	struct xvs_stats *pc = calloc(ncpu, sizeof(*pc));

	for (c = 0; c < ncpu; c++)
		pc[c] = (struct xvs_stats){ base * (c + 1), 2 * base * (c + 1), 3 * base * (c + 1),
					    100 * base * (c + 1), 200 * base * (c + 1) };
	assert_int_equal(bpf_map_update_elem(fd, &id, pc, BPF_ANY), 0);
	free(pc);
}

static void put_drop(struct fixture *f, __u32 reason, __u64 per_cpu)
{
	int ncpu = f->st.maps.nr_cpus, c;
	__u64 *pc = calloc(ncpu, sizeof(*pc));

	for (c = 0; c < ncpu; c++)
		pc[c] = per_cpu;
	assert_int_equal(bpf_map_update_elem(f->st.maps.drop_stats, &reason, pc, BPF_ANY), 0);
	free(pc);
}

/* Start the endpoint on 127.0.0.1 (a free port) in a child running the loop. */
static void serve(struct fixture *f)
{
	socklen_t len = sizeof(f->addr);
	struct sockaddr_storage ss;
	socklen_t sslen;
	int fd;

	assert_int_equal(metrics_parse_addr("127.0.0.1:1", &ss, &sslen), 0);
	((struct sockaddr_in *)&ss)->sin_port = 0;
	fd = metrics_listen(&ss, sslen);
	assert_true(fd >= 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&f->addr, &len), 0);
	fflush(NULL);
	f->child = fork();
	assert_true(f->child >= 0);
	if (!f->child) {
		struct loop *l = loop_new();
		struct metrics *m = l ? metrics_serve(l, fd, &f->st, "test") : NULL;

		alarm(60);	/* never outlive a stuck test */
		if (!m)
			_exit(1);
		loop_run(l);
		_exit(0);
	}
	close(fd);
}

static void stop(struct fixture *f)
{
	kill(f->child, SIGTERM);
	waitpid(f->child, NULL, 0);
}

static int dial(struct fixture *f)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&f->addr, sizeof(f->addr)), 0);
	return fd;
}

static __u64 ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/* Everything the server sends until it closes, waiting at most timeout_ms. */
static char *read_all(int fd, int timeout_ms, size_t *len)
{
	__u64 end = ms_now() + timeout_ms;
	char *buf = NULL;
	size_t cap = 0;
	FILE *f = open_memstream(&buf, &cap);

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char chunk[4096];
		__u64 now = ms_now();
		ssize_t n;

		if (now >= end || poll(&p, 1, end - now) != 1)
			break;
		n = recv(fd, chunk, sizeof(chunk), 0);
		if (n <= 0)
			break;
		fwrite(chunk, 1, n, f);
	}
	fclose(f);
	*len = cap;
	return buf;
}

static char *request(struct fixture *f, const char *req, size_t *len)
{
	int fd = dial(f);
	char *resp;

	assert_int_equal(send(fd, req, strlen(req), MSG_NOSIGNAL), (ssize_t)strlen(req));
	resp = read_all(fd, 3000, len);
	close(fd);
	return resp;
}

/* The body after the blank line; checks Content-Length against it. */
static const char *body_of(const char *resp, size_t len)
{
	const char *b = strstr(resp, "\r\n\r\n"), *cl = strstr(resp, "Content-Length: ");

	assert_non_null(b);
	assert_non_null(cl);
	b += 4;
	assert_int_equal(strtoul(cl + 16, NULL, 10), len - (b - resp));
	return b;
}

static void test_scrape(void **state)
{
	struct fixture *f = *state;
	struct xvs_ctl_svc s = svc_req(IPPROTO_TCP, "192.168.1.200", 80, "rr");
	struct xvs_ctl_dest d1 = dest_req("10.0.0.2", 80, 1), d2 = dest_req("10.0.0.3", 8080, 2);
	int ncpu, n;
	__u64 sum;
	const char *body, *why;
	char line[256], *resp;
	struct xvs_svc_key key;
	size_t len;

	NEED_ROOT(f);
	assert_int_equal(svc_add(&f->st, &s), 0);
	assert_int_equal(dest_add(&f->st, &s.id, &d1), 0);
	assert_int_equal(dest_add(&f->st, &s.id, &d2), 0);
	assert_int_equal(svc_key_from_id(&s.id, &key), 0);
	put_stats(f, f->st.maps.svc_stats, state_find_svc(&f->st, &key)->id, 5);
	put_drop(f, XVS_DROP_NO_DEST, 3);
	ncpu = f->st.maps.nr_cpus;
	sum = 5ULL * ncpu * (ncpu + 1) / 2;
	serve(f);

	resp = request(f, "GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n", &len);
	assert_non_null(strstr(resp, "HTTP/1.1 200 OK\r\n"));
	assert_non_null(strstr(resp, "\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
	assert_non_null(strstr(resp, "\r\nConnection: close\r\n"));
	body = body_of(resp, len);
	why = check_exposition(body, &n);
	if (why)
		fail_msg("%s", why);
	snprintf(line, sizeof(line), "xvs_service_connections_total{protocol=\"TCP\","
		 "vip=\"192.168.1.200\",port=\"80\"} %llu", (unsigned long long)sum);
	expect_line(body, line);
	snprintf(line, sizeof(line), "xvs_service_out_bytes_total{protocol=\"TCP\","
		 "vip=\"192.168.1.200\",port=\"80\"} %llu", (unsigned long long)sum * 200);
	expect_line(body, line);
	snprintf(line, sizeof(line), "xvs_drops_total{reason=\"no_dest\"} %d", 3 * ncpu);
	expect_line(body, line);
	snprintf(line, sizeof(line), "xvs_build_info{version=\"test\",abi=\"%u\","
		 "ctl_protocol=\"%u\"} 1", XVS_ABI_VERSION, XVS_CTL_VERSION);
	expect_line(body, line);
	expect_line(body, "xvs_services 1");
	expect_line(body, "xvs_connections_max 1024");
	expect_line(body, "xvs_server_weight{protocol=\"TCP\",vip=\"192.168.1.200\",port=\"80\","
			  "server=\"10.0.0.3\",server_port=\"8080\"} 2");
	free(resp);

	/* HEAD: the same headers, no body */
	resp = request(f, "HEAD /metrics HTTP/1.0\r\n\r\n", &len);
	assert_non_null(strstr(resp, "HTTP/1.1 200 OK\r\n"));
	assert_string_equal(strstr(resp, "\r\n\r\n"), "\r\n\r\n");
	free(resp);
	stop(f);
}

static void test_bad_requests(void **state)
{
	static const struct {
		const char *req;
		const char *status;
	} rows[] = {
		{ "GET /nothing HTTP/1.1\r\n\r\n", "HTTP/1.1 404 Not Found\r\n" },
		{ "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
		  "HTTP/1.1 405 Method Not Allowed\r\n" },
		{ "BLAH\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n" },
		{ "GET /metrics HTTP/1.1\r\n\r\n", "HTTP/1.1 200 OK\r\n" },
	};
	struct fixture *f = *state;
	char *resp, big[METRICS_MAX_REQUEST + 100];
	size_t i, len;

	NEED_ROOT(f);
	serve(f);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		resp = request(f, rows[i].req, &len);
		print_message("%s", rows[i].req);
		assert_non_null(resp);
		assert_int_equal(strncmp(resp, rows[i].status, strlen(rows[i].status)), 0);
		body_of(resp, len);
		if (strstr(rows[i].status, "405"))
			assert_non_null(strstr(resp, "\r\nAllow: GET, HEAD\r\n"));
		free(resp);
	}
	/* a head that never ends within the limit */
	memset(big, 'a', sizeof(big) - 1);
	memcpy(big, "GET /metrics HTTP/1.1\r\nX: ", 26);
	big[sizeof(big) - 1] = '\0';
	resp = request(f, big, &len);
	assert_int_equal(strncmp(resp, "HTTP/1.1 400 Bad Request\r\n", 26), 0);
	free(resp);
	stop(f);
}

/* Slow, silent and surplus clients: scrapes go on, the slow ones are cut off. */
static void test_slow_clients(void **state)
{
	struct fixture *f = *state;
	int slow, idle[METRICS_MAX_CLIENTS], extra, i;
	char *resp;
	size_t len;
	__u64 t0;

	NEED_ROOT(f);
	serve(f);
	slow = dial(f);
	assert_int_equal(send(slow, "GET /metr", 9, 0), 9);

	/* a whole request meanwhile is answered at once */
	t0 = ms_now();
	resp = request(f, "GET /metrics HTTP/1.1\r\n\r\n", &len);
	assert_int_equal(strncmp(resp, "HTTP/1.1 200 OK\r\n", 17), 0);
	assert_true(ms_now() - t0 < 1000);
	free(resp);

	/* the slow one is closed once its time is up, unanswered */
	resp = read_all(slow, METRICS_TIMEOUT_MS + 2000, &len);
	assert_int_equal(len, 0);
	assert_true(ms_now() - t0 >= METRICS_TIMEOUT_MS - 1000);
	free(resp);
	close(slow);

	/* every slot taken: one more is closed at once, unanswered */
	for (i = 0; i < METRICS_MAX_CLIENTS; i++)
		idle[i] = dial(f);
	usleep(200 * 1000);
	extra = dial(f);
	send(extra, "GET /metrics HTTP/1.1\r\n\r\n", 25, MSG_NOSIGNAL);
	t0 = ms_now();
	resp = read_all(extra, 2000, &len);
	assert_int_equal(len, 0);
	assert_true(ms_now() - t0 < 1500);
	free(resp);
	close(extra);
	for (i = 0; i < METRICS_MAX_CLIENTS; i++)
		close(idle[i]);
	usleep(200 * 1000);

	/* slots free again */
	resp = request(f, "GET /metrics HTTP/1.1\r\n\r\n", &len);
	assert_int_equal(strncmp(resp, "HTTP/1.1 200 OK\r\n", 17), 0);
	free(resp);
	stop(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_addr),
		cmocka_unit_test(test_config_key),
		cmocka_unit_test(test_http_status),
		cmocka_unit_test(test_format),
		cmocka_unit_test_setup_teardown(test_scrape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slow_clients, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
