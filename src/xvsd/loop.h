/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvsd's one event loop (epoll): fds with a callback, periodic timers
 * (timerfd) and signals (signalfd), in the spirit of redis' ae.
 */
#ifndef XVSD_LOOP_H
#define XVSD_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct loop;

/* events: EPOLLIN etc. as reported; for timers and signals, 0. */
typedef void (*loop_fn)(struct loop *l, int fd, uint32_t events, void *data);

struct loop *loop_new(void);
void loop_free(struct loop *l);

/* Watch fd for events. The loop does not own fd. */
int loop_add(struct loop *l, int fd, uint32_t events, loop_fn fn, void *data);
/* Stop watching fd (safe from inside a callback). */
void loop_del(struct loop *l, int fd);

/* Call fn every interval_ms (once per tick even if ticks were missed). */
int loop_add_timer(struct loop *l, unsigned int interval_ms, loop_fn fn, void *data);

/* Block signo and call fn (with fd = signo) when it arrives. */
int loop_add_signal(struct loop *l, int signo, loop_fn fn, void *data);

/* Run until loop_stop(). Returns 0 or -errno of epoll_wait. */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);

#endif /* XVSD_LOOP_H */
