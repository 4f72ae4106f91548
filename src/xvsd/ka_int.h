/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside xvsd's keepalived support: the running state of each virtual and
 * real server (ka_apply.c builds it, ka_rs.c moves it as keepalived's
 * ipwrapper.c does, ka_sync.c writes it to the maps, ka_save.c keeps it
 * across restarts).
 */
#ifndef XVSD_KA_INT_H
#define XVSD_KA_INT_H

#include <stdbool.h>
#include <xvs/abi.h>

#include "check/check.h"
#include "kaconf/kaconf.h"
#include "state.h"

#define KA_MAX_KEYS	256	/* services one virtual_server(_group) makes */

struct ka_vsrt;

struct ka_rsrt {
	struct ka_vsrt *vs;
	const struct ka_rs *cfg;
	bool alive;		/* in the pool as far as health goes (ISALIVE) */
	__s32 weight;		/* effective: configured, or misc_dynamic's */
	__u64 failures;		/* down verdicts of its checkers, for the metrics */
	int nchecks;
	struct check **checks;
};

struct ka_vsrt {
	struct ka *k;
	const struct ka_vs *cfg;
	char name[KA_FMT_LEN];		/* keepalived's FMT_VS */
	int nkeys;
	struct xvs_svc_key keys[KA_MAX_KEYS];
	bool quorum_up;
	bool sorry_active;		/* the sorry server replaces the pool */
	bool suspended;			/* ha_suspend: its VIP is not held here */
	bool refused;			/* a service of another origin is in the way */
	int nrs;
	struct ka_rsrt *rs;
};

struct ka {
	struct xvsd *st;
	struct check_engine *eng;
	char *conf_path, *state_path;
	struct ka_conf *conf;
	int nvs;
	struct ka_vsrt *vs;
};

/* Saved health, by name: what a reload or a restart carries over. */
struct ka_saved {
	int n, cap;
	struct ka_saved_line {
		char kind;		/* 'v' virtual server, 'r' real server, 'c' checker */
		char vs[KA_FMT_LEN];
		char rs[KA_FMT_LEN];
		char chk[128];
		bool a, b;		/* v: quorum_up, sorry_active; r: alive; c: is_up, has_run */
		long long n;		/* r: weight; c: retry_it */
	} *l;
};

/* ka_rs.c */
void ka_rs_set_alive(struct ka_rsrt *rs, bool alive);
void ka_vs_quorum(struct ka_vsrt *vs, bool init);
void ka_rs_checker_state(struct check *c, bool up, void *owner);
void ka_rs_checker_weight(struct check *c, __s32 weight, void *owner);
__u64 ka_vs_live_weight(const struct ka_vsrt *vs);

/* ka_sync.c: make the maps say what vs's state says. */
void ka_sync_vs(struct ka_vsrt *vs);
/* Remove the keepalived services that are not among keys. */
void ka_sync_remove_others(struct ka *k);

/* ka_suspend.c: ha_suspend, checked every KA_SUSPEND_TICK_MS and after each apply. */
#define KA_SUSPEND_TICK_MS	1000
void ka_suspend_update(struct ka *k);

/* ka_save.c */
void ka_save(struct ka *k);
int ka_saved_load(const char *path, struct ka_saved *s);
void ka_saved_from(struct ka *k, struct ka_saved *s);
void ka_saved_free(struct ka_saved *s);
const struct ka_saved_line *ka_saved_find(const struct ka_saved *s, char kind, const char *vs,
					  const char *rs, const char *chk);
/* Names used in the saved state. */
void ka_rs_name(const struct ka_rsrt *rs, char *buf);
void ka_check_key(const struct ka_rsrt *rs, int i, char *buf, size_t len);

#endif /* XVSD_KA_INT_H */
