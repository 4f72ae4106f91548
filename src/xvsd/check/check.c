// SPDX-License-Identifier: GPL-2.0
/*
 * What every checker shares: scheduling (warmup, delay_loop,
 * delay_before_retry), the connect_timeout deadline, and keepalived's epilog:
 * a failed probe is retried `retry` times, delay_before_retry apart, before
 * the checker goes down; one success brings it up. Messages are keepalived's
 * and are logged on state changes (and for the failing probes of a checker
 * that is still up), never for every probe.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_int.h"
#include "log.h"

static const struct check_ops *const ops_of[KA_CHECK_MAX] = {
	[KA_CHECK_TCP] = &check_tcp_ops,   [KA_CHECK_HTTP] = &check_http_ops,
	[KA_CHECK_SSL] = &check_ssl_ops,   [KA_CHECK_MISC] = &check_misc_ops,
	[KA_CHECK_DNS] = &check_dns_ops,   [KA_CHECK_UDP] = &check_udp_ops,
};

static void on_next(struct ctimer *t);
static void on_deadline(struct ctimer *t);

struct check *check_new(struct check_engine *e, const struct ka_check *cfg, __u8 proto,
			const struct check_cb *cb, void *owner)
{
	struct check *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->e = e;
	c->cfg = cfg;
	c->ops = ops_of[cfg->type];
	c->cb = *cb;
	c->owner = owner;
	c->proto = proto;
	c->fd = -1;
	c->pidfd = -1;
	c->next.fn = on_next;
	c->deadline.fn = on_deadline;
	if (cfg->type == KA_CHECK_MISC)
		snprintf(c->name, sizeof(c->name), "%s", cfg->misc_path ? cfg->misc_path : "");
	else
		kaconf_fmt_addr(c->name, cfg->connect_ip, proto, cfg->connect_port);
	return c;
}

void check_start(struct check *c, const struct check_state *st)
{
	__u64 first;

	if (st) {
		c->is_up = st->is_up;
		c->has_run = st->has_run;
		c->retry_it = st->retry_it;
	} else {
		c->is_up = !c->cfg->alpha;
	}
	if (st && st->has_run)
		first = c->cfg->tm.delay_loop_ms;
	else
		/* keepalived spreads first probes over warmup */
		first = c->cfg->tm.warmup_ms ? (__u64)random() % (c->cfg->tm.warmup_ms + 1) : 0;
	ctimer_arm(c->e, &c->next, first);
}

static void stop_probe(struct check *c)
{
	if (c->running && c->ops->cancel)
		c->ops->cancel(c);
	check_close_fd(c);
	c->running = false;
}

bool check_suspend(struct check *c, bool on)
{
	__u64 loop = c->cfg->tm.delay_loop_ms;

	if (c->suspended == on)
		return false;
	c->suspended = on;
	if (on) {
		stop_probe(c);
		ctimer_cancel(c->e, &c->next);
	} else {
		/* keepalived's suspended checkers still tick every delay_loop */
		ctimer_arm(c->e, &c->next, loop ? (__u64)random() % (loop + 1) : 0);
	}
	return true;
}

void check_free(struct check *c)
{
	if (!c)
		return;
	stop_probe(c);
	ctimer_cancel(c->e, &c->next);
	free(c);
}

void check_get_state(const struct check *c, struct check_state *st)
{
	st->is_up = c->is_up;
	st->has_run = c->has_run;
	st->retry_it = c->retry_it;
}

const struct ka_check *check_cfg(const struct check *c)
{
	return c->cfg;
}

const char *check_name(const struct check *c)
{
	return c->name;
}

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

bool check_same(const struct ka_check *a, const struct ka_check *b)
{
	if (a->type != b->type)
		return false;
	if (a->type == KA_CHECK_MISC)
		return str_eq(a->misc_path, b->misc_path);
	return a->connect_ip == b->connect_ip && a->connect_port == b->connect_port &&
	       a->bindto == b->bindto;
}

void check_ok(struct check *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!c->is_up || !c->has_run) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		pr_info("%s", msg);
	}
	check_done(c, true);
}

void check_fail(struct check *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (c->is_up || !c->has_run) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		pr_info("%s", msg);
	}
	check_done(c, false);
}

static void set_state(struct check *c, bool up)
{
	c->is_up = up;
	c->cb.state(c, up, c->owner);
}

void check_done(struct check *c, bool ok)
{
	__u64 delay;
	bool first = !c->has_run;

	stop_probe(c);
	if (ok || c->retry_it >= c->cfg->tm.retry) {
		delay = c->cfg->tm.delay_loop_ms;
		c->retry_it = 0;
		c->has_run = true;
		if (ok && (!c->is_up || first)) {
			set_state(c, true);
		} else if (!ok && (c->is_up || first)) {
			if (c->cfg->tm.retry && !first)
				pr_info("%s on service %s failed after %u retries.", c->ops->name,
					c->name, c->cfg->tm.retry);
			else
				pr_info("%s on service %s failed.", c->ops->name, c->name);
			set_state(c, false);
		}
	} else {
		delay = c->cfg->tm.delay_before_retry_ms;
		c->retry_it++;
	}
	/* a verdict callback may have suspended it (its VIP went away) */
	if (!c->suspended)
		ctimer_arm(c->e, &c->next, delay);
}

static void on_next(struct ctimer *t)
{
	struct check *c = (struct check *)((char *)t - offsetof(struct check, next));

	c->running = true;
	if (c->cfg->type != KA_CHECK_MISC)
		ctimer_arm(c->e, &c->deadline, c->cfg->tm.connect_timeout_ms);
	c->ops->start(c);
}

/* The probe took longer than connect_timeout. */
static void on_deadline(struct ctimer *t)
{
	struct check *c = (struct check *)((char *)t - offsetof(struct check, deadline));

	if (!c->running)
		return;
	if (c->ops->timeout)
		c->ops->timeout(c);
	else
		check_fail(c, c->ops->timeout_fmt, c->name);
}
