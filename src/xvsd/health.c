// SPDX-License-Identifier: GPL-2.0
/*
 * xvsd's liveness as a vrrp_script sees it: one GET_INFO round trip on the
 * control socket within a deadline. A connect alone is not enough: the
 * kernel accepts connections into the backlog of a hung daemon.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "ctl_io.h"
#include "health.h"

int health_check(const char *socket, int timeout_ms)
{
	struct timeval tv = {
		.tv_sec = timeout_ms / 1000,
		.tv_usec = (timeout_ms % 1000) * 1000,
	};
	size_t len = 0;
	void *reply = NULL;
	int fd, err;

	fd = ctl_connect(socket);
	if (fd < 0)
		return fd;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv))) {
		err = -errno;
		goto out;
	}
	err = ctl_call(fd, XVS_CMD_GET_INFO, NULL, 0, &reply, &len);
	if (!err && len != sizeof(struct xvs_ctl_info))
		err = -EBADMSG;
	free(reply);
out:
	close(fd);
	return err;
}
