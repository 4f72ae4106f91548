// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler model table (test_dp_sched_cases.h) against the host build
 * of bpf/lib: lists and tables built by xvsd's own code (sched_build.c,
 * sched_tab.c, mh hashing server k's address 10.0.0.(10+k):80 as the
 * packet test's servers are), picks by the datapath's pick functions, connection counts
 * moved as conn.h moves them (a SYN binds inactive and goes active, FIN
 * goes inactive, CLOSE unbinds) and OVERLOAD by the datapath's threshold
 * rule at every bind and unbind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "lib/sched_rr.h"
#include "lib/sched_wrr.h"
#include "lib/sched_wlc.h"
#include "lib/sched_lc.h"
#include "lib/sched_sed.h"
#include "lib/sched_nq.h"
#include "lib/sched_fo.h"
#include "lib/sched_ovf.h"
#include "lib/sched_sh.h"
#include "lib/sched_dh.h"
#include "lib/sched_mh.h"
#include "lib/sched_thresh.h"
#include "lib/sched_lblc.h"
#include "xvsd/sched_build.h"
#include "xvsd/sched_tab.h"
#include "test_dp_sched_cases.h"

#define MODEL_CONNS	64
#define MODEL_VIP	0xc0a801c8u	/* 192.168.1.200 */
#define MODEL_SVC	1

struct model_conn {
	__u16 a, b;
	__u32 dest;
	int active;
};

struct model {
	struct xvs_svc_dests sd;
	struct xvs_dest info[SCHED_CASE_DESTS + 1];
	struct xvs_dest_cnt cnt[SCHED_CASE_DESTS + 1];
	struct model_conn conn[MODEL_CONNS];
	int nconn;
	struct xvs_lblc lblc;	/* lblc_v4's entry for the VIP (one destination here) */
	int have_lblc;
};

static struct model m;

/* sched_thresh_update() of sched_thresh.h over the model's arrays. */
static void model_thresh(__u32 id, int bind)
{
	const struct xvs_dest *d = &m.info[id];
	const struct xvs_dest_cnt *c = &m.cnt[id];
	int i;

	if (bind ? !sched_thresh_set(d, c) : !sched_thresh_clear(d, c))
		return;
	i = sched_list_index(&m.sd, id);
	if (i < 0)
		return;
	m.sd.overload[i] = !!bind;
}

/* sched_locality_pick() of sched.h with the host loops; the clock stands still. */
static __u32 model_locality(const struct sched_case *c)
{
	struct sched_lblc_run r;
	__u32 id;
	int fresh;

	sched_lblc_begin(&r, &m.sd, m.have_lblc ? &m.lblc : NULL, m.info, m.cnt);
	id = sched_lblc_host(&r, c->sched == XVS_SCHED_LBLCR, 1, &fresh);
	if (fresh) {
		sched_lblc_init(&m.lblc, MODEL_SVC, id, 1);
		m.have_lblc = 1;
	}
	return id;
}

/* sched_pick() of sched.h with the host loops. */
static __u32 model_pick(const struct sched_case *c, __u32 saddr, __u16 sport)
{
	struct xvs_svc_dests *sd = &m.sd;
	int fallback = !!(c->flags & XVS_SVC_F_SCHED1);
	__u16 port = c->flags & XVS_SVC_F_SCHED2 ? sport : 0;
	int i = -1;

	switch (c->sched) {
	case XVS_SCHED_RR:
		i = sched_rr_pick(sd, &sd->rr_cursor);
		break;
	case XVS_SCHED_WRR:
		i = sched_wrr_pick(sd, &sd->rr_cursor, &sd->wrr_cw);
		break;
	case XVS_SCHED_WLC:
		i = sched_wlc_pick(sd, m.cnt);
		break;
	case XVS_SCHED_LC:
		i = sched_lc_pick(sd, m.cnt);
		break;
	case XVS_SCHED_SED:
		i = sched_sed_pick(sd, m.cnt);
		break;
	case XVS_SCHED_NQ:
		i = sched_nq_pick(sd, m.cnt);
		break;
	case XVS_SCHED_FO:
		i = sched_fo_pick(sd);
		break;
	case XVS_SCHED_OVF:
		i = sched_ovf_pick(sd, m.cnt);
		break;
	case XVS_SCHED_SH:
		i = sched_sh_pick(sd, saddr, port, fallback);
		break;
	case XVS_SCHED_DH:
		i = sched_dh_pick(sd, htonl(MODEL_VIP));
		break;
	case XVS_SCHED_MH:
		i = sched_mh_pick(sd, saddr, port, fallback);
		break;
	case XVS_SCHED_LBLC:
	case XVS_SCHED_LBLCR:
		return model_locality(c);
	}
	return i < 0 ? 0 : sd->dest[i];
}

