// SPDX-License-Identifier: GPL-2.0
/*
 * The metrics endpoint: a minimal HTTP/1.0 and 1.1 server on xvsd's event
 * loop. One request per connection, answered with "Connection: close".
 * Nothing blocks: requests are read as they come, answers written as the
 * socket takes them (EPOLLOUT when it is full). A client gets
 * METRICS_TIMEOUT_MS for the whole exchange and METRICS_MAX_REQUEST bytes of
 * request head; at most METRICS_MAX_CLIENTS are served at once. So a slow or
 * hostile client costs a few KiB and a slot, never the loop's time.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "log.h"
#include "metrics.h"

#define METRICS_TICK_MS		1000	/* how often timed-out clients are closed */
#define CONTENT_TYPE		"text/plain; version=0.0.4; charset=utf-8"

struct mclient {
	struct mclient *next;
	struct metrics *m;
	int fd;
	__u64 deadline_ms;
	char req[METRICS_MAX_REQUEST];
	size_t req_len;
	char *resp;		/* NULL while reading the request */
	size_t resp_len, sent;
};

struct metrics {
	struct loop *l;
	int lfd;
	struct xvsd *st;
	const char *version;
	struct mclient *clients;
	int nclients;
};

static __u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/* ---- configuration --------------------------------------------------------- */

static int parse_port(const char *s, __u16 *port)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end || errno || v < 1 || v > 65535)
		return -EINVAL;
	*port = htons(v);
	return 0;
}

int metrics_parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	const char *colon;
	char host[INET6_ADDRSTRLEN];
	size_t hlen;

	memset(ss, 0, sizeof(*ss));
	if (*s == '[') {
		colon = strstr(s, "]:");
		if (!colon)
			return -EINVAL;
		hlen = colon - s - 1;
		if (hlen >= sizeof(host))
			return -EINVAL;
		memcpy(host, s + 1, hlen);
		host[hlen] = '\0';
		sin6->sin6_family = AF_INET6;
		*len = sizeof(*sin6);
		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
			return -EINVAL;
		return parse_port(colon + 2, &sin6->sin6_port);
	}
	colon = strrchr(s, ':');
	if (!colon)
		return -EINVAL;
	hlen = colon - s;
	if (hlen >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	sin->sin_family = AF_INET;
	*len = sizeof(*sin);
	if (hlen && inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		return -EINVAL;
	return parse_port(colon + 1, &sin->sin_port);
}

int metrics_listen(const struct sockaddr_storage *ss, socklen_t len)
{
	int fd, one = 1, err;

	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* a restarted xvsd must not wait for the old one's TIME_WAIT sockets */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (const struct sockaddr *)ss, len) || listen(fd, METRICS_MAX_CLIENTS)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* ---- HTTP ------------------------------------------------------------------- */

int metrics_http_status(const char *req, size_t len, bool *head)
{
	char method[8], target[256], version[16], extra;
	size_t line_len = strcspn(req, "\r\n");
	char line[512];
	size_t plen;

	*head = false;
	if (memchr(req, '\0', len) || line_len >= sizeof(line) || line_len >= len)
		return 400;
	memcpy(line, req, line_len);
	line[line_len] = '\0';
	if (line[0] == ' ' ||
	    sscanf(line, "%7s %255s %15s %c", method, target, version, &extra) != 3)
		return 400;
	if (strcmp(version, "HTTP/1.0") && strcmp(version, "HTTP/1.1"))
		return 400;
	if (target[0] != '/')
		return 400;
	plen = strcspn(target, "?");
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return 405;
	*head = !strcmp(method, "HEAD");
	if (plen != strlen("/metrics") || strncmp(target, "/metrics", plen))
		return 404;
	return 200;
}

/* Does buf hold a whole request head (up to a blank line)? */
static bool head_end(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		if (buf[i] == '\n' && buf[i + 1] == '\n')
			return true;
		if (i + 3 < len && !memcmp(buf + i, "\r\n\r\n", 4))
			return true;
	}
	return false;
}

static const char *reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 500:
		return "Internal Server Error";
	}
	return "Bad Request";
}

