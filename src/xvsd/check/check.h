/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Health checkers on xvsd's event loop: one struct check per checker block
 * of keepalived.conf, run without blocking (sockets and child processes are
 * watched by the loop, timers share one timerfd). A checker decides up or
 * down after its retries, as keepalived does, and tells its owner
 * (ka_apply.c) through the callbacks below; it never touches the maps.
 */
#ifndef XVSD_CHECK_H
#define XVSD_CHECK_H

#include <stdbool.h>
#include <linux/types.h>

#include "xvsd/kaconf/kaconf.h"

struct loop;
struct check_engine;
struct check;

struct check_cb {
	/* The checker's verdict changed, or it gave its first one. */
	void (*state)(struct check *c, bool up, void *owner);
	/* MISC_CHECK with misc_dynamic: the exit code asks for this weight. */
	void (*weight)(struct check *c, __s32 weight, void *owner);
};

/* Saved state of a checker, to carry it over a reload or a restart. */
struct check_state {
	bool is_up;
	bool has_run;
	__u32 retry_it;
};

struct check_engine *check_engine_new(struct loop *l);
void check_engine_free(struct check_engine *e);

/*
 * A checker for cfg (which must outlive it) probing on behalf of a server of
 * protocol proto. Not running until check_start().
 */
struct check *check_new(struct check_engine *e, const struct ka_check *cfg, __u8 proto,
			const struct check_cb *cb, void *owner);
/*
 * Start with state st (NULL: a fresh checker, up unless alpha). The first
 * probe runs after a random part of warmup, or delay_loop when the state
 * was carried over (it was probed recently).
 */
void check_start(struct check *c, const struct check_state *st);
/*
 * ha_suspend: stop probing (a probe in progress is dropped, the state
 * stays as it is), or start again within a delay_loop. Returns true if
 * that changed anything.
 */
bool check_suspend(struct check *c, bool on);
void check_free(struct check *c);

void check_get_state(const struct check *c, struct check_state *st);
const struct ka_check *check_cfg(const struct check *c);
/* "[10.0.0.2]:tcp:80": what the checker probes, as keepalived names it. */
const char *check_name(const struct check *c);

/* Same probe (type and target): state may carry over a reload. */
bool check_same(const struct ka_check *a, const struct ka_check *b);

/* Run a command line (notify and quorum scripts) without waiting for it. */
void check_run_script(struct check_engine *e, const char *cmdline);

#endif /* XVSD_CHECK_H */
