// SPDX-License-Identifier: GPL-2.0
/*
 * HTTP_GET and SSL_GET: for each url in turn, a fresh connection, one GET
 * (keepalived's request: HTTP/1.0 by default, User-Agent KeepAliveClient,
 * Host from virtualhost or the target), the whole response read to EOF; the
 * url passes when the status is in its status_code set (200-299 by default)
 * and, with a digest, the MD5 of the body matches. All urls must pass.
 * SSL_GET runs the same exchange over TLS (tls.c), no certificate checks,
 * as keepalived without an SSL block.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <openssl/evp.h>

#include "check_int.h"
#include "log.h"
#include "tls.h"

#define HTTP_HDR_MAX	8192

struct http_probe {
	const struct ka_url *url;
	int url_no;
	char req[2048];
	size_t req_len, sent;
	char hdr[HTTP_HDR_MAX + 1];
	size_t hdr_len;
	bool in_body;
	int status;
	long long content_len;		/* -1: not given */
	long long body_len;
	EVP_MD_CTX *md5;
	struct tls *tls;		/* SSL_GET */
};

static bool is_ssl(const struct check *c)
{
	return c->cfg->type == KA_CHECK_SSL;
}

static void probe_free(struct check *c)
{
	struct http_probe *h = c->priv;

	if (!h)
		return;
	if (h->md5)
		EVP_MD_CTX_free(h->md5);
	tls_free(h->tls);
	free(h);
	c->priv = NULL;
}

static void http_cancel(struct check *c)
{
	probe_free(c);
}

static void fail(struct check *c, const char *what)
{
	check_fail(c, "%s server %s.", what, c->name);
}

static void build_request(struct check *c, struct http_probe *h)
{
	const struct ka_check *k = c->cfg;
	const char *vhost = h->url->virtualhost ? h->url->virtualhost : k->virtualhost;
	const char *ver = k->http_protocol == 11 ? "1.1" : "1.0";
	bool close = k->http_protocol != 10;
	char host[128];
	int n;

	if (vhost) {
		snprintf(host, sizeof(host), "%s", vhost);
	} else {
		/* the target's address and port, keepalived's default Host: */
		char a[KA_FMT_LEN], *e;

		snprintf(a, sizeof(a), "%s", c->name + 1);
		e = strchr(a, ']');
		if (e)
			*e = '\0';
		snprintf(host, sizeof(host), "%s:%u", a, ntohs(k->connect_port));
	}
	n = snprintf(h->req, sizeof(h->req),
		     "GET %s HTTP/%s\r\nUser-Agent: KeepAliveClient\r\nHost: %s\r\n%s\r\n",
		     h->url->path, ver, host, close ? "Connection: close\r\n" : "");
	h->req_len = n < (int)sizeof(h->req) ? (size_t)n : sizeof(h->req) - 1;
}

static bool status_ok(const struct ka_url *u, int st)
{
	return st >= KA_HTTP_STATUS_MIN && st <= KA_HTTP_STATUS_MAX &&
	       (u->status[st / 8] & (1 << (st % 8)));
}

static void start_url(struct check *c);

/* The response is complete (EOF): judge this url, go on with the next. */
static void url_done(struct check *c)
{
	struct http_probe *h = c->priv;
	const struct ka_url *u = h->url;
	const char *what = "HTTP status code";

	if (!h->in_body) {
		fail(c, "Read, no data received from");
		return;
	}
	if (!status_ok(u, h->status)) {
		fail(c, "HTTP status code error to");
		return;
	}
	if (u->digest[0]) {
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned int mdlen = 0, i;
		char hex[KA_MD5_HEX];

		EVP_DigestFinal_ex(h->md5, md, &mdlen);
		for (i = 0; i < mdlen && i < 16; i++)
			sprintf(hex + 2 * i, "%02x", md[i]);
		if (strcmp(hex, u->digest)) {
			fail(c, "MD5 digest error to");
			return;
		}
		what = "MD5 digest";
	}
	if (!c->is_up)
		pr_info("%s success to %s url(%s)", what, c->name, u->path);
	check_close_fd(c);
	if (u->next) {
		h->url = u->next;
		h->url_no++;
		start_url(c);
		return;
	}
	check_done(c, true);
}

static void body(struct http_probe *h, const char *p, size_t n)
{
	if (h->content_len >= 0 && h->body_len + (long long)n > h->content_len)
		n = h->content_len > h->body_len ? h->content_len - h->body_len : 0;
	if (h->md5 && n)
		EVP_DigestUpdate(h->md5, p, n);
	h->body_len += n;
}

/* Header bytes arrived: find the end of the header, the status and length. */
static void header(struct http_probe *h)
{
	char *end = strstr(h->hdr, "\r\n\r\n"), *cl;
	size_t hlen;

	if (!end)
		return;
	hlen = end + 4 - h->hdr;
	h->in_body = true;
	if (sscanf(h->hdr, "HTTP/%*d.%*d %d", &h->status) != 1)
		h->status = 0;
	*end = '\0';
	cl = strcasestr(h->hdr, "\r\nContent-Length:");
	if (cl)
		h->content_len = atoll(cl + 17);
	body(h, h->hdr + hlen, h->hdr_len - hlen);
}

