// SPDX-License-Identifier: GPL-2.0
/*
 * The checkers' share of the event loop: one timerfd armed for the earliest
 * of all checker timers (a list sorted by deadline: a few hundred timers at
 * most), fd watches that call back into a checker, and fire-and-forget
 * scripts whose exit is collected through a pidfd.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#include "check_int.h"
#include "log.h"
#include "xvsd/loop.h"
#include "script.h"

struct watch {
	struct check *c;
	struct check_engine *e;
	int fd;
	void (*fn)(struct check *c, int fd, uint32_t events);
	struct watch *next;
};

struct child {
	struct check_engine *e;
	int pid, pidfd;
	struct child *next;
};

struct check_engine {
	struct loop *l;
	int tfd;
	struct ctimer *timers;		/* armed, earliest first */
	struct watch *watches;
	struct child *children;
};

__u64 check_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void rearm(struct check_engine *e)
{
	struct itimerspec its = { 0 };

	if (e->timers) {
		/* 0 would disarm: a deadline already past fires at once */
		__u64 at = e->timers->at ? e->timers->at : 1;

		its.it_value.tv_sec = at / 1000000000ull;
		its.it_value.tv_nsec = at % 1000000000ull;
	}
	timerfd_settime(e->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

void ctimer_cancel(struct check_engine *e, struct ctimer *t)
{
	struct ctimer **pp;

	if (!t->armed)
		return;
	for (pp = &e->timers; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	t->armed = false;
	rearm(e);
}

void ctimer_arm(struct check_engine *e, struct ctimer *t, __u64 delay_ms)
{
	struct ctimer **pp;

	ctimer_cancel(e, t);
	t->at = check_now() + delay_ms * 1000000ull;
	for (pp = &e->timers; *pp && (*pp)->at <= t->at; pp = &(*pp)->next)
		;
	t->next = *pp;
	*pp = t;
	t->armed = true;
	rearm(e);
}

static void on_timer(struct loop *l, int fd, uint32_t events, void *data)
{
	struct check_engine *e = data;
	__u64 ticks, now = check_now();

	(void)l, (void)events;
	if (read(fd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		return;
	/* One at a time: a callback may arm or cancel any timer. */
	while (e->timers && e->timers->at <= now) {
		struct ctimer *t = e->timers;

		e->timers = t->next;
		t->armed = false;
		t->fn(t);
	}
	rearm(e);
}

static void on_fd(struct loop *l, int fd, uint32_t events, void *data)
{
	struct watch *w = data;

	(void)l;
	w->fn(w->c, fd, events);
}

int check_watch(struct check *c, int fd, uint32_t events,
		void (*fn)(struct check *c, int fd, uint32_t events))
{
	struct watch *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return -ENOMEM;
	w->c = c;
	w->e = c->e;
	w->fd = fd;
	w->fn = fn;
	err = loop_add(c->e->l, fd, events, on_fd, w);
	if (err) {
		free(w);
		return err;
	}
	w->next = c->e->watches;
	c->e->watches = w;
	return 0;
}

void check_unwatch(struct check *c, int fd)
{
	struct watch **pp;

	for (pp = &c->e->watches; *pp; pp = &(*pp)->next) {
		struct watch *w = *pp;

		if (w->c == c && w->fd == fd) {
			loop_del(c->e->l, fd);
			*pp = w->next;
			free(w);
			return;
		}
	}
}

void check_close_fd(struct check *c)
{
	ctimer_cancel(c->e, &c->deadline);
	if (c->fd < 0)
		return;
	check_unwatch(c, c->fd);
	close(c->fd);
	c->fd = -1;
}

/* ---- scripts ----------------------------------------------------------- */

static void child_remove(struct check_engine *e, struct child *ch)
{
	struct child **pp;

	for (pp = &e->children; *pp; pp = &(*pp)->next)
		if (*pp == ch) {
			*pp = ch->next;
			break;
		}
	loop_del(e->l, ch->pidfd);
	close(ch->pidfd);
	free(ch);
}

static void on_child(struct loop *l, int fd, uint32_t events, void *data)
{
	struct child *ch = data;

	(void)l, (void)fd, (void)events;
	waitpid(ch->pid, NULL, WNOHANG);
	child_remove(ch->e, ch);
}

void check_run_script(struct check_engine *e, const char *cmdline)
{
	struct child *ch;
	int pid, pidfd;

	pid = script_spawn(cmdline, &pidfd);
	if (pid < 0) {
		pr_warn("script %s: %s", cmdline, strerror(-pid));
		return;
	}
	ch = calloc(1, sizeof(*ch));
	if (!ch || loop_add(e->l, pidfd, EPOLLIN, on_child, ch)) {
		/* Cannot watch it: let it run, reaped when xvsd exits. */
		free(ch);
		close(pidfd);
		return;
	}
	ch->e = e;
	ch->pid = pid;
	ch->pidfd = pidfd;
	ch->next = e->children;
	e->children = ch;
}

/* ---- engine ------------------------------------------------------------ */

struct check_engine *check_engine_new(struct loop *l)
{
	struct check_engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->l = l;
	e->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (e->tfd < 0)
		goto err;
	if (loop_add(l, e->tfd, EPOLLIN, on_timer, e))
		goto err_fd;
	return e;
err_fd:
	close(e->tfd);
err:
	free(e);
	return NULL;
}

void check_engine_free(struct check_engine *e)
{
	if (!e)
		return;
	while (e->children)
		child_remove(e, e->children);
	while (e->watches) {
		struct watch *w = e->watches;

		e->watches = w->next;
		loop_del(e->l, w->fd);
		free(w);
	}
	loop_del(e->l, e->tfd);
	close(e->tfd);
	free(e);
}
