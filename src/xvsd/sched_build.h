/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A service's real-server list as the datapath reads it (struct
 * xvs_svc_dests) and the scheduler state in it: the list kept in IPVS order
 * (newest first), the rr/wrr cursor following IPVS's list-pointer rules, and
 * wrr's gcd/max/current weight recomputed on every change exactly as
 * ip_vs_wrr_dest_changed() does. Pure functions over the struct.
 */
#ifndef XVSD_SCHED_BUILD_H
#define XVSD_SCHED_BUILD_H

#include <stdbool.h>
#include <xvs/abi.h>

/* rr_cursor value meaning "the list head": the next scan starts at dest[0]. */
#define SCHED_CURSOR_HEAD	0xffffffffu

/* Scheduler by name. Returns enum xvs_sched, or -ENOENT for a name IPVS
 * doesn't have (ipvsadm then prints "Scheduler or persistence engine not
 * found", the kernel's answer). */
int sched_lookup(const char *name);

/* Name of enum xvs_sched s ("?" when out of range). */
const char *sched_name(__u32 s);

/* Fresh state for a new service or a scheduler change (IPVS init_service):
 * cursors, wrr state, and the sh/dh/mh tables built from the list. */
void sched_init(struct xvs_svc_dests *sd);

/* Index of dest id in the list, or -1. */
int sched_list_find(const struct xvs_svc_dests *sd, __u32 id);

/* Put dest id at the head; a cursor on a dest stays on it. -ENOSPC if full. */
int sched_list_add(struct xvs_svc_dests *sd, __u32 id, __s32 weight, bool overload);

/* Unlink entry i; a cursor on it moves to its predecessor (IPVS rr_del_dest). */
void sched_list_del(struct xvs_svc_dests *sd, __u32 i);

/* Update entry i's weight (and last_weight when non-zero) and overload bit. */
void sched_list_set(struct xvs_svc_dests *sd, __u32 i, __s32 weight, bool overload);

/* After any add/del/edit of a dest: what the service's scheduler does then
 * (wrr: cursor to head, gcd/max recomputed, cw adjusted; rr: nothing), and
 * the sh/dh/mh tables rebuilt. */
void sched_dests_changed(struct xvs_svc_dests *sd, __u32 sched);

#endif /* XVSD_SCHED_BUILD_H */
