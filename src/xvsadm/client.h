/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvsadm's side of the control protocol: one connection to xvsd, opened
 * on first use (ipvsadm's ipvs_init: connect, then GET_INFO), and one call
 * per command. Calls return xvsd's status (0 or -errno) or a transport -errno.
 */
#ifndef XVSADM_CLIENT_H
#define XVSADM_CLIENT_H

#include <stddef.h>

#include "list.h"

struct client {
	const char *path;
	int fd;				/* -1 until client_init() */
	struct xvs_ctl_info info;	/* from GET_INFO */
};

void client_setup(struct client *c, const char *path);
int client_init(struct client *c);
void client_close(struct client *c);

/* A request whose reply carries no payload. */
int client_simple(struct client *c, __u16 cmd, const void *req, size_t len);

/*
 * XVS_CMD_ADD_DESTS: servers d[0..n) of service svc (n <= XVS_CTL_MAX_DESTS),
 * res[i] each one's status. Returns the request's own status: -EINVAL (also
 * what an xvsd without the command answers) means nothing was added.
 */
int client_add_dests(struct client *c, const struct xvs_ctl_svc *svc,
		     const struct xvs_ctl_dest *d, size_t n, __s32 *res);

/* Services with their servers: all, or the one named by one (-ESRCH if absent). */
int client_list(struct client *c, const struct xvs_ctl_svc *one, struct svc_list *l);

int client_list_conn(struct client *c, struct xvs_ctl_conn **conns, size_t *n);
int client_get_timeout(struct client *c, struct xvs_ctl_timeout *t);

/* The running sync daemons (at most 2) into @d. */
int client_list_daemon(struct client *c, struct xvs_ctl_daemon *d, size_t *n);

#endif /* XVSADM_CLIENT_H */
