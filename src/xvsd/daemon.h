/* SPDX-License-Identifier: GPL-2.0 */
/* Going to the background (double fork) and the pid file. */
#ifndef XVSD_DAEMON_H
#define XVSD_DAEMON_H

/*
 * Detach from the terminal. Returns 0 in the daemon; the calling process
 * exits with status 0 once the daemon has written pidfile (so a
 * Type=forking unit sees it), or 1 if the daemon failed before that.
 */
int daemon_detach(const char *pidfile);

/* Write our pid to path (0644). Returns 0 or -errno. */
int daemon_write_pidfile(const char *path);

/* pid file path next to the socket: <dir of socket>/xvsd.pid. */
void daemon_pidfile_path(const char *socket_path, char *buf, size_t len);

#endif /* XVSD_DAEMON_H */
