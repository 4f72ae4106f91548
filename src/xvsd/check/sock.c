// SPDX-License-Identifier: GPL-2.0
/*
 * Probe sockets: non-blocking, close-on-exec, bound to the checker's bindto
 * and bind_port when given, connect() to connect_ip:connect_port started.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "check_int.h"

int check_connect(struct check *c, int type)
{
	struct sockaddr_in dst = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = c->cfg->connect_ip,
		.sin_port = c->cfg->connect_port,
	};
	int fd, err;

	fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (c->cfg->bindto || c->cfg->bind_port) {
		struct sockaddr_in src = {
			.sin_family = AF_INET,
			.sin_addr.s_addr = c->cfg->bindto,
			.sin_port = c->cfg->bind_port,
		};
		int one = 1;

		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&src, sizeof(src)))
			goto err;
	}
	if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) && errno != EINPROGRESS)
		goto err;
	return fd;
err:
	err = -errno;
	close(fd);
	return err;
}

int check_connect_result(int fd)
{
	socklen_t len;
	int soerr = 0;

	len = sizeof(soerr);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len))
		return -errno;
	return -soerr;
}
