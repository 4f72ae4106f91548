/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hashing schedulers' tables in struct xvs_svc_dests, built from the
 * list exactly as IPVS's reassign functions fill theirs: sh (weighted fill,
 * ip_vs_sh_reassign), dh (round robin, ip_vs_dh_reassign), mh (Maglev
 * permutation and population over last_weight, ip_vs_mh.c). Pure functions
 * over the struct; the datapath's lookups are in bpf/lib/sched_{sh,dh,mh}.h.
 */
#ifndef XVSD_SCHED_TAB_H
#define XVSD_SCHED_TAB_H

#include <xvs/abi.h>

void sched_tab_sh(struct xvs_svc_dests *sd);
void sched_tab_dh(struct xvs_svc_dests *sd);
void sched_tab_mh(struct xvs_svc_dests *sd);

/* All three: run after every change of the list or its weights. */
void sched_tab_build(struct xvs_svc_dests *sd);

#endif /* XVSD_SCHED_TAB_H */
