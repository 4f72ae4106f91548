// SPDX-License-Identifier: GPL-2.0
/*
 * Reading drop_stats, and the "connection table full" episode log: a
 * warning when CONN_FULL drops start, a notice with the count when they
 * have stopped (the table is full for as long as new connections find no
 * free entry; that is what the counter says, whatever the sweep saw).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "dropwatch.h"
#include "list.h"
#include "log.h"

int drops_read(const struct xvsd_maps *m, __u32 reason, __u64 *sum)
{
	__u64 *pc = calloc(m->nr_cpus, sizeof(*pc));
	int c, err = 0;

	if (!pc)
		return -ENOMEM;
	*sum = 0;
	if (bpf_map_lookup_elem(m->drop_stats, &reason, pc))
		err = -errno;
	for (c = 0; !err && c < m->nr_cpus; c++)
		*sum += pc[c];
	free(pc);
	return err;
}

void dropwatch_tick(struct dropwatch *w)
{
	struct xvsd *st = w->st;
	struct xvs_ctl_info info;
	__u64 n, now;
	int err;

	err = drops_read(&st->maps, XVS_DROP_CONN_FULL, &n);
	if (err && err != w->last_err)
		pr_warn("drop counters: %s", strerror(-err));
	w->last_err = err;
	if (err)
		return;
	now = state_now_ns();
	if (n > w->conn_full.last)
		w->grew_ns = now;
	switch (episode_feed(&w->conn_full, n)) {
	case EPISODE_BEGIN:
		w->began_ns = now;
		list_info(st, &info);
		pr_warn("connection table full (%u of %u entries at the last sweep): "
			"new connections are dropped", info.conn_count, info.conn_max);
		break;
	case EPISODE_END:
		pr_notice("connection table no longer full: %llu new connections dropped "
			  "over %llu s", (unsigned long long)episode_count(&w->conn_full),
			  (unsigned long long)((w->grew_ns - w->began_ns) / 1000000000ULL));
		break;
	case EPISODE_NONE:
		break;
	}
}
