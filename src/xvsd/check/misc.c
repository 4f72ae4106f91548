// SPDX-License-Identifier: GPL-2.0
/*
 * MISC_CHECK: run misc_path; exit 0 is up, anything else down. With
 * misc_dynamic, exit 1 is down and 2..255 up with weight (code - 2), as
 * keepalived. A child still running after misc_timeout is killed (its
 * process group too) and counts as a failure.
 */
#include <signal.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/wait.h>

#include "check_int.h"
#include "log.h"
#include "script.h"

static void reap(struct check *c, bool kill_it)
{
	if (c->pid <= 0)
		return;
	if (kill_it)
		kill(-c->pid, SIGKILL);
	waitpid(c->pid, NULL, 0);
	check_unwatch(c, c->pidfd);
	close(c->pidfd);
	c->pidfd = -1;
	c->pid = 0;
}

static void on_exit_fd(struct check *c, int fd, uint32_t events)
{
	int status = 0, code;

	(void)fd, (void)events;
	if (waitpid(c->pid, &status, WNOHANG) <= 0)
		return;
	c->pid = 0;
	check_unwatch(c, c->pidfd);
	close(c->pidfd);
	c->pidfd = -1;
	ctimer_cancel(c->e, &c->deadline);
	if (!WIFEXITED(status)) {
		check_fail(c, "Misc check for [%s] failed: killed by signal %d.", c->name,
			   WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		return;
	}
	code = WEXITSTATUS(status);
	if (code == 0 || (c->cfg->misc_dynamic && code >= 2)) {
		if (c->cfg->misc_dynamic && code >= 2 && c->cb.weight)
			c->cb.weight(c, code - 2, c->owner);
		check_ok(c, "Misc check for [%s] succeeded.", c->name);
		return;
	}
	check_fail(c, "Misc check for [%s] failed with exit status %d.", c->name, code);
}

static void misc_start(struct check *c)
{
	int pid, pidfd;

	if (!c->cfg->misc_path) {
		check_fail(c, "Misc check has no misc_path.");
		return;
	}
	pid = script_spawn(c->cfg->misc_path, &pidfd);
	if (pid < 0) {
		check_fail(c, "Misc check for [%s] failed to start.", c->name);
		return;
	}
	c->pid = pid;
	c->pidfd = pidfd;
	ctimer_arm(c->e, &c->deadline, c->cfg->misc_timeout_ms);
	if (check_watch(c, pidfd, EPOLLIN, on_exit_fd))
		check_fail(c, "Misc check for [%s] cannot be watched.", c->name);
}

static void misc_cancel(struct check *c)
{
	reap(c, true);
}

const struct check_ops check_misc_ops = {
	.start = misc_start,
	.cancel = misc_cancel,
	.name = "MISC_CHECK",
	.timeout_fmt = "Misc check for [%s] timed out.",
};