/* state_write_list(): the mh table from the servers' addresses. */
static void model_write(void)
{
	struct sched_tab_key keys[XVS_MAX_RS];
	__u32 k;

	for (k = 0; k < m.sd.count; k++) {
		keys[k].addr = m.info[m.sd.dest[k]].addr;
		keys[k].port = m.info[m.sd.dest[k]].port;
		keys[k].pad = 0;
	}
	sched_tab_mh(&m.sd, keys);
}

/* dest_add() for each server, in the case's order. */
static void model_setup(const struct sched_case *c)
{
	__u32 k;

	memset(&m, 0, sizeof(m));
	sched_init(&m.sd);
	for (k = 1; k <= c->ndest; k++) {
		const struct sched_dest_cfg *dc = &c->dest[k - 1];

		m.info[k].addr = htonl(SCHED_CASE_RS(k));
		m.info[k].port = htons(SCHED_CASE_RS_PORT);
		m.info[k].weight = dc->w;
		m.info[k].u_threshold = dc->u;
		m.info[k].l_threshold = dc->l;
		m.info[k].flags = XVS_DEST_F_AVAILABLE;
		m.info[k].svc_id = MODEL_SVC;
		assert_int_equal(sched_list_add(&m.sd, k, dc->w, false), 0);
		sched_dests_changed(&m.sd, c->sched);
		model_write();
	}
}

static struct model_conn *model_find(__u16 a, __u16 b)
{
	int i;

	for (i = 0; i < m.nconn; i++)
		if (m.conn[i].a == a && m.conn[i].b == b && m.conn[i].dest)
			return &m.conn[i];
	return NULL;
}

/* One step; returns 0 when it went as the table says. */
static int model_step(const struct sched_case *c, const struct sched_step *s)
{
	struct model_conn *cn;
	__u32 id;
	int i;

	switch (s->op) {
	case OP_SYN:
		id = model_pick(c, htonl(0xac100000u | s->a), htons(s->b));
		if (id != s->want) {
			fprintf(stderr, "  %s\n  SYN %u:%u: got dest %u, want %u (%s)\n",
				c->name, s->a, s->b, id, s->want, s->rule);
			return -1;
		}
		if (!id)
			return 0;
		assert_true(m.nconn < MODEL_CONNS);
		cn = &m.conn[m.nconn++];
		cn->a = s->a;
		cn->b = s->b;
		cn->dest = id;
		/* conn_create(): bound inactive; then NONE -> SYN_RECV, active. */
		m.cnt[id].inactive++;
		model_thresh(id, 1);
		m.cnt[id].inactive--;
		m.cnt[id].active++;
		cn->active = 1;
		return 0;
	case OP_FIN:
		cn = model_find(s->a, s->b);
		assert_non_null(cn);
		if (cn->active) {
			m.cnt[cn->dest].active--;
			m.cnt[cn->dest].inactive++;
			cn->active = 0;
		}
		return 0;
	case OP_CLOSE:
		cn = model_find(s->a, s->b);
		assert_non_null(cn);
		if (cn->active)
			m.cnt[cn->dest].active--;
		else
			m.cnt[cn->dest].inactive--;
		model_thresh(cn->dest, 0);
		cn->dest = 0;
		return 0;
	case OP_WEIGHT:
		/* dest_edit(): same thresholds, so OVERLOAD stays as it is. */
		i = sched_list_find(&m.sd, s->a);
		assert_true(i >= 0);
		m.info[s->a].weight = s->b;
		sched_list_set(&m.sd, i, s->b, m.sd.overload[i]);
		sched_dests_changed(&m.sd, c->sched);
		model_write();
		return 0;
	}
	return -1;
}

static void test_model(void **state)
{
	int failed = 0;
	size_t ci, si;

	(void)state;
	for (ci = 0; ci < SCHED_NCASES; ci++) {
		const struct sched_case *c = &sched_cases[ci];

		model_setup(c);
		for (si = 0; si < SCHED_CASE_STEPS && c->step[si].op != OP_END; si++)
			if (model_step(c, &c->step[si])) {
				failed++;
				break;
			}
	}
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