static void on_io(struct check *c, int fd, uint32_t events);

/* Watch for what the transport needs next. False: the probe failed. */
static bool rewatch(struct check *c, uint32_t events)
{
	check_unwatch(c, c->fd);
	if (!check_watch(c, c->fd, events, on_io))
		return true;
	fail(c, "Error connecting");
	return false;
}

static void on_io(struct check *c, int fd, uint32_t events)
{
	struct http_probe *h = c->priv;
	char buf[4096];
	ssize_t n;
	int want;

	(void)events;
	if (!h->tls && h->sent == 0 && h->req_len && check_connect_result(fd)) {
		fail(c, "Error connecting");
		return;
	}
	if (h->tls && !tls_ready(h->tls)) {
		want = tls_handshake(h->tls);
		if (want < 0) {
			fail(c, "SSL handshake/communication error connecting to");
			return;
		}
		if (want) {
			rewatch(c, want);
			return;
		}
	}
	while (h->sent < h->req_len) {
		n = h->tls ? tls_write(h->tls, h->req + h->sent, h->req_len - h->sent, &want) :
			     send(fd, h->req + h->sent, h->req_len - h->sent, MSG_NOSIGNAL);
		if (n < 0) {
			if (h->tls ? want > 0 : errno == EAGAIN) {
				rewatch(c, h->tls ? want : EPOLLOUT);
				return;
			}
			fail(c, "Cannot send get request to");
			return;
		}
		h->sent += n;
		if (h->sent == h->req_len && !rewatch(c, EPOLLIN))
			return;
	}
	for (;;) {
		n = h->tls ? tls_read(h->tls, buf, sizeof(buf), &want) :
			     recv(fd, buf, sizeof(buf), 0);
		if (n == 0) {
			url_done(c);
			return;
		}
		if (n < 0) {
			if (h->tls ? want > 0 : errno == EAGAIN) {
				if (h->tls && want != EPOLLIN)
					rewatch(c, want);
				/* each arrival restarts connect_timeout, as keepalived's reads */
				ctimer_arm(c->e, &c->deadline, c->cfg->tm.connect_timeout_ms);
				return;
			}
			fail(c, "Read error with");
			return;
		}
		if (h->in_body) {
			body(h, buf, n);
			continue;
		}
		if ((size_t)n > HTTP_HDR_MAX - h->hdr_len)
			n = HTTP_HDR_MAX - h->hdr_len;
		memcpy(h->hdr + h->hdr_len, buf, n);
		h->hdr_len += n;
		h->hdr[h->hdr_len] = '\0';
		header(h);
		if (!h->in_body && h->hdr_len == HTTP_HDR_MAX) {
			fail(c, "HTTP header too long from");
			return;
		}
	}
}

static void start_url(struct check *c)
{
	struct http_probe *h = c->priv;
	int fd;

	h->req_len = h->sent = h->hdr_len = 0;
	h->in_body = false;
	h->status = 0;
	h->content_len = -1;
	h->body_len = 0;
	tls_free(h->tls);
	h->tls = NULL;
	if (h->md5)
		EVP_MD_CTX_free(h->md5);
	h->md5 = NULL;
	if (h->url->digest[0]) {
		h->md5 = EVP_MD_CTX_new();
		if (!h->md5 || !EVP_DigestInit_ex(h->md5, EVP_md5(), NULL)) {
			fail(c, "MD5 context unavailable for");
			return;
		}
	}
	build_request(c, h);
	ctimer_arm(c->e, &c->deadline, c->cfg->tm.connect_timeout_ms);
	fd = check_connect(c, SOCK_STREAM);
	if (fd < 0) {
		fail(c, "Error connecting");
		return;
	}
	c->fd = fd;
	if (is_ssl(c)) {
		const char *sni = c->cfg->sni_name ? c->cfg->sni_name : c->cfg->virtualhost;

		h->tls = tls_new(fd, c->cfg->enable_sni ? sni : NULL);
		if (!h->tls) {
			fail(c, "SSL context unavailable for");
			return;
		}
	}
	if (check_watch(c, fd, EPOLLOUT, on_io))
		fail(c, "Error connecting");
}

static void http_start(struct check *c)
{
	struct http_probe *h;

	if (!c->cfg->urls) {
		check_fail(c, "%s on service %s has no url.", c->ops->name, c->name);
		return;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		check_done(c, false);
		return;
	}
	c->priv = h;
	h->url = c->cfg->urls;
	h->url_no = 1;
	start_url(c);
}

const struct check_ops check_http_ops = {
	.start = http_start,
	.cancel = http_cancel,
	.name = "HTTP_CHECK",
	.timeout_fmt = "Timeout WEB read server %s.",
};

const struct check_ops check_ssl_ops = {
	.start = http_start,
	.cancel = http_cancel,
	.name = "SSL_CHECK",
	.timeout_fmt = "Timeout WEB read server %s.",
};
