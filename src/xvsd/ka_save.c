// SPDX-License-Identifier: GPL-2.0
/*
 * Health that outlives a reload and a restart. Lines of text, rewritten
 * whole (aside, then renamed) on every change:
 *   v VS QUORUM_UP SORRY_ACTIVE
 *   r VS RS ALIVE WEIGHT
 *   c VS RS CHECKER IS_UP HAS_RUN RETRY_IT
 * with keepalived's names ("[192.168.1.200]:tcp:80"; a checker is its type
 * and target, "TCP_CHECK:[10.0.0.2]:tcp:80", or "MISC_CHECK#N"). A reload
 * carries state over through the same structure, taken from memory.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ka_apply.h"
#include "ka_int.h"
#include "log.h"

void ka_state_path(const char *socket_path, char *buf, size_t len)
{
	char *copy = strdup(socket_path);

	snprintf(buf, len, "%s/xvsd-keepalived.state", copy ? dirname(copy) : "/run/xvs");
	free(copy);
}

void ka_rs_name(const struct ka_rsrt *rs, char *buf)
{
	kaconf_fmt_addr(buf, rs->cfg->addr, rs->vs->cfg->proto, rs->cfg->port);
}

void ka_check_key(const struct ka_rsrt *rs, int i, char *buf, size_t len)
{
	const struct ka_check *c = check_cfg(rs->checks[i]);
	int n = 0, j;

	if (c->type == KA_CHECK_MISC) {
		for (j = 0; j < i; j++)
			n += check_cfg(rs->checks[j])->type == KA_CHECK_MISC;
		snprintf(buf, len, "MISC_CHECK#%d", n);
		return;
	}
	snprintf(buf, len, "%s:%s", kaconf_check_name(c->type), check_name(rs->checks[i]));
}

static struct ka_saved_line *add(struct ka_saved *s)
{
	if (s->n == s->cap) {
		int cap = s->cap ? s->cap * 2 : 32;
		struct ka_saved_line *l = realloc(s->l, cap * sizeof(*l));

		if (!l)
			return NULL;
		s->l = l;
		s->cap = cap;
	}
	memset(&s->l[s->n], 0, sizeof(s->l[0]));
	return &s->l[s->n++];
}

void ka_saved_from(struct ka *k, struct ka_saved *s)
{
	struct ka_saved_line *l;
	int i, j, c;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < k->nvs; i++) {
		struct ka_vsrt *vs = &k->vs[i];

		l = add(s);
		if (!l)
			return;
		l->kind = 'v';
		snprintf(l->vs, sizeof(l->vs), "%s", vs->name);
		l->a = vs->quorum_up;
		l->b = vs->sorry_active;
		for (j = 0; j < vs->nrs; j++) {
			struct ka_rsrt *rs = &vs->rs[j];
			char rname[KA_FMT_LEN];

			ka_rs_name(rs, rname);
			l = add(s);
			if (!l)
				return;
			l->kind = 'r';
			snprintf(l->vs, sizeof(l->vs), "%s", vs->name);
			snprintf(l->rs, sizeof(l->rs), "%s", rname);
			l->a = rs->alive;
			l->n = rs->weight;
			for (c = 0; c < rs->nchecks; c++) {
				struct check_state st;

				check_get_state(rs->checks[c], &st);
				l = add(s);
				if (!l)
					return;
				l->kind = 'c';
				snprintf(l->vs, sizeof(l->vs), "%s", vs->name);
				snprintf(l->rs, sizeof(l->rs), "%s", rname);
				ka_check_key(rs, c, l->chk, sizeof(l->chk));
				l->a = st.is_up;
				l->b = st.has_run;
				l->n = st.retry_it;
			}
		}
	}
}

void ka_saved_free(struct ka_saved *s)
{
	free(s->l);
	memset(s, 0, sizeof(*s));
}

const struct ka_saved_line *ka_saved_find(const struct ka_saved *s, char kind, const char *vs,
					  const char *rs, const char *chk)
{
	int i;

	for (i = 0; i < s->n; i++) {
		const struct ka_saved_line *l = &s->l[i];

		if (l->kind == kind && !strcmp(l->vs, vs) && (!rs || !strcmp(l->rs, rs)) &&
		    (!chk || !strcmp(l->chk, chk)))
			return l;
	}
	return NULL;
}

void ka_save(struct ka *k)
{
	struct ka_saved s;
	char tmp[4200];
	FILE *f;
	int i;

	if (!k->state_path)
		return;
	ka_saved_from(k, &s);
	snprintf(tmp, sizeof(tmp), "%s.tmp", k->state_path);
	f = fopen(tmp, "w");
	if (!f) {
		pr_warn("keepalived health state %s: %s", tmp, strerror(errno));
		ka_saved_free(&s);
		return;
	}
	for (i = 0; i < s.n; i++) {
		const struct ka_saved_line *l = &s.l[i];

		if (l->kind == 'v')
			fprintf(f, "v %s %d %d\n", l->vs, l->a, l->b);
		else if (l->kind == 'r')
			fprintf(f, "r %s %s %d %lld\n", l->vs, l->rs, l->a, l->n);
		else
			fprintf(f, "c %s %s %s %d %d %lld\n", l->vs, l->rs, l->chk, l->a, l->b, l->n);
	}
	if (fclose(f) || rename(tmp, k->state_path))
		pr_warn("keepalived health state %s: %s", k->state_path, strerror(errno));
	ka_saved_free(&s);
}

int ka_saved_load(const char *path, struct ka_saved *s)
{
	char line[512];
	FILE *f;

	memset(s, 0, sizeof(*s));
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		struct ka_saved_line *l = add(s);
		int a = 0, b = 0, ok;

		if (!l)
			break;
		l->kind = line[0];
		if (l->kind == 'v')
			ok = sscanf(line, "v %63s %d %d", l->vs, &a, &b) == 3;
		else if (l->kind == 'r')
			ok = sscanf(line, "r %63s %63s %d %lld", l->vs, l->rs, &a, &l->n) == 4;
		else if (l->kind == 'c')
			ok = sscanf(line, "c %63s %63s %127s %d %d %lld", l->vs, l->rs, l->chk, &a, &b,
				    &l->n) == 6;
		else
			ok = 0;
		l->a = a;
		l->b = b;
		if (!ok)
			s->n--;	/* a line we did not write: skip it */
	}
	fclose(f);
	return 0;
}
