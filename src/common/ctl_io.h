/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Framing of the control protocol (ctl_proto.h) on a stream socket: send and
 * receive one header + payload message, and connect to xvsd.
 */
#ifndef XVS_CTL_IO_H
#define XVS_CTL_IO_H

#include <stddef.h>
#include "ctl_proto.h"

/* Socket path: $XVS_SOCKET if set, else XVS_CTL_SOCKET. */
const char *ctl_socket_path(void);

/* Connect to xvsd at path. Returns fd or -errno. */
int ctl_connect(const char *path);

/* Send one message. Returns 0 or -errno. */
int ctl_send(int fd, __u16 cmd, __s32 status, const void *payload, size_t len);

/*
 * Receive one message: fills *hdr, returns a malloc'd payload of hdr->len
 * bytes in *payload (NULL when len is 0). max_len bounds the payload.
 * Returns 0, -ECONNRESET on a clean EOF before a header, or -errno.
 */
int ctl_recv(int fd, struct xvs_ctl_hdr *hdr, void **payload, size_t max_len);

/* One request, one reply. Returns reply status (0 or -errno) or a transport -errno. */
int ctl_call(int fd, __u16 cmd, const void *req, size_t req_len, void **reply, size_t *reply_len);

#endif /* XVS_CTL_IO_H */
