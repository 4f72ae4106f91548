// SPDX-License-Identifier: GPL-2.0
/*
 * Daemonizing: fork, setsid, fork again so the daemon can never reacquire a
 * terminal, with a pipe back to the original process, which exits only when
 * the daemon reports that it is ready.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "daemon.h"

void daemon_pidfile_path(const char *socket_path, char *buf, size_t len)
{
	char *copy = strdup(socket_path);

	snprintf(buf, len, "%s/xvsd.pid", copy ? dirname(copy) : "/run/xvs");
	free(copy);
}

int daemon_write_pidfile(const char *path)
{
	char tmp[4096];
	FILE *f;

	/* Written aside and renamed, so a reader never sees a partial pid. */
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "%d\n", getpid());
	if (fclose(f) || chmod(tmp, 0644) || rename(tmp, path)) {
		int err = -errno;

		unlink(tmp);
		return err;
	}
	return 0;
}

int daemon_detach(const char *pidfile)
{
	int pfd[2], fd;
	char ok = 0;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		close(pfd[1]);
		if (read(pfd[0], &ok, 1) != 1)
			ok = 0;
		waitpid(pid, NULL, 0);
		_exit(ok ? 0 : 1);
	}
	close(pfd[0]);
	if (setsid() < 0)
		_exit(1);
	pid = fork();
	if (pid < 0)
		_exit(1);
	if (pid > 0)
		_exit(0);
	if (chdir("/"))
		_exit(1);
	umask(022);
	fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		_exit(1);
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	if (daemon_write_pidfile(pidfile))
		_exit(1);
	ok = 1;
	if (write(pfd[1], &ok, 1) != 1)
		_exit(1);
	close(pfd[1]);
	return 0;
}
