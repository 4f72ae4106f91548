/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control socket server (protocol in src/common/ctl_proto.h): the listen
 * socket, per-client framing on the event loop, and the command dispatch.
 */
#ifndef XVSD_CTL_H
#define XVSD_CTL_H

#include <stddef.h>
#include "ctl_proto.h"
#include "loop.h"
#include "state.h"

#define CTL_MAX_CLIENTS 64

/*
 * Create the listen socket at path (mode 0600). If a socket file exists and
 * someone answers on it, fail with -EADDRINUSE (another xvsd runs there);
 * a stale one is removed. Returns the fd or -errno.
 */
int ctl_listen(const char *path);

/* Is an xvsd answering at path? */
bool ctl_in_use(const char *path);

/* Serve clients of listen_fd on loop l, acting on st. */
int ctl_serve(struct loop *l, int listen_fd, struct xvsd *st);

/*
 * One request: validates the payload for cmd and runs it. Returns the reply
 * status (0 or -errno); on success *reply (of *reply_len bytes) may hold a
 * malloc'd payload.
 */
int ctl_handle(struct xvsd *st, __u16 cmd, const void *payload, size_t len, void **reply,
	       size_t *reply_len);

#endif /* XVSD_CTL_H */
