// SPDX-License-Identifier: GPL-2.0
/*
 * SSL_GET against a real TLS server: an OpenSSL server of the test's own on
 * loopback (a fresh self-signed certificate, which SSL_GET takes, as
 * keepalived does) answering the checker's GET. The status (status_code,
 * default 200-299) and the MD5 digest of the body decide; a server that
 * does not speak TLS fails the handshake; with enable_sni the server sees
 * the virtualhost (or sni_name) as the TLS server name.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <cmocka.h>

#include "xvsd/check/check.h"
#include "xvsd/kaconf/kaconf.h"
#include "xvsd/loop.h"

static const char ok_reply[] = "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello";
static const char err_reply[] = "HTTP/1.0 503 Unavailable\r\nContent-Length: 5\r\n\r\nhello";
#define MD5_HELLO "5d41402abc4b2a76b9719d911017c592"

struct verdict {
	int state;		/* -1 none, 0 down, 1 up */
	struct loop *l;
};

struct srv {
	int fd;
	SSL_CTX *ctx;		/* NULL: plain TCP, answers without TLS */
	const char *reply;
	char request[512];	/* what it got */
	char sni[128];		/* the TLS server name the client sent */
};

static SSL_CTX *server_ctx;

/* A TLS server context with a new self-signed EC certificate. */
static int make_ctx(void **state)
{
	EVP_PKEY *pk = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *n;

	(void)state;
	if (!pk || !x)
		return -1;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, pk);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"rs1", -1, -1, 0);
	X509_set_issuer_name(x, n);
	server_ctx = SSL_CTX_new(TLS_server_method());
	if (!server_ctx || !X509_sign(x, pk, EVP_sha256()) ||
	    SSL_CTX_use_certificate(server_ctx, x) != 1 ||
	    SSL_CTX_use_PrivateKey(server_ctx, pk) != 1)
		return -1;
	X509_free(x);
	EVP_PKEY_free(pk);
	return 0;
}

static int free_ctx(void **state)
{
	(void)state;
	SSL_CTX_free(server_ctx);
	return 0;
}

static void *tls_srv(void *arg)
{
	struct srv *s = arg;
	int c = accept(s->fd, NULL, NULL), n;
	const char *name;
	SSL *ssl;

	if (c < 0)
		return NULL;
	if (!s->ctx) {
		if (recv(c, s->request, sizeof(s->request) - 1, 0) > 0)
			send(c, s->reply, strlen(s->reply), 0);
		close(c);
		return NULL;
	}
	ssl = SSL_new(s->ctx);
	SSL_set_fd(ssl, c);
	if (SSL_accept(ssl) == 1) {
		name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
		if (name)
			snprintf(s->sni, sizeof(s->sni), "%s", name);
		n = SSL_read(ssl, s->request, sizeof(s->request) - 1);
		if (n > 0 && !strncmp(s->request, "GET /check HTTP/1.", 18))
			SSL_write(ssl, s->reply, strlen(s->reply));
		SSL_shutdown(ssl);
	}
	SSL_free(ssl);
	close(c);
	return NULL;
}

static void on_state(struct check *c, bool up, void *owner)
{
	struct verdict *v = owner;

	(void)c;
	v->state = up;
	loop_stop(v->l);
}

static void on_give_up(struct loop *l, int fd, uint32_t events, void *data)
{
	(void)fd, (void)events, (void)data;
	loop_stop(l);
}

/*
 * The first verdict of an SSL_GET checker against server @s: @url more
 * lines of its url block, @chk more lines of the checker.
 */
static int run(struct srv *s, const char *url, const char *chk)
{
	static const struct check_cb cb = { .state = on_state };
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	struct verdict v = { .state = -1 };
	struct check_engine *e;
	char conf[1024], err[256];
	struct ka_conf *c;
	struct check *k;
	pthread_t t;

	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->fd >= 0);
	assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s->fd, 4), 0);
	getsockname(s->fd, (struct sockaddr *)&a, &len);
	snprintf(conf, sizeof(conf),
		 "virtual_server 10.9.9.9 443 {\n protocol TCP\n lb_algo rr\n lb_kind NAT\n"
		 " real_server 127.0.0.1 %u {\n  SSL_GET {\n   url {\n    path /check\n    %s\n   }\n"
		 "   retry 0\n   warmup 0\n   connect_timeout 2\n   %s\n  }\n }\n}\n",
		 ntohs(a.sin_port), url, chk);
	c = kaconf_parse("t.conf", conf, err, sizeof(err));
	if (!c)
		fail_msg("%s", err);
	pthread_create(&t, NULL, tls_srv, s);
	v.l = loop_new();
	e = check_engine_new(v.l);
	assert_non_null(e);
	k = check_new(e, c->vs->rs->checks, IPPROTO_TCP, &cb, &v);
	assert_non_null(k);
	check_start(k, NULL);
	assert_int_equal(loop_add_timer(v.l, 8000, on_give_up, NULL), 0);
	loop_run(v.l);
	check_free(k);
	check_engine_free(e);
	loop_free(v.l);
	kaconf_free(c);
	shutdown(s->fd, SHUT_RDWR);
	pthread_join(t, NULL);
	close(s->fd);
	return v.state;
}

static void test_status_and_digest(void **state)
{
	struct srv s = { .ctx = server_ctx, .reply = ok_reply };

	(void)state;
	assert_int_equal(run(&s, "", ""), 1);
	assert_non_null(strstr(s.request, "User-Agent: KeepAliveClient\r\n"));
	assert_int_equal(run(&s, "digest " MD5_HELLO, ""), 1);
	assert_int_equal(run(&s, "digest 00000000000000000000000000000000", ""), 0);
	s.reply = err_reply;
	assert_int_equal(run(&s, "", ""), 0);
	assert_int_equal(run(&s, "status_code 503", ""), 1);
	assert_int_equal(run(&s, "status_code 503\n    digest " MD5_HELLO, ""), 1);
	assert_int_equal(run(&s, "status_code 200-299 500-502", ""), 0);
}

/* A plain HTTP server: the handshake fails, so does the checker. */
static void test_not_tls(void **state)
{
	struct srv s = { .ctx = NULL, .reply = ok_reply };

	(void)state;
	assert_int_equal(run(&s, "", ""), 0);
}

static void test_sni(void **state)
{
	struct srv s = { .ctx = server_ctx, .reply = ok_reply };

	(void)state;
	/* without enable_sni no server name is sent */
	assert_int_equal(run(&s, "", "virtualhost www.example.com"), 1);
	assert_string_equal(s.sni, "");
	assert_non_null(strstr(s.request, "Host: www.example.com\r\n"));
	assert_int_equal(run(&s, "", "virtualhost www.example.com\n   enable_sni"), 1);
	assert_string_equal(s.sni, "www.example.com");
	s.sni[0] = '\0';
	assert_int_equal(run(&s, "", "virtualhost www.example.com\n   enable_sni\n"
				  "   sni_name tls.example.com"), 1);
	assert_string_equal(s.sni, "tls.example.com");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_and_digest),
		cmocka_unit_test(test_not_tls),
		cmocka_unit_test(test_sni),
	};

	return cmocka_run_group_tests(tests, make_ctx, free_ctx);
}
