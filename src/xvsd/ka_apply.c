// SPDX-License-Identifier: GPL-2.0
/*
 * Loading keepalived.conf into running state: each virtual_server becomes
 * the services it names (a group, one per address and port of its
 * entries), each real server a set of checkers; health comes from the
 * saved state when there is one (a reload, a restarted xvsd), else as
 * keepalived starts: up unless alpha. Then the maps are brought to that
 * state and the checkers run. A reload does the same from the running
 * state, so whatever did not change is left exactly as it is.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ka_apply.h"
#include "ka_int.h"
#include "log.h"
#include "loop.h"
#include "svc.h"

static const struct check_cb ka_cb = {
	.state = ka_rs_checker_state,
	.weight = ka_rs_checker_weight,
};

struct ka *ka_new(const char *conf_path, const char *state_path)
{
	struct ka *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->conf_path = strdup(conf_path);
	k->state_path = state_path ? strdup(state_path) : NULL;
	if (!k->conf_path || (state_path && !k->state_path)) {
		ka_free(k);
		return NULL;
	}
	return k;
}

static void free_runtime(struct ka_vsrt *vs, int nvs)
{
	int i, j, c;

	for (i = 0; i < nvs; i++) {
		for (j = 0; j < vs[i].nrs; j++) {
			for (c = 0; c < vs[i].rs[j].nchecks; c++)
				check_free(vs[i].rs[j].checks[c]);
			free(vs[i].rs[j].checks);
		}
		free(vs[i].rs);
	}
	free(vs);
}

void ka_stop(struct ka *k)
{
	if (!k)
		return;
	free_runtime(k->vs, k->nvs);
	k->vs = NULL;
	k->nvs = 0;
	check_engine_free(k->eng);
	k->eng = NULL;
}

void ka_free(struct ka *k)
{
	if (!k)
		return;
	ka_stop(k);
	kaconf_free(k->conf);
	free(k->conf_path);
	free(k->state_path);
	free(k);
}

static struct ka_conf *parse(struct ka *k)
{
	struct ka_conf *c;
	struct ka_msg *m;
	char err[1024];

	c = kaconf_load(k->conf_path, err, sizeof(err));
	if (!c) {
		pr_err("%s", err);
		return NULL;
	}
	for (m = c->warnings; m; m = m->next)
		pr_warn("%s", m->text);
	return c;
}

int ka_load(struct ka *k)
{
	k->conf = parse(k);
	return k->conf ? 0 : -EINVAL;
}

const struct ka_conf *ka_conf(const struct ka *k)
{
	return k->conf;
}

/* ---- building the running state --------------------------------------- */

static bool key_taken(const struct ka_vsrt *all, int n, const struct xvs_svc_key *key)
{
	int i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < all[i].nkeys; j++)
			if (!memcmp(&all[i].keys[j], key, sizeof(*key)))
				return true;
	return false;
}

/* @proto 0: the fwmark service @addr (abi.h: the mark, network order). */
static void add_key(struct ka_vsrt *vs, const struct ka_vsrt *all, int n, __u32 addr, __u16 port,
		    __u8 proto)
{
	struct xvs_svc_key key = { .addr = addr, .port = port, .proto = proto };
	char name[KA_FMT_LEN];

	if (proto)
		kaconf_fmt_addr(name, addr, key.proto, port);
	else
		snprintf(name, sizeof(name), "FWM %u", ntohl(addr));
	if (key_taken(all, n, &key) || key_taken(vs, 1, &key)) {
		pr_warn("VS %s: service %s is configured twice - ignoring the second", vs->name,
			name);
		return;
	}
	if (vs->nkeys == KA_MAX_KEYS) {
		pr_warn("VS %s: more than %d services - ignoring %s", vs->name, KA_MAX_KEYS, name);
		return;
	}
	vs->keys[vs->nkeys++] = key;
}

