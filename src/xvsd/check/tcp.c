// SPDX-License-Identifier: GPL-2.0
/* TCP_CHECK: the server is up when a TCP connect completes in connect_timeout. */
#include <errno.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "check_int.h"

static void on_connect(struct check *c, int fd, uint32_t events)
{
	(void)events;
	if (check_connect_result(fd))
		check_fail(c, "TCP connection to %s failed.", c->name);
	else
		check_ok(c, "TCP connection to %s success.", c->name);
}

static void tcp_start(struct check *c)
{
	int fd = check_connect(c, SOCK_STREAM);

	if (fd < 0) {
		check_fail(c, "TCP connection to %s failed.", c->name);
		return;
	}
	c->fd = fd;
	if (check_watch(c, fd, EPOLLOUT, on_connect))
		check_fail(c, "TCP connection to %s failed.", c->name);
}

const struct check_ops check_tcp_ops = {
	.start = tcp_start,
	.name = "TCP_CHECK",
	.timeout_fmt = "TCP connection to %s timedout.",
};
