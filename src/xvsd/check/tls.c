// SPDX-License-Identifier: GPL-2.0
/*
 * OpenSSL client sessions for SSL_GET. One context for the process, no
 * certificate verification: keepalived checks reachability and content,
 * not identity, unless told otherwise with an SSL block (not supported).
 */
#include <stdlib.h>
#include <sys/epoll.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "tls.h"

struct tls {
	SSL *ssl;
	bool ready;
};

static SSL_CTX *ctx(void)
{
	static SSL_CTX *c;

	if (!c) {
		c = SSL_CTX_new(TLS_client_method());
		if (c) {
			SSL_CTX_set_verify(c, SSL_VERIFY_NONE, NULL);
			/* a server closing without close_notify ends the body */
			SSL_CTX_set_options(c, SSL_OP_IGNORE_UNEXPECTED_EOF);
		}
	}
	return c;
}

struct tls *tls_new(int fd, const char *sni)
{
	struct tls *t;
	SSL_CTX *c = ctx();

	if (!c)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->ssl = SSL_new(c);
	if (!t->ssl || !SSL_set_fd(t->ssl, fd) || (sni && !SSL_set_tlsext_host_name(t->ssl, sni))) {
		tls_free(t);
		return NULL;
	}
	SSL_set_connect_state(t->ssl);
	return t;
}

void tls_free(struct tls *t)
{
	if (!t)
		return;
	SSL_free(t->ssl);
	free(t);
}

bool tls_ready(const struct tls *t)
{
	return t->ready;
}

static int want_of(struct tls *t, int ret)
{
	switch (SSL_get_error(t->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		return EPOLLIN;
	case SSL_ERROR_WANT_WRITE:
		return EPOLLOUT;
	default:
		ERR_clear_error();
		return 0;
	}
}

int tls_handshake(struct tls *t)
{
	int ret = SSL_do_handshake(t->ssl), want;

	if (ret == 1) {
		t->ready = true;
		return 0;
	}
	want = want_of(t, ret);
	return want ? want : -1;
}

ssize_t tls_write(struct tls *t, const void *buf, size_t len, int *want)
{
	int ret = SSL_write(t->ssl, buf, len);

	if (ret > 0)
		return ret;
	*want = want_of(t, ret);
	return -1;
}

ssize_t tls_read(struct tls *t, void *buf, size_t len, int *want)
{
	int ret = SSL_read(t->ssl, buf, len);

	if (ret > 0)
		return ret;
	if (SSL_get_error(t->ssl, ret) == SSL_ERROR_ZERO_RETURN)
		return 0;
	*want = want_of(t, ret);
	return -1;
}
