/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Neighbour upkeep for real servers. XDP-forwarded packets never confirm a
 * neighbour entry and bpf_fib_lookup() takes a STALE entry as resolved, so a
 * real server whose MAC changed would be black-holed. For the next hop of
 * every live NAT server (the route's gateway, else the server itself) xvsd
 * keeps an entry the kernel re-probes by itself: managed (NTF_EXT_MANAGED,
 * kernel >= 5.16), or, when the kernel refuses that, one xvsd pokes with
 * NTF_USE every NEIGH_PROBE_TICKS. Entries xvsd made carry NDA_PROTOCOL
 * NEIGH_PROTO, which is how a restarted xvsd finds and reconciles them;
 * entries the admin made (PERMANENT, NOARP) or another manager's are left
 * alone.
 */
#ifndef XVSD_NEIGH_H
#define XVSD_NEIGH_H

#include <stdbool.h>

#include "state.h"

/* NDA_PROTOCOL of xvsd's entries ('X'); `ip neigh` shows it as "proto 88". */
#define NEIGH_PROTO 88
/* Routes are re-resolved and entries checked once per tick. */
#define NEIGH_TICK_MS 1000
/* Without managed entries, entries are poked every this many ticks. */
#define NEIGH_PROBE_TICKS 5

struct neigh;

/*
 * Upkeep for the servers of st, in the current network namespace. probe_only
 * skips managed entries (tests of the fallback); xvsd passes false. NULL with
 * errno set when no rtnetlink socket can be had.
 */
struct neigh *neigh_new(const struct xvsd *st, bool probe_only);

/* Forget everything in memory; the kernel's entries stay (restart). */
void neigh_free(struct neigh *nb);

/*
 * One pass, idempotent: resolve every live NAT server's next hop, make sure
 * each has its entry, remove xvsd's entries nothing needs. The first pass
 * adopts the entries a previous xvsd left. Each server's and entry's
 * problems are logged when they change. Returns 0, or -errno when the
 * neighbour table could not be read at all.
 */
int neigh_sync(struct neigh *nb);

#endif /* XVSD_NEIGH_H */
