/* SPDX-License-Identifier: GPL-2.0 */
/* Walking the connection table with batch lookups (for the sweeper and -L -c). */
#ifndef XVSD_CONN_WALK_H
#define XVSD_CONN_WALK_H

#include <xvs/abi.h>
#include "mapset.h"

/* Called for every entry; a non-zero return stops the walk and is returned. */
typedef int (*conn_walk_fn)(const struct xvs_conn_key *k, const struct xvs_conn *v, void *ctx);

int conn_walk(const struct xvsd_maps *m, conn_walk_fn fn, void *ctx);

/* Seconds an IN entry has left at now_ns (0 when already past). */
__u32 conn_expire_in(const struct xvs_conn *v, __u64 now_ns);

#endif /* XVSD_CONN_WALK_H */
