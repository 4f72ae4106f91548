// SPDX-License-Identifier: GPL-2.0
/* Control-protocol calls of xvsadm, one per command (see client.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_io.h"
#include "client.h"

void client_setup(struct client *c, const char *path)
{
	memset(c, 0, sizeof(*c));
	c->path = path;
	c->fd = -1;
}

void client_close(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* Call and require a reply of exactly len bytes. */
static int call_fixed(struct client *c, __u16 cmd, void *out, size_t len)
{
	size_t rlen = 0;
	void *reply = NULL;
	int err;

	err = ctl_call(c->fd, cmd, NULL, 0, &reply, &rlen);
	if (!err && rlen != len)
		err = -EBADMSG;
	if (!err)
		memcpy(out, reply, len);
	free(reply);
	return err;
}

int client_init(struct client *c)
{
	int fd, err;

	if (c->fd >= 0)
		return 0;
	fd = ctl_connect(c->path);
	if (fd < 0)
		return fd;
	c->fd = fd;
	err = call_fixed(c, XVS_CMD_GET_INFO, &c->info, sizeof(c->info));
	if (err)
		client_close(c);
	return err;
}

int client_simple(struct client *c, __u16 cmd, const void *req, size_t len)
{
	return ctl_call(c->fd, cmd, req, len, NULL, NULL);
}

int client_add_dests(struct client *c, const struct xvs_ctl_svc *svc,
		     const struct xvs_ctl_dest *d, size_t n, __s32 *res)
{
	size_t len = sizeof(*svc) + n * sizeof(*d), rlen = 0;
	void *reply = NULL;
	char *req;
	int err;

	req = malloc(len);
	if (!req)
		return -ENOMEM;
	memcpy(req, svc, sizeof(*svc));
	memcpy(req + sizeof(*svc), d, n * sizeof(*d));
	err = ctl_call(c->fd, XVS_CMD_ADD_DESTS, req, len, &reply, &rlen);
	free(req);
	if (!err && rlen != n * sizeof(*res))
		err = -EBADMSG;
	if (!err)
		memcpy(res, reply, rlen);
	free(reply);
	return err;
}

int client_list(struct client *c, const struct xvs_ctl_svc *one, struct svc_list *l)
{
	size_t rlen = 0;
	void *reply = NULL;
	int err;

	memset(l, 0, sizeof(*l));
	err = ctl_call(c->fd, XVS_CMD_LIST, one, one ? sizeof(*one) : 0, &reply, &rlen);
	if (!err)
		err = svc_list_parse(reply, rlen, l);
	free(reply);
	if (!err && one && l->n != 1) {
		svc_list_free(l);
		err = -EBADMSG;
	}
	return err;
}

int client_list_conn(struct client *c, struct xvs_ctl_conn **conns, size_t *n)
{
	size_t rlen = 0;
	void *reply = NULL;
	int err;

	*conns = NULL;
	*n = 0;
	err = ctl_call(c->fd, XVS_CMD_LIST_CONN, NULL, 0, &reply, &rlen);
	if (!err && rlen % sizeof(**conns))
		err = -EBADMSG;
	if (err) {
		free(reply);
		return err;
	}
	*conns = reply;
	*n = rlen / sizeof(**conns);
	return 0;
}

int client_get_timeout(struct client *c, struct xvs_ctl_timeout *t)
{
	return call_fixed(c, XVS_CMD_GET_TIMEOUT, t, sizeof(*t));
}

int client_list_daemon(struct client *c, struct xvs_ctl_daemon *d, size_t *n)
{
	size_t rlen = 0;
	void *reply = NULL;
	int err;

	*n = 0;
	err = ctl_call(c->fd, XVS_CMD_LIST_DAEMON, NULL, 0, &reply, &rlen);
	if (!err && (rlen % sizeof(*d) || rlen > 2 * sizeof(*d)))
		err = -EBADMSG;
	if (!err && rlen) {
		memcpy(d, reply, rlen);
		*n = rlen / sizeof(*d);
	}
	free(reply);
	return err;
}
