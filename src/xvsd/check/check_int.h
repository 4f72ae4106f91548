/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the checkers: the engine's timers and fd watches, the common
 * retry logic (check.c) and what each checker type supplies.
 */
#ifndef XVSD_CHECK_INT_H
#define XVSD_CHECK_INT_H

#include <stdint.h>

#include "check.h"

struct ctimer {
	__u64 at;			/* CLOCK_MONOTONIC ns */
	void (*fn)(struct ctimer *t);
	struct ctimer *next;
	bool armed;
};

struct check_ops {
	/* Begin one probe. It ends with check_done(), maybe from inside. */
	void (*start)(struct check *c);
	/* Drop what a probe in progress holds besides its socket (child,
	 * buffers); NULL when the socket is all (check.c closes it). */
	void (*cancel)(struct check *c);
	/* "TCP_CHECK" etc.: the first word of the verdict messages */
	const char *name;
	/* keepalived's message when a probe overruns connect_timeout (one %s) */
	const char *timeout_fmt;
	/* instead of failing with timeout_fmt (UDP_CHECK: silence is success) */
	void (*timeout)(struct check *c);
};

struct check {
	struct check_engine *e;
	const struct ka_check *cfg;
	const struct check_ops *ops;
	struct check_cb cb;
	void *owner;
	__u8 proto;
	char name[KA_FMT_LEN];
	bool is_up, has_run, running;
	bool suspended;			/* ha_suspend: no probes while set */
	__u32 retry_it;
	struct ctimer next;		/* next probe */
	struct ctimer deadline;		/* connect_timeout of the probe in progress */
	int fd;				/* the probe's socket, -1 */
	int pidfd;			/* MISC_CHECK's child, -1 */
	int pid;
	void *priv;			/* the type's probe state */
};

/* engine.c */
__u64 check_now(void);
void ctimer_arm(struct check_engine *e, struct ctimer *t, __u64 delay_ms);
void ctimer_cancel(struct check_engine *e, struct ctimer *t);
int check_watch(struct check *c, int fd, uint32_t events,
		void (*fn)(struct check *c, int fd, uint32_t events));
void check_unwatch(struct check *c, int fd);
/* Close the probe's socket (unwatched first) and cancel its deadline. */
void check_close_fd(struct check *c);

/*
 * check.c: the probe's result. check_ok() logs its message (keepalived's
 * "TCP connection to %s success.") when the checker was down or had no
 * verdict yet; check_fail() logs its own ("TCP connection to %s failed.")
 * while the checker is still up.
 */
void check_done(struct check *c, bool ok);
void check_ok(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void check_fail(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* sock.c: a non-blocking socket of type to the checker's target, bound to
 * bindto/bind_port, connect started. Returns the fd or -errno. */
int check_connect(struct check *c, int type);
/* Whether the pending connect() of fd succeeded: 0 or -errno. */
int check_connect_result(int fd);

extern const struct check_ops check_tcp_ops;
extern const struct check_ops check_http_ops;
extern const struct check_ops check_ssl_ops;
extern const struct check_ops check_misc_ops;
extern const struct check_ops check_dns_ops;
extern const struct check_ops check_udp_ops;

#endif /* XVSD_CHECK_INT_H */
