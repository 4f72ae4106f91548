// SPDX-License-Identifier: GPL-2.0
/*
 * Event loop. Each watched fd has a handler whose address is the epoll
 * cookie; a handler removed during dispatch is only marked dead and freed
 * after the batch, since later events of the same batch may point to it.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include "loop.h"

enum handler_kind { H_FD, H_TIMER, H_SIGNAL };

struct handler {
	struct handler *next;
	int fd;
	enum handler_kind kind;
	bool dead;
	loop_fn fn;
	void *data;
};

struct loop {
	int epfd;
	bool stop;
	struct handler *list;
};

struct loop *loop_new(void)
{
	struct loop *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		free(l);
		return NULL;
	}
	return l;
}

static void handler_free(struct handler *h)
{
	/* The loop owns the fds it made itself. */
	if (h->kind != H_FD)
		close(h->fd);
	free(h);
}

void loop_free(struct loop *l)
{
	struct handler *h, *next;

	if (!l)
		return;
	for (h = l->list; h; h = next) {
		next = h->next;
		handler_free(h);
	}
	close(l->epfd);
	free(l);
}

static int add_handler(struct loop *l, int fd, enum handler_kind kind, uint32_t events,
		       loop_fn fn, void *data)
{
	struct epoll_event ev = { .events = events };
	struct handler *h = calloc(1, sizeof(*h));

	if (!h)
		return -ENOMEM;
	h->fd = fd;
	h->kind = kind;
	h->fn = fn;
	h->data = data;
	ev.data.ptr = h;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		int err = -errno;

		free(h);
		return err;
	}
	h->next = l->list;
	l->list = h;
	return 0;
}

int loop_add(struct loop *l, int fd, uint32_t events, loop_fn fn, void *data)
{
	return add_handler(l, fd, H_FD, events, fn, data);
}

void loop_del(struct loop *l, int fd)
{
	struct handler *h;

	for (h = l->list; h; h = h->next) {
		if (h->fd == fd && !h->dead) {
			epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
			h->dead = true;
			return;
		}
	}
}

int loop_add_timer(struct loop *l, unsigned int interval_ms, loop_fn fn, void *data)
{
	struct itimerspec its = {
		.it_interval = { interval_ms / 1000, (interval_ms % 1000) * 1000000L },
		.it_value = { interval_ms / 1000, (interval_ms % 1000) * 1000000L },
	};
	int fd, err;

	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (timerfd_settime(fd, 0, &its, NULL)) {
		err = -errno;
		close(fd);
		return err;
	}
	err = add_handler(l, fd, H_TIMER, EPOLLIN, fn, data);
	if (err)
		close(fd);
	return err;
}

int loop_add_signal(struct loop *l, int signo, loop_fn fn, void *data)
{
	sigset_t set;
	int fd, err;

	sigemptyset(&set);
	sigaddset(&set, signo);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = add_handler(l, fd, H_SIGNAL, EPOLLIN, fn, data);
	if (err)
		close(fd);
	return err;
}

static void dispatch(struct loop *l, struct handler *h, uint32_t events)
{
	struct signalfd_siginfo si;
	uint64_t ticks;

	if (h->dead)
		return;
	switch (h->kind) {
	case H_FD:
		h->fn(l, h->fd, events, h->data);
		break;
	case H_TIMER:
		if (read(h->fd, &ticks, sizeof(ticks)) == sizeof(ticks))
			h->fn(l, h->fd, 0, h->data);
		break;
	case H_SIGNAL:
		while (read(h->fd, &si, sizeof(si)) == sizeof(si))
			h->fn(l, si.ssi_signo, 0, h->data);
		break;
	}
}

static void reap(struct loop *l)
{
	struct handler **pp = &l->list;

	while (*pp) {
		struct handler *h = *pp;

		if (h->dead) {
			*pp = h->next;
			handler_free(h);
		} else {
			pp = &h->next;
		}
	}
}

int loop_run(struct loop *l)
{
	struct epoll_event evs[32];

	l->stop = false;
	while (!l->stop) {
		int n = epoll_wait(l->epfd, evs, 32, -1), i;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (i = 0; i < n; i++)
			dispatch(l, evs[i].data.ptr, evs[i].events);
		reap(l);
	}
	return 0;
}

void loop_stop(struct loop *l)
{
	l->stop = true;
}
