/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hashing schedulers' tables in struct xvs_svc_dests, built from the
 * list exactly as IPVS's reassign functions fill theirs: sh (weighted fill,
 * ip_vs_sh_reassign), dh (round robin, ip_vs_dh_reassign), mh (Maglev
 * permutation and population over last_weight, hashing each server's
 * address and port, ip_vs_mh.c). Pure functions over the struct, but for
 * the dest_info reads of sched_tab_mh_maps(); the datapath's lookups are in
 * bpf/lib/sched_{sh,dh,mh}.h.
 */
#ifndef XVSD_SCHED_TAB_H
#define XVSD_SCHED_TAB_H

#include <xvs/abi.h>

/* A list entry's address and port (network order): what mh hashes. */
struct sched_tab_key {
	__u32 addr;
	__u16 port;
	__u16 pad;
};

void sched_tab_sh(struct xvs_svc_dests *sd);
void sched_tab_dh(struct xvs_svc_dests *sd);

/* mh over the list, @keys[k] being the address of sd->dest[k]. */
void sched_tab_mh(struct xvs_svc_dests *sd, const struct sched_tab_key *keys);

/* sched_tab_mh() with the addresses read from dest_info (fd): xvsd runs it
 * on every list it writes. Returns 0 or -errno of a lookup. */
int sched_tab_mh_maps(struct xvs_svc_dests *sd, int dest_info_fd);

/* sh and dh, and an emptied mh table: run after every change of the list
 * or its weights; sched_tab_mh*() fills mh before the list is written. */
void sched_tab_build(struct xvs_svc_dests *sd);

#endif /* XVSD_SCHED_TAB_H */