/* Status line, headers and (unless head) body into one malloc'd buffer. */
static int build_response(struct mclient *c, int status, bool head, const char *body,
			  size_t body_len)
{
	FILE *f = open_memstream(&c->resp, &c->resp_len);

	if (!f)
		return -ENOMEM;
	fprintf(f, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		"Connection: close\r\n", status, reason(status),
		status == 200 ? CONTENT_TYPE : "text/plain; charset=utf-8", body_len);
	if (status == 405)
		fputs("Allow: GET, HEAD\r\n", f);
	fputs("\r\n", f);
	if (!head)
		fwrite(body, 1, body_len, f);
	if (fclose(f)) {
		free(c->resp);
		c->resp = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* The scrape itself: a snapshot rendered now. */
static int render(struct metrics *m, char **body, size_t *len)
{
	struct metrics_data d;
	FILE *f;
	int err;

	*body = NULL;
	err = metrics_collect(m->st, m->version, &d);
	if (err)
		return err;
	f = open_memstream(body, len);
	if (!f) {
		metrics_data_free(&d);
		return -ENOMEM;
	}
	err = metrics_format(f, &d);
	if (fclose(f) && !err)
		err = -ENOMEM;
	metrics_data_free(&d);
	if (err) {
		free(*body);
		*body = NULL;
	}
	return err;
}

/* complete: the head ended within METRICS_MAX_REQUEST bytes. */
static int answer(struct mclient *c, bool complete)
{
	static int last_err;
	char *body = NULL, msg[64];
	size_t body_len;
	bool head = false;
	int status = complete ? metrics_http_status(c->req, c->req_len, &head) : 400, err;

	if (status == 200) {
		err = render(c->m, &body, &body_len);
		/* once per kind of failure, not per scrape */
		if (err && err != last_err)
			pr_warn("metrics: %s", strerror(-err));
		last_err = err;
		if (err)
			status = 500;
	}
	if (status != 200) {
		body_len = snprintf(msg, sizeof(msg), "%d %s\n", status, reason(status));
		err = build_response(c, status, head, msg, body_len);
	} else {
		err = build_response(c, status, head, body, body_len);
	}
	free(body);
	return err;
}

/* ---- clients ---------------------------------------------------------------- */

static void client_close(struct mclient *c)
{
	struct metrics *m = c->m;
	struct mclient **pp;

	for (pp = &m->clients; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	loop_del(m->l, c->fd);
	close(c->fd);
	free(c->resp);
	free(c);
	m->nclients--;
}

static void on_client(struct loop *l, int fd, uint32_t events, void *data);

/* Send what the socket takes; wait for EPOLLOUT when it is full. */
static void client_write(struct mclient *c)
{
	while (c->sent < c->resp_len) {
		ssize_t n = send(c->fd, c->resp + c->sent, c->resp_len - c->sent,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0)
			break;
		c->sent += n;
	}
	client_close(c);
}

static void client_read(struct mclient *c)
{
	bool complete = false;
	ssize_t n;

	for (;;) {
		if (c->req_len == sizeof(c->req) - 1)
			break;	/* head too long: a bad request */
		n = recv(c->fd, c->req + c->req_len, sizeof(c->req) - 1 - c->req_len,
			 MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			client_close(c);
			return;
		}
		c->req_len += n;
		complete = head_end(c->req, c->req_len);
		if (complete)
			break;
	}
	c->req[c->req_len] = '\0';
	if (answer(c, complete)) {
		client_close(c);
		return;
	}
	/* from now on the socket is watched for room to write */
	loop_del(c->m->l, c->fd);
	if (loop_add(c->m->l, c->fd, EPOLLOUT, on_client, c)) {
		client_close(c);
		return;
	}
	client_write(c);
}

static void on_client(struct loop *l, int fd, uint32_t events, void *data)
{
	struct mclient *c = data;

	(void)l, (void)fd;
	if (c->resp)
		client_write(c);
	else if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		client_read(c);
}

static void on_accept(struct loop *l, int lfd, uint32_t events, void *data)
{
	struct metrics *m = data;
	struct mclient *c;
	int fd;

	(void)events;
	for (;;) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if (m->nclients >= METRICS_MAX_CLIENTS) {
			close(fd);
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (!c || loop_add(l, fd, EPOLLIN, on_client, c)) {
			free(c);
			close(fd);
			continue;
		}
		c->m = m;
		c->fd = fd;
		c->deadline_ms = now_ms() + METRICS_TIMEOUT_MS;
		c->next = m->clients;
		m->clients = c;
		m->nclients++;
	}
}

static void on_tick(struct loop *l, int fd, uint32_t events, void *data)
{
	struct metrics *m = data;
	struct mclient *c, *next;
	__u64 now = now_ms();

	(void)l, (void)fd, (void)events;
	for (c = m->clients; c; c = next) {
		next = c->next;
		if (now >= c->deadline_ms)
			client_close(c);
	}
}

struct metrics *metrics_serve(struct loop *l, int listen_fd, struct xvsd *st,
			      const char *version)
{
	struct metrics *m = calloc(1, sizeof(*m));
	int err;

	if (!m)
		return NULL;
	m->l = l;
	m->lfd = listen_fd;
	m->st = st;
	m->version = version;
	err = loop_add(l, listen_fd, EPOLLIN, on_accept, m);
	if (!err)
		err = loop_add_timer(l, METRICS_TICK_MS, on_tick, m);
	if (err) {
		/* the listener was added first: take it off before it goes */
		loop_del(l, listen_fd);
		free(m);
		errno = -err;
		return NULL;
	}
	return m;
}

void metrics_free(struct metrics *m)
{
	struct mclient *c, *next;

	if (!m)
		return;
	for (c = m->clients; c; c = next) {
		next = c->next;
		close(c->fd);
		free(c->resp);
		free(c);
	}
	close(m->lfd);
	free(m);
}
