/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPVS counters: per-CPU conns/packets/bytes per service, per real server and
 * in total (bytes are L3 lengths, as IPVS counts them), and drops by reason.
 * Per-CPU maps need no atomics; xvsd sums the CPUs.
 */
#ifndef XVS_STATS_H
#define XVS_STATS_H

#include "maps.h"

enum stats_dir {
	STATS_IN,	/* client -> real server */
	STATS_OUT,	/* real server -> client */
};

static __always_inline void stats_add_one(void *map, __u32 id, int dir,
					  __u32 bytes, __u32 conns)
{
	struct xvs_stats *s = bpf_map_lookup_elem(map, &id);

	if (!s)
		return;
	s->conns += conns;
	if (dir == STATS_IN) {
		s->inpkts++;
		s->inbytes += bytes;
	} else {
		s->outpkts++;
		s->outbytes += bytes;
	}
}

/* Count one packet of @bytes (and @conns new connections) everywhere. */
static __always_inline void stats_count(__u32 svc_id, __u32 dest_id, int dir,
					__u32 bytes, __u32 conns)
{
	stats_add_one(&svc_stats, svc_id, dir, bytes, conns);
	stats_add_one(&dest_stats, dest_id, dir, bytes, conns);
	stats_add_one(&glob_stats, 0, dir, bytes, conns);
}

static __always_inline void stats_add_bytes(void *map, __u32 id, int dir,
					    __u32 bytes)
{
	struct xvs_stats *s = bpf_map_lookup_elem(map, &id);

	if (!s)
		return;
	if (dir == STATS_IN)
		s->inbytes += bytes;
	else
		s->outbytes += bytes;
}

/*
 * A later IP fragment: IPVS counts the reassembled datagram, one packet
 * (counted with the first fragment) with every fragment's payload bytes.
 */
static __always_inline void stats_frag(__u32 svc_id, __u32 dest_id, int dir,
				       __u32 bytes)
{
	stats_add_bytes(&svc_stats, svc_id, dir, bytes);
	stats_add_bytes(&dest_stats, dest_id, dir, bytes);
	stats_add_bytes(&glob_stats, 0, dir, bytes);
}

static __always_inline void stats_drop(__u32 reason)
{
	__u64 *v = bpf_map_lookup_elem(&drop_stats, &reason);

	if (v)
		(*v)++;
}

#endif /* XVS_STATS_H */