/* The services a virtual server names; none (with a warning) when xvs cannot serve it. */
static void vs_keys(struct ka *k, struct ka_vsrt *vs, const struct ka_vsrt *all, int n)
{
	const struct ka_vs *cfg = vs->cfg;
	const struct ka_vsg *g;
	const struct ka_vsg_entry *e;

	if (cfg->af != AF_INET || (cfg->kind != KA_VS_FWMARK && cfg->proto == IPPROTO_SCTP)) {
		pr_warn("VS %s: %s services are not supported by xvs yet - skipping", vs->name,
			cfg->af != AF_INET ? "IPv6" : "SCTP");
		return;
	}
	/* IPVS ignores the protocol of an fwmark service: the mark says it all. */
	if (cfg->kind == KA_VS_FWMARK) {
		add_key(vs, all, n, htonl(cfg->fwmark), 0, 0);
		return;
	}
	if (cfg->kind == KA_VS_ADDR) {
		add_key(vs, all, n, cfg->addr, cfg->port, cfg->proto);
		return;
	}
	for (g = k->conf->vsgs; g && strcmp(g->name, cfg->group); g = g->next)
		;
	if (!g) {
		pr_warn("VS %s: virtual_server_group %s not found - skipping", vs->name, cfg->group);
		return;
	}
	for (e = g->entries; e; e = e->next) {
		__u32 a;

		if (e->is_fwmark) {
			add_key(vs, all, n, htonl(e->fwmark), 0, 0);
			continue;
		}
		if (e->af != AF_INET) {
			pr_warn("(%s: Line %d) VS group %s: IPv6 entries are not supported by xvs "
				"yet - skipping", e->pos.file, e->pos.line, g->name);
			continue;
		}
		for (a = e->addr_first; a <= e->addr_last && a >= e->addr_first; a++)
			add_key(vs, all, n, htonl(a), e->port, cfg->proto);
	}
}

static bool has_dynamic(const struct ka_rs *rs)
{
	const struct ka_check *c;

	for (c = rs->checks; c; c = c->next)
		if (c->type == KA_CHECK_MISC && c->misc_dynamic)
			return true;
	return false;
}

static int build_rs(struct ka *k, struct ka_vsrt *vs, struct ka_rsrt *rs, const struct ka_rs *cfg,
		    const struct ka_saved *saved)
{
	const struct ka_saved_line *l;
	const struct ka_check *c;
	char rname[KA_FMT_LEN];
	int i;

	rs->vs = vs;
	rs->cfg = cfg;
	rs->weight = cfg->weight;
	ka_rs_name(rs, rname);
	l = ka_saved_find(saved, 'r', vs->name, rname, NULL);
	if (l && has_dynamic(cfg))
		rs->weight = l->n;
	rs->checks = calloc(cfg->nchecks ? cfg->nchecks : 1, sizeof(*rs->checks));
	if (!rs->checks)
		return -ENOMEM;
	for (c = cfg->checks; c; c = c->next) {
		rs->checks[rs->nchecks] = check_new(k->eng, c, vs->cfg->proto, &ka_cb, rs);
		if (!rs->checks[rs->nchecks])
			return -ENOMEM;
		rs->nchecks++;
	}
	/* alive unless a checker is down: alpha ones start down, saved ones as saved */
	rs->alive = true;
	for (i = 0; i < rs->nchecks; i++) {
		char key[128];

		ka_check_key(rs, i, key, sizeof(key));
		l = ka_saved_find(saved, 'c', vs->name, rname, key);
		if (l ? !l->a : check_cfg(rs->checks[i])->alpha)
			rs->alive = false;
	}
	return 0;
}

