// SPDX-License-Identifier: GPL-2.0
/*
 * Script runner for the checkers and notifications. The child gets its own
 * process group so a timeout can kill what it started too, and a clean set
 * of signals (xvsd blocks the ones its signalfd reads).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "script.h"

#define SCRIPT_MAX_ARGS 64

/* Split into argv in place: words, "..." and '...' group. Returns argc. */
static int split(char *s, char **argv)
{
	int argc = 0;

	while (*s && argc < SCRIPT_MAX_ARGS - 1) {
		char *out;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		argv[argc++] = out = s;
		while (*s && *s != ' ' && *s != '\t') {
			if (*s == '"' || *s == '\'') {
				char q = *s++;

				while (*s && *s != q)
					*out++ = *s++;
				if (*s)
					s++;
				continue;
			}
			*out++ = *s++;
		}
		if (*s)
			s++;
		*out = '\0';
	}
	argv[argc] = NULL;
	return argc;
}

int script_spawn(const char *cmdline, int *pidfd)
{
	char *copy = strdup(cmdline), *argv[SCRIPT_MAX_ARGS];
	int pid, fd, err;

	if (!copy)
		return -ENOMEM;
	if (!split(copy, argv)) {
		free(copy);
		return -EINVAL;
	}
	pid = fork();
	if (pid < 0) {
		err = -errno;
		free(copy);
		return err;
	}
	if (!pid) {
		sigset_t none;
		int null = open("/dev/null", O_RDWR);

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		setpgid(0, 0);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	free(copy);
	fd = syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0) {
		err = -errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return err;
	}
	*pidfd = fd;
	return pid;
}
