// SPDX-License-Identifier: GPL-2.0
/*
 * DNS_CHECK: one UDP query (type, name; SOA for "." by default) to the
 * target; up when the answer with our id comes back with rcode NOERROR and
 * at least one answer record, as keepalived's check_dns.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "check_int.h"

#define DNS_MAX 512

struct dns_probe {
	__u16 id;
};

/* Header, QNAME as labels, QTYPE, QCLASS IN. Returns the length or -1. */
static int build_query(const struct ka_check *k, __u16 id, __u8 *q)
{
	const char *name = k->dns_name, *p;
	int n = 12;

	memset(q, 0, 12);
	q[0] = id >> 8;
	q[1] = id & 0xff;
	q[2] = 0x01;		/* RD */
	q[5] = 1;		/* QDCOUNT */
	for (p = name; *p && strcmp(p, ".");) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);

		if (!len || len > 63 || n + len + 1 > DNS_MAX - 5)
			return -1;
		q[n++] = len;
		memcpy(q + n, p, len);
		n += len;
		p += len + (dot ? 1 : 0);
	}
	q[n++] = 0;
	q[n++] = k->dns_type >> 8;
	q[n++] = k->dns_type & 0xff;
	q[n++] = 0;
	q[n++] = 1;		/* IN */
	return n;
}

static void on_reply(struct check *c, int fd, uint32_t events)
{
	struct dns_probe *d = c->priv;
	__u8 r[DNS_MAX];
	ssize_t n;

	(void)events;
	n = recv(fd, r, sizeof(r), 0);
	if (n < 0) {
		if (errno == EAGAIN)
			return;
		check_fail(c, "DNS_CHECK (%s) failed: %s", c->name, strerror(errno));
		return;
	}
	/* not ours (a late answer to an earlier probe): keep waiting */
	if (n < 12 || ((r[0] << 8) | r[1]) != d->id || !(r[2] & 0x80))
		return;
	if (r[3] & 0x0f) {
		check_fail(c, "DNS_CHECK (%s) failed: rcode %d", c->name, r[3] & 0x0f);
		return;
	}
	if (!((r[6] << 8) | r[7])) {
		check_fail(c, "DNS_CHECK (%s) failed: no answer", c->name);
		return;
	}
	check_ok(c, "DNS_CHECK (%s) succeeded", c->name);
}

static void dns_cancel(struct check *c)
{
	free(c->priv);
	c->priv = NULL;
}

static void dns_start(struct check *c)
{
	struct dns_probe *d = calloc(1, sizeof(*d));
	__u8 q[DNS_MAX];
	int fd, len;

	if (!d) {
		check_done(c, false);
		return;
	}
	c->priv = d;
	d->id = random() & 0xffff;
	len = build_query(c->cfg, d->id, q);
	if (len < 0) {
		check_fail(c, "DNS_CHECK (%s) failed: bad name %s", c->name, c->cfg->dns_name);
		return;
	}
	fd = check_connect(c, SOCK_DGRAM);
	if (fd < 0) {
		check_fail(c, "DNS_CHECK (%s) failed: %s", c->name, strerror(-fd));
		return;
	}
	c->fd = fd;
	if (send(fd, q, len, 0) != len) {
		check_fail(c, "DNS_CHECK (%s) failed: %s", c->name, strerror(errno));
		return;
	}
	if (check_watch(c, fd, EPOLLIN, on_reply))
		check_fail(c, "DNS_CHECK (%s) failed: cannot wait", c->name);
}

const struct check_ops check_dns_ops = {
	.start = dns_start,
	.cancel = dns_cancel,
	.name = "DNS_CHECK",
	.timeout_fmt = "DNS_CHECK (%s) failed: timeout",
};
