// SPDX-License-Identifier: GPL-2.0
/* Control protocol framing over a unix stream socket. */
#include <errno.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "ctl_io.h"

const char *ctl_socket_path(void)
{
	const char *p = getenv("XVS_SOCKET");

	return p && *p ? p : XVS_CTL_SOCKET;
}

int ctl_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= n;
	}
	return 0;
}

/* Returns bytes read (< len only at EOF) or -errno. */
static ssize_t read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		got += n;
	}
	return got;
}

int ctl_send(int fd, __u16 cmd, __s32 status, const void *payload, size_t len)
{
	struct xvs_ctl_hdr hdr = {
		.magic = XVS_CTL_MAGIC,
		.version = XVS_CTL_VERSION,
		.cmd = cmd,
		.len = len,
		.status = status,
	};
	int err;

	if (len > UINT32_MAX)
		return -EMSGSIZE;
	err = write_all(fd, &hdr, sizeof(hdr));
	if (err || !len)
		return err;
	return write_all(fd, payload, len);
}

int ctl_recv(int fd, struct xvs_ctl_hdr *hdr, void **payload, size_t max_len)
{
	ssize_t n;
	void *buf;

	*payload = NULL;
	n = read_all(fd, hdr, sizeof(*hdr));
	if (n < 0)
		return n;
	if (n == 0)
		return -ECONNRESET;
	if ((size_t)n < sizeof(*hdr) || hdr->magic != XVS_CTL_MAGIC)
		return -EBADMSG;
	if (hdr->version != XVS_CTL_VERSION)
		return -EPROTO;
	if (hdr->len > max_len)
		return -EMSGSIZE;
	if (!hdr->len)
		return 0;
	buf = malloc(hdr->len);
	if (!buf)
		return -ENOMEM;
	n = read_all(fd, buf, hdr->len);
	if (n < 0 || (size_t)n < hdr->len) {
		free(buf);
		return n < 0 ? n : -EBADMSG;
	}
	*payload = buf;
	return 0;
}

int ctl_call(int fd, __u16 cmd, const void *req, size_t req_len, void **reply, size_t *reply_len)
{
	struct xvs_ctl_hdr hdr;
	void *buf;
	int err;

	err = ctl_send(fd, cmd, 0, req, req_len);
	if (err)
		return err;
	err = ctl_recv(fd, &hdr, &buf, SIZE_MAX);
	if (err)
		return err;
	if (hdr.cmd != cmd) {
		free(buf);
		return -EBADMSG;
	}
	if (reply) {
		*reply = buf;
		*reply_len = hdr.len;
	} else {
		free(buf);
	}
	return hdr.status;
}
