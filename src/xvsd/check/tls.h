/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TLS for SSL_GET over OpenSSL, non-blocking: each call says which epoll
 * event it waits for when it cannot go on yet.
 */
#ifndef XVSD_CHECK_TLS_H
#define XVSD_CHECK_TLS_H

#include <stdbool.h>
#include <sys/types.h>

struct tls;

/* A client session on connected-or-connecting fd; sni NULL: none. */
struct tls *tls_new(int fd, const char *sni);
void tls_free(struct tls *t);
bool tls_ready(const struct tls *t);
/* 0: done, EPOLLIN/EPOLLOUT: wait for it and call again, -1: failed. */
int tls_handshake(struct tls *t);
/* Like send/recv; on -1, *want is the event to wait for, or 0 for an error. */
ssize_t tls_write(struct tls *t, const void *buf, size_t len, int *want);
ssize_t tls_read(struct tls *t, void *buf, size_t len, int *want);

#endif /* XVSD_CHECK_TLS_H */
