// SPDX-License-Identifier: GPL-2.0
/*
 * Building the sh, dh and mh tables of a service (ipvs.md 1.2, dh row,
 * 1.3). A table byte is the dest's index in the list plus one, 0 an empty
 * bucket; the list and its tables reach the datapath in one locked write.
 *
 * mh permutes each dest by the hsiphash of its address and port with
 * ip_vs_mh.c's fixed keys, so the table depends on the servers and their
 * list order only, never on xvs's dest ids: two directors given the same
 * servers in the same order (one keepalived.conf, one ipvsadm-save file)
 * build the same table, and the same one as IPVS. The list carries ids, so
 * the mh table is built apart from the other two, from the addresses in
 * dest_info, just before the list is written (state_write_list()).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <bpf/bpf.h>

#include "lib/sched_hash.h"
#include "sched_tab.h"

#define MH_TAB_BITS	6	/* IP_VS_MH_TAB_BITS: CONFIG_IP_VS_MH_TAB_INDEX / 2 */

void sched_tab_sh(struct xvs_svc_dests *sd)
{
	__u32 n = sd->count < XVS_MAX_RS ? sd->count : XVS_MAX_RS, i, j = 0;
	__s32 filled = 0;

	memset(sd->sh_tab, 0, sizeof(sd->sh_tab));
	if (!n)
		return;
	/* A dest gets weight consecutive buckets; weight 0 still gets one. */
	for (i = 0; i < XVS_SH_TAB_SIZE; i++) {
		sd->sh_tab[i] = j + 1;
		if (++filled >= sd->weight[j]) {
			j = (j + 1) % n;
			filled = 0;
		}
	}
}

void sched_tab_dh(struct xvs_svc_dests *sd)
{
	__u32 n = sd->count < XVS_MAX_RS ? sd->count : XVS_MAX_RS, i;

	memset(sd->dh_tab, 0, sizeof(sd->dh_tab));
	if (!n)
		return;
	for (i = 0; i < XVS_SH_TAB_SIZE; i++)
		sd->dh_tab[i] = i % n + 1;
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

/* The kernel's fls(): 1-based position of the highest set bit, 0 for 0. */
static int fls32(__u32 v)
{
	int n = 0;

	while (v) {
		n++;
		v >>= 1;
	}
	return n;
}

/* ip_vs_mh_gcd_weight() and ip_vs_mh_shift_weight() over last_weight. */
static int mh_gcd_shift(const struct xvs_svc_dests *sd, __u32 n, int *shift)
{
	int g = 0, maxw = 0;
	__u32 i;

	for (i = 0; i < n; i++) {
		int w = sd->last_weight[i];

		if (w <= 0)
			continue;
		g = g ? gcd(w, g) : w;
		if (w > maxw)
			maxw = w;
	}
	*shift = 0;
	if (g >= 1 && fls32(maxw / g) > MH_TAB_BITS)
		*shift = fls32(maxw / g) - MH_TAB_BITS;
	return g;
}

void sched_tab_mh(struct xvs_svc_dests *sd, const struct sched_tab_key *keys)
{
	__u32 n = sd->count < XVS_MAX_RS ? sd->count : XVS_MAX_RS;
	__u32 perm[XVS_MAX_RS], skip[XVS_MAX_RS], k, filled = 0, c;
	static bool taken[XVS_MH_TAB_SIZE];
	int turns[XVS_MAX_RS], g, shift, dt = 0;

	memset(sd->mh_tab, 0, sizeof(sd->mh_tab));
	g = mh_gcd_shift(sd, n, &shift);
	/* No dest with a last weight: every lookup finds an empty entry. */
	if (g < 1)
		return;
	for (k = 0; k < n; k++) {
		__u32 a = keys[k].addr;
		__u16 p = keys[k].port;
		int lw = sd->last_weight[k];

		perm[k] = sched_mh_hashkey(a, p, SCHED_MH_KEY1, 0) % XVS_MH_TAB_SIZE;
		skip[k] = sched_mh_hashkey(a, p, SCHED_MH_KEY2, 0) % (XVS_MH_TAB_SIZE - 1) + 1;
		turns[k] = lw > 0 ? (lw / g) >> shift : 0;
		if (!turns[k] && lw > 0)
			turns[k] = 1;
	}
	/* Round robin over the dests, each claiming turns entries per round. */
	memset(taken, 0, sizeof(taken));
	while (filled < XVS_MH_TAB_SIZE) {
		for (k = 0; k < n && filled < XVS_MH_TAB_SIZE;) {
			if (turns[k] < 1) {
				k++;
				continue;
			}
			c = perm[k];
			while (taken[c]) {
				perm[k] += skip[k];
				if (perm[k] >= XVS_MH_TAB_SIZE)
					perm[k] -= XVS_MH_TAB_SIZE;
				c = perm[k];
			}
			taken[c] = true;
			sd->mh_tab[c] = k + 1;
			filled++;
			if (++dt >= turns[k]) {
				dt = 0;
				k++;
			}
		}
	}
}

int sched_tab_mh_maps(struct xvs_svc_dests *sd, int dest_info_fd)
{
	struct sched_tab_key keys[XVS_MAX_RS];
	__u32 n = sd->count < XVS_MAX_RS ? sd->count : XVS_MAX_RS, k;

	for (k = 0; k < n; k++) {
		struct xvs_dest d;

		if (bpf_map_lookup_elem(dest_info_fd, &sd->dest[k], &d))
			return -errno;
		keys[k].addr = d.addr;
		keys[k].port = d.port;
		keys[k].pad = 0;
	}
	sched_tab_mh(sd, keys);
	return 0;
}

void sched_tab_build(struct xvs_svc_dests *sd)
{
	sched_tab_sh(sd);
	sched_tab_dh(sd);
	/* Until sched_tab_mh() runs with the addresses, mh finds nothing. */
	memset(sd->mh_tab, 0, sizeof(sd->mh_tab));
}
