// SPDX-License-Identifier: GPL-2.0
/*
 * UDP_CHECK: send payload (an empty datagram without one) to the target.
 * Without require_reply, only an ICMP unreachable (ECONNREFUSED on the
 * connected socket) within connect_timeout fails it: silence is success.
 * With require_reply, a reply must come in time, its length within
 * min_reply_length..max_reply_length, starting with the given bytes.
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "check_int.h"

static void on_reply(struct check *c, int fd, uint32_t events)
{
	const struct ka_check *k = c->cfg;
	__u8 r[65536];
	ssize_t n;

	(void)events;
	n = recv(fd, r, sizeof(r), 0);
	if (n < 0) {
		if (errno == EAGAIN)
			return;
		check_fail(c, "UDP_CHECK on service %s failed: %s.", c->name, strerror(errno));
		return;
	}
	if (!k->require_reply) {
		check_ok(c, "UDP_CHECK on service %s succeeded.", c->name);
		return;
	}
	if ((__u32)n < k->min_reply_len || (__u32)n > k->max_reply_len ||
	    (k->reply && ((size_t)n < k->reply_len || memcmp(r, k->reply, k->reply_len)))) {
		check_fail(c, "UDP_CHECK on service %s failed: unexpected reply.", c->name);
		return;
	}
	check_ok(c, "UDP_CHECK on service %s succeeded.", c->name);
}

static void udp_timeout(struct check *c)
{
	if (c->cfg->require_reply)
		check_fail(c, "UDP_CHECK on service %s failed: no reply.", c->name);
	else
		check_ok(c, "UDP_CHECK on service %s succeeded.", c->name);
}

static void udp_start(struct check *c)
{
	int fd = check_connect(c, SOCK_DGRAM);

	if (fd < 0) {
		check_fail(c, "UDP_CHECK on service %s failed: %s.", c->name, strerror(-fd));
		return;
	}
	c->fd = fd;
	if (send(fd, c->cfg->payload, c->cfg->payload_len, 0) < 0) {
		check_fail(c, "UDP_CHECK on service %s failed: %s.", c->name, strerror(errno));
		return;
	}
	if (check_watch(c, fd, EPOLLIN, on_reply))
		check_fail(c, "UDP_CHECK on service %s failed: cannot wait.", c->name);
}

const struct check_ops check_udp_ops = {
	.start = udp_start,
	.name = "UDP_CHECK",
	.timeout_fmt = "UDP_CHECK on service %s failed: timeout.",
	.timeout = udp_timeout,
};