static int build(struct ka *k, const struct ka_saved *saved, struct ka_vsrt **out, int *nout)
{
	const struct ka_vs *cfg;
	struct ka_vsrt *all;
	int n = 0, cnt = 0, err;

	for (cfg = k->conf->vs; cfg; cfg = cfg->next)
		cnt++;
	all = calloc(cnt ? cnt : 1, sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (cfg = k->conf->vs; cfg; cfg = cfg->next) {
		struct ka_vsrt *vs = &all[n];
		const struct ka_saved_line *l;
		const struct ka_rs *r;

		vs->k = k;
		vs->cfg = cfg;
		kaconf_fmt_vs(vs->name, cfg);
		vs_keys(k, vs, all, n);
		if (!vs->nkeys)
			continue;	/* nothing to serve: no checkers either */
		n++;
		vs->rs = calloc(cfg->nrs ? cfg->nrs : 1, sizeof(*vs->rs));
		if (!vs->rs) {
			err = -ENOMEM;
			goto err;
		}
		for (r = cfg->rs; r; r = r->next) {
			err = build_rs(k, vs, &vs->rs[vs->nrs++], r, saved);
			if (err)
				goto err;
		}
		l = ka_saved_find(saved, 'v', vs->name, NULL, NULL);
		if (l) {
			vs->quorum_up = l->a;
			vs->sorry_active = l->b;
		} else {
			vs->quorum_up = ka_vs_live_weight(vs) >= (__u64)cfg->quorum + cfg->hysteresis;
		}
	}
	*out = all;
	*nout = n;
	return 0;
err:
	free_runtime(all, n);
	return err;
}

static void start_checkers(struct ka *k, const struct ka_saved *saved)
{
	int i, j, c;

	for (i = 0; i < k->nvs; i++)
		for (j = 0; j < k->vs[i].nrs; j++) {
			struct ka_rsrt *rs = &k->vs[i].rs[j];
			char rname[KA_FMT_LEN];

			ka_rs_name(rs, rname);
			for (c = 0; c < rs->nchecks; c++) {
				const struct ka_saved_line *l;
				struct check_state st;
				char key[128];

				ka_check_key(rs, c, key, sizeof(key));
				l = ka_saved_find(saved, 'c', k->vs[i].name, rname, key);
				if (l) {
					st.is_up = l->a;
					st.has_run = l->b;
					st.retry_it = l->n;
				}
				check_start(rs->checks[c], l ? &st : NULL);
			}
		}
}

/* Bring the maps to the running state, then let the checkers run. */
static void apply(struct ka *k, const struct ka_saved *saved)
{
	const struct ka_global *g = &k->conf->global;
	int i;

	ka_sync_remove_others(k);
	for (i = 0; i < k->nvs; i++) {
		ka_vs_quorum(&k->vs[i], true);
		ka_sync_vs(&k->vs[i]);
	}
	if (g->lvs_timeouts_set) {
		struct xvs_ctl_timeout t = { g->lvs_tcp, g->lvs_tcpfin, g->lvs_udp };
		int err = svc_set_timeout(k->st, &t);

		if (err)
			pr_err("lvs_timeouts: %s", strerror(-err));
	}
	ka_save(k);
	start_checkers(k, saved);
	ka_suspend_update(k);
}

static void on_suspend_tick(struct loop *l, int fd, uint32_t events, void *data)
{
	(void)l, (void)fd, (void)events;
	ka_suspend_update(data);
}

int ka_start(struct ka *k, struct xvsd *st, struct loop *l)
{
	struct ka_saved saved;
	int err;

	k->st = st;
	k->eng = check_engine_new(l);
	if (!k->eng)
		return -ENOMEM;
	/* A restarted xvsd: health as it was, not everything up again. */
	if (!k->state_path || ka_saved_load(k->state_path, &saved))
		memset(&saved, 0, sizeof(saved));
	else
		pr_info("keepalived: health carried over from %s", k->state_path);
	err = build(k, &saved, &k->vs, &k->nvs);
	if (!err)
		apply(k, &saved);
	ka_saved_free(&saved);
	if (!err)
		err = loop_add_timer(l, KA_SUSPEND_TICK_MS, on_suspend_tick, k);
	return err;
}

void ka_reload(struct ka *k)
{
	struct ka_conf *old_conf = k->conf, *conf;
	struct ka_vsrt *old = k->vs, *vs;
	int old_n = k->nvs, n, err;
	struct ka_saved saved;

	pr_info("Reloading keepalived configuration %s", k->conf_path);
	conf = parse(k);
	if (!conf) {
		pr_err("keepalived configuration not reloaded: the running one stays");
		return;
	}
	ka_saved_from(k, &saved);
	k->conf = conf;
	err = build(k, &saved, &vs, &n);
	if (err) {
		pr_err("keepalived configuration not reloaded: %s", strerror(-err));
		k->conf = old_conf;
		kaconf_free(conf);
		ka_saved_free(&saved);
		return;
	}
	free_runtime(old, old_n);
	kaconf_free(old_conf);
	k->vs = vs;
	k->nvs = n;
	apply(k, &saved);
	ka_saved_free(&saved);
}
