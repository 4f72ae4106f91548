// SPDX-License-Identifier: GPL-2.0
/*
 * Building svc_dests. The kernel keeps a service's servers in a linked list
 * and its rr/wrr cursor as a pointer into it; here the list is an array in
 * the same order and the cursor an index, so every list operation moves the
 * index the way the pointer would stay put. The hashing schedulers' tables
 * (sched_tab.c) are rebuilt from the list on every change, as IPVS's
 * add/del/upd_dest hooks rebuild theirs.
 */
#include <errno.h>
#include <string.h>

#include "sched_build.h"
#include "sched_tab.h"

/* Every IPVS scheduler name, by enum xvs_sched. */
static const char *const sched_names[XVS_SCHED_MAX] = {
	[XVS_SCHED_RR] = "rr",	   [XVS_SCHED_WRR] = "wrr", [XVS_SCHED_LC] = "lc",
	[XVS_SCHED_WLC] = "wlc",   [XVS_SCHED_LBLC] = "lblc", [XVS_SCHED_LBLCR] = "lblcr",
	[XVS_SCHED_DH] = "dh",	   [XVS_SCHED_SH] = "sh",   [XVS_SCHED_SED] = "sed",
	[XVS_SCHED_NQ] = "nq",	   [XVS_SCHED_FO] = "fo",   [XVS_SCHED_OVF] = "ovf",
	[XVS_SCHED_MH] = "mh",
};

int sched_lookup(const char *name)
{
	int s;

	for (s = 0; s < XVS_SCHED_MAX; s++)
		if (!strcmp(name, sched_names[s]))
			return s;
	return -ENOENT;
}

const char *sched_name(__u32 s)
{
	return s < XVS_SCHED_MAX ? sched_names[s] : "?";
}

static int gcd(int a, int b)
{
	while (b) {
		int t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* ip_vs_wrr_gcd_weight(): gcd of the positive weights, 1 when there is none. */
static int wrr_gcd(const struct xvs_svc_dests *sd)
{
	int g = 0;
	__u32 i;

	for (i = 0; i < sd->count; i++)
		if (sd->weight[i] > 0)
			g = g ? gcd(sd->weight[i], g) : sd->weight[i];
	return g ? g : 1;
}

static int wrr_max(const struct xvs_svc_dests *sd)
{
	int m = 0;
	__u32 i;

	for (i = 0; i < sd->count; i++)
		if (sd->weight[i] > m)
			m = sd->weight[i];
	return m;
}

void sched_init(struct xvs_svc_dests *sd)
{
	sd->rr_cursor = SCHED_CURSOR_HEAD;
	sd->wrr_di = wrr_gcd(sd);
	sd->wrr_mw = wrr_max(sd) - (sd->wrr_di - 1);
	sd->wrr_cw = sd->wrr_mw;
	sched_tab_build(sd);
}

int sched_list_find(const struct xvs_svc_dests *sd, __u32 id)
{
	__u32 i;

	for (i = 0; i < sd->count && i < XVS_MAX_RS; i++)
		if (sd->dest[i] == id)
			return i;
	return -1;
}

int sched_list_add(struct xvs_svc_dests *sd, __u32 id, __s32 weight, bool overload)
{
	if (sd->count >= XVS_MAX_RS)
		return -ENOSPC;
	memmove(&sd->dest[1], &sd->dest[0], sd->count * sizeof(sd->dest[0]));
	memmove(&sd->weight[1], &sd->weight[0], sd->count * sizeof(sd->weight[0]));
	memmove(&sd->last_weight[1], &sd->last_weight[0], sd->count * sizeof(sd->last_weight[0]));
	memmove(&sd->overload[1], &sd->overload[0], sd->count * sizeof(sd->overload[0]));
	sd->dest[0] = id;
	sd->weight[0] = weight;
	sd->last_weight[0] = weight;
	sd->overload[0] = overload;
	sd->count++;
	if (sd->rr_cursor != SCHED_CURSOR_HEAD)
		sd->rr_cursor++;
	return 0;
}

void sched_list_del(struct xvs_svc_dests *sd, __u32 i)
{
	if (i >= sd->count)
		return;
	memmove(&sd->dest[i], &sd->dest[i + 1], (sd->count - i - 1) * sizeof(sd->dest[0]));
	memmove(&sd->weight[i], &sd->weight[i + 1], (sd->count - i - 1) * sizeof(sd->weight[0]));
	memmove(&sd->last_weight[i], &sd->last_weight[i + 1],
		(sd->count - i - 1) * sizeof(sd->last_weight[0]));
	memmove(&sd->overload[i], &sd->overload[i + 1],
		(sd->count - i - 1) * sizeof(sd->overload[0]));
	sd->count--;
	sd->dest[sd->count] = 0;
	sd->weight[sd->count] = 0;
	sd->last_weight[sd->count] = 0;
	sd->overload[sd->count] = 0;
	if (sd->rr_cursor == SCHED_CURSOR_HEAD || sd->rr_cursor < i)
		return;
	/* On the removed entry: its predecessor, the head for the first one. */
	if (sd->rr_cursor == i && i == 0)
		sd->rr_cursor = SCHED_CURSOR_HEAD;
	else
		sd->rr_cursor--;
}

void sched_list_set(struct xvs_svc_dests *sd, __u32 i, __s32 weight, bool overload)
{
	if (i >= sd->count)
		return;
	sd->weight[i] = weight;
	/* __ip_vs_update_dest(): last_weight keeps the latest non-zero weight. */
	if (weight)
		sd->last_weight[i] = weight;
	sd->overload[i] = overload;
}

void sched_dests_changed(struct xvs_svc_dests *sd, __u32 sched)
{
	sched_tab_build(sd);
	if (sched != XVS_SCHED_WRR)
		return;
	sd->rr_cursor = SCHED_CURSOR_HEAD;
	sd->wrr_di = wrr_gcd(sd);
	sd->wrr_mw = wrr_max(sd) - (sd->wrr_di - 1);
	if (sd->wrr_cw > sd->wrr_mw || !sd->wrr_cw)
		sd->wrr_cw = sd->wrr_mw;
	else if (sd->wrr_di > 1)
		sd->wrr_cw = (sd->wrr_cw / sd->wrr_di) * sd->wrr_di + 1;
}
