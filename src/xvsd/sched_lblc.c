// SPDX-License-Identifier: GPL-2.0
/*
 * lblc_v4 expiry (sched_lblc.h). The map is read key by key: it holds at
 * most XVS_LBLC_ENTRIES entries and is walked once a minute. The datapath may
 * touch an entry between the read and the delete; IPVS's timer races its
 * schedulers the same way (they only read and set lastuse without its lock).
 */
#include <errno.h>
#include <stdlib.h>
#include <bpf/bpf.h>

#include "sched_lblc.h"

/* One service's cache as the walk finds it. */
struct lblc_svc {
	__u32 n;		/* entries */
	__u32 goal;		/* trim: how many more to drop */
};

static bool svc_locality(const struct xvsd *st, __u32 sid)
{
	const struct xvsd_svc *s = sid < st->max_svc ? st->svcs[sid] : NULL;

	return s && (s->cfg.sched == XVS_SCHED_LBLC || s->cfg.sched == XVS_SCHED_LBLCR);
}

/* All keys of lblc_v4 into *@keys (malloc'd). Returns how many or -errno. */
static int read_keys(int fd, struct xvs_lblc_key **keys)
{
	struct xvs_lblc_key k, next, *out;
	void *prev = NULL;
	int n = 0;

	out = calloc(XVS_LBLC_ENTRIES, sizeof(*out));
	if (!out)
		return -ENOMEM;
	while (n < XVS_LBLC_ENTRIES && !bpf_map_get_next_key(fd, prev, &next)) {
		out[n++] = next;
		k = next;
		prev = &k;
	}
	*keys = out;
	return n;
}

int sched_lblc_expire(struct xvsd *st, __u64 now_ns, bool full)
{
	struct lblc_svc *per;
	struct xvs_lblc_key *keys;
	int fd = st->maps.lblc_v4, n, i, removed = 0;

	n = read_keys(fd, &keys);
	if (n < 0)
		return n;
	per = calloc(st->max_svc, sizeof(*per));
	if (!per) {
		free(keys);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		if (keys[i].svc_id < st->max_svc)
			per[keys[i].svc_id].n++;
	/* ip_vs_lblc_check_expire(): goal = (entries - max) * 4/3, at most max/2. */
	for (i = 0; i < (int)st->max_svc; i++) {
		__u32 over = per[i].n > XVS_LBLC_MAX ? per[i].n - XVS_LBLC_MAX : 0;

		per[i].goal = over * 4 / 3 < XVS_LBLC_MAX / 2 ? over * 4 / 3 : XVS_LBLC_MAX / 2;
	}
	for (i = 0; i < n; i++) {
		__u32 sid = keys[i].svc_id;
		struct xvs_lblc v;
		bool drop;

		if (bpf_map_lookup_elem(fd, &keys[i], &v))
			continue;
		if (sid >= st->max_svc || !svc_locality(st, sid))
			drop = true;
		else if (full)
			drop = now_ns >= v.lastuse + SCHED_LBLC_EXPIRE_NS;
		else
			drop = per[sid].goal && now_ns >= v.lastuse + SCHED_LBLC_IDLE_NS;
		if (!drop || bpf_map_delete_elem(fd, &keys[i]))
			continue;
		removed++;
		if (!full && sid < st->max_svc && per[sid].goal)
			per[sid].goal--;
	}
	free(per);
	free(keys);
	return removed;
}

int sched_lblc_tick(struct xvsd *st, __u64 now_ns)
{
	/* The timer's state: xvsd has one set of maps and one sweeper. */
	static __u64 next_ns;
	static unsigned int runs;

	if (now_ns < next_ns)
		return 0;
	next_ns = now_ns + SCHED_LBLC_PERIOD_NS;
	runs++;
	return sched_lblc_expire(st, now_ns, runs % SCHED_LBLC_FULL_EVERY == 0);
}
