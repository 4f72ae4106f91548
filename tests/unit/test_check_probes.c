// SPDX-License-Identifier: GPL-2.0
/*
 * The checkers against servers of the test's own on loopback: TCP_CHECK
 * (listening / closed port), HTTP_GET (status, MD5 digest), MISC_CHECK
 * (exit codes, misc_dynamic weight, timeout), UDP_CHECK (ICMP unreachable,
 * require_reply) and DNS_CHECK (an answer, an error rcode). Each row is a
 * keepalived.conf snippet, run on the real event loop until the checker
 * gives its first verdict.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "xvsd/check/check.h"
#include "xvsd/kaconf/kaconf.h"
#include "xvsd/loop.h"

struct verdict {
	int state;		/* -1 none, 0 down, 1 up */
	int weight;		/* -1: none reported */
	struct loop *l;
};

static void on_state(struct check *c, bool up, void *owner)
{
	struct verdict *v = owner;

	(void)c;
	v->state = up;
	loop_stop(v->l);
}

static void on_weight(struct check *c, __s32 w, void *owner)
{
	struct verdict *v = owner;

	(void)c;
	v->weight = w;
}

static void on_give_up(struct loop *l, int fd, uint32_t events, void *data)
{
	(void)fd, (void)events, (void)data;
	loop_stop(l);
}

/* Run the one checker of the one real server of conf; its first verdict. */
static struct verdict run(const char *conf)
{
	static const struct check_cb cb = { .state = on_state, .weight = on_weight };
	struct verdict v = { .state = -1, .weight = -1 };
	struct check_engine *e;
	struct ka_conf *c;
	struct check *chk;
	char err[256];

	c = kaconf_parse("t.conf", conf, err, sizeof(err));
	if (!c)
		fail_msg("%s", err);
	v.l = loop_new();
	e = check_engine_new(v.l);
	assert_non_null(e);
	chk = check_new(e, c->vs->rs->checks, IPPROTO_TCP, &cb, &v);
	assert_non_null(chk);
	check_start(chk, NULL);
	assert_int_equal(loop_add_timer(v.l, 8000, on_give_up, NULL), 0);
	loop_run(v.l);
	check_free(chk);
	check_engine_free(e);
	loop_free(v.l);
	kaconf_free(c);
	return v;
}

static char conf_buf[2048];

static const char *conf(const char *rs_port, const char *checker)
{
	snprintf(conf_buf, sizeof(conf_buf),
		 "virtual_server 10.9.9.9 80 {\n protocol TCP\n lb_algo rr\n lb_kind NAT\n"
		 " real_server 127.0.0.1 %s {\n  %s\n }\n}\n",
		 rs_port, checker);
	return conf_buf;
}

/* ---- servers ------------------------------------------------------------ */

static int listener(int type, int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, type, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 8), 0);
	getsockname(fd, (struct sockaddr *)&a, &len);
	*port = ntohs(a.sin_port);
	return fd;
}

/* A closed port: bound once, then released. */
static int closed_port(int type)
{
	int port, fd = listener(type, &port);

	close(fd);
	return port;
}

struct srv {
	int fd;
	const char *reply;	/* HTTP: the whole response */
	int dns_rcode, dns_ancount;
};

static void *http_srv(void *arg)
{
	struct srv *s = arg;
	char buf[2048];
	int c = accept(s->fd, NULL, NULL);

	if (c < 0)
		return NULL;
	if (recv(c, buf, sizeof(buf), 0) > 0 && !strncmp(buf, "GET /check HTTP/1.0\r\n", 21))
		send(c, s->reply, strlen(s->reply), 0);
	close(c);
	return NULL;
}

static void *udp_echo(void *arg)
{
	struct srv *s = arg;
	struct sockaddr_in from;
	socklen_t len = sizeof(from);
	char buf[512];
	ssize_t n = recvfrom(s->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);

	if (n >= 0)
		sendto(s->fd, "PONG", 4, 0, (struct sockaddr *)&from, len);
	return NULL;
}

static void *dns_srv(void *arg)
{
	struct srv *s = arg;
	struct sockaddr_in from;
	socklen_t len = sizeof(from);
	unsigned char q[512];
	ssize_t n = recvfrom(s->fd, q, sizeof(q), 0, (struct sockaddr *)&from, &len);

	if (n < 12)
		return NULL;
	q[2] |= 0x80;				/* QR */
	q[3] = (q[3] & 0xf0) | s->dns_rcode;
	q[7] = s->dns_ancount;			/* the header is all the checker reads */
	sendto(s->fd, q, n, 0, (struct sockaddr *)&from, len);
	return NULL;
}

/* ---- tests -------------------------------------------------------------- */

static void test_tcp(void **state)
{
	char port[16], chk[256];
	int p, fd = listener(SOCK_STREAM, &p);
	struct verdict v;

	(void)state;
	snprintf(port, sizeof(port), "%d", p);
	v = run(conf(port, "TCP_CHECK {\n connect_timeout 1\n warmup 0\n }"));
	assert_int_equal(v.state, 1);
	close(fd);
	/* closed: RST at once; no retry, so the first failure decides */
	snprintf(chk, sizeof(chk), "TCP_CHECK {\n connect_port %d\n retry 0\n warmup 0\n }",
		 closed_port(SOCK_STREAM));
	v = run(conf("80", chk));
	assert_int_equal(v.state, 0);
}

static void http_case(const char *reply, const char *url, int want)
{
	struct srv s = { .reply = reply };
	char port[16], chk[512];
	pthread_t t;
	int p;

	s.fd = listener(SOCK_STREAM, &p);
	pthread_create(&t, NULL, http_srv, &s);
	snprintf(port, sizeof(port), "%d", p);
	snprintf(chk, sizeof(chk),
		 "HTTP_GET {\n url {\n path /check\n %s\n }\n retry 0\n warmup 0\n"
		 " connect_timeout 2\n }", url);
	assert_int_equal(run(conf(port, chk)).state, want);
	shutdown(s.fd, SHUT_RDWR);
	pthread_join(t, NULL);
	close(s.fd);
}

static void test_http(void **state)
{
	static const char ok[] = "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello";
	static const char err[] = "HTTP/1.0 503 Unavailable\r\nContent-Length: 5\r\n\r\nhello";

	(void)state;
	http_case(ok, "", 1);
	/* md5("hello") */
	http_case(ok, "digest 5d41402abc4b2a76b9719d911017c592", 1);
	http_case(ok, "digest 00000000000000000000000000000000", 0);
	http_case(err, "", 0);
	http_case(err, "status_code 500-599", 1);
}

static void test_misc(void **state)
{
	struct verdict v;

	(void)state;
	assert_int_equal(run(conf("80", "MISC_CHECK {\n misc_path /bin/true\n warmup 0\n }")).state,
			 1);
	assert_int_equal(run(conf("80", "MISC_CHECK {\n misc_path /bin/false\n warmup 0\n }"))
				 .state,
			 0);
	/* misc_dynamic: exit 7 is up with weight 5 */
	v = run(conf("80", "MISC_CHECK {\n misc_path \"/bin/sh -c 'exit 7'\"\n misc_dynamic\n"
			   " warmup 0\n }"));
	assert_int_equal(v.state, 1);
	assert_int_equal(v.weight, 5);
	/* overrunning misc_timeout is a failure */
	assert_int_equal(run(conf("80", "MISC_CHECK {\n misc_path \"/bin/sleep 5\"\n"
					 " misc_timeout 0.3\n warmup 0\n }"))
				 .state,
			 0);
}

static void test_udp(void **state)
{
	struct srv s;
	char chk[256], port[16];
	pthread_t t;
	int p;

	(void)state;
	/* nothing listens: ICMP port unreachable */
	snprintf(chk, sizeof(chk),
		 "UDP_CHECK {\n connect_port %d\n connect_timeout 1\n retry 0\n warmup 0\n }",
		 closed_port(SOCK_DGRAM));
	assert_int_equal(run(conf("80", chk)).state, 0);
	/* require_reply with the expected bytes ("PO") */
	s.fd = listener(SOCK_DGRAM, &p);
	pthread_create(&t, NULL, udp_echo, &s);
	snprintf(port, sizeof(port), "%d", p);
	assert_int_equal(run(conf(port, "UDP_CHECK {\n payload 50494e47\n require_reply 504f\n"
					" connect_timeout 1\n retry 0\n warmup 0\n }"))
				 .state,
			 1);
	pthread_join(t, NULL);
	close(s.fd);
}

static void dns_case(int rcode, int ancount, int want)
{
	struct srv s = { .dns_rcode = rcode, .dns_ancount = ancount };
	char port[16];
	pthread_t t;
	int p;

	s.fd = listener(SOCK_DGRAM, &p);
	pthread_create(&t, NULL, dns_srv, &s);
	snprintf(port, sizeof(port), "%d", p);
	assert_int_equal(run(conf(port, "DNS_CHECK {\n type A\n name www.example.org\n"
					" connect_timeout 1\n retry 0\n warmup 0\n }"))
				 .state,
			 want);
	pthread_join(t, NULL);
	close(s.fd);
}

static void test_dns(void **state)
{
	(void)state;
	dns_case(0, 1, 1);
	dns_case(3, 0, 0);	/* NXDOMAIN */
	dns_case(0, 0, 0);	/* no answer */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_http),
		cmocka_unit_test(test_misc),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_dns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
