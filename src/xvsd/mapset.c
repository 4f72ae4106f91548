// SPDX-License-Identifier: GPL-2.0
/* The datapath's map fds, and per-CPU counter helpers over them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xvs.skel.h"
#include "mapset.h"

int mapset_from_skel(struct xvsd_maps *m, struct xvs *skel)
{
	int ncpu = libbpf_num_possible_cpus();

	if (ncpu < 0)
		return ncpu;
	m->svc_map = bpf_map__fd(skel->maps.svc_map);
	m->svc_dests = bpf_map__fd(skel->maps.svc_dests);
	m->dest_info = bpf_map__fd(skel->maps.dest_info);
	m->dest_cnt = bpf_map__fd(skel->maps.dest_cnt);
	m->conn_v4 = bpf_map__fd(skel->maps.conn_v4);
	m->globals = bpf_map__fd(skel->maps.globals);
	m->svc_stats = bpf_map__fd(skel->maps.svc_stats);
	m->dest_stats = bpf_map__fd(skel->maps.dest_stats);
	m->glob_stats = bpf_map__fd(skel->maps.glob_stats);
	m->drop_stats = bpf_map__fd(skel->maps.drop_stats);
	m->addr_set = bpf_map__fd(skel->maps.addr_set);
	m->lblc_v4 = bpf_map__fd(skel->maps.lblc_v4);
	m->svc_port0 = bpf_map__fd(skel->maps.svc_port0);
	m->mark_rules = bpf_map__fd(skel->maps.mark_rules);
	m->svc_fwmark = bpf_map__fd(skel->maps.svc_fwmark);
	m->gc_prog = bpf_program__fd(skel->progs.xvs_gc);
	m->sync_in_prog = bpf_program__fd(skel->progs.xvs_sync_in);
	m->sync_ring = bpf_map__fd(skel->maps.sync_ring);
	m->nr_cpus = ncpu;
	m->conn_entries = bpf_map__max_entries(skel->maps.conn_v4);
	m->pool_size = bpf_map__max_entries(skel->maps.conn_pool);
	if (m->svc_map < 0 || m->svc_dests < 0 || m->dest_info < 0 || m->dest_cnt < 0 ||
	    m->conn_v4 < 0 || m->globals < 0 || m->svc_stats < 0 || m->dest_stats < 0 ||
	    m->glob_stats < 0 || m->drop_stats < 0 || m->addr_set < 0 || m->lblc_v4 < 0 ||
	    m->svc_port0 < 0 || m->gc_prog < 0)
		return -EBADF;
	if (m->sync_in_prog < 0 || m->sync_ring < 0 || m->mark_rules < 0 || m->svc_fwmark < 0)
		return -EBADF;
	return 0;
}

static void stats_add(struct xvs_stats *sum, const struct xvs_stats *pc, int nr_cpus)
{
	int i;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < nr_cpus; i++) {
		sum->conns += pc[i].conns;
		sum->inpkts += pc[i].inpkts;
		sum->outpkts += pc[i].outpkts;
		sum->inbytes += pc[i].inbytes;
		sum->outbytes += pc[i].outbytes;
	}
}

int mapset_stats_sum(const struct xvsd_maps *m, int fd, __u32 id, struct xvs_stats *sum)
{
	struct xvs_stats *pc;
	int err = 0;

	memset(sum, 0, sizeof(*sum));
	pc = calloc(m->nr_cpus, sizeof(*pc));
	if (!pc)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &id, pc))
		err = -errno;
	else
		stats_add(sum, pc, m->nr_cpus);
	free(pc);
	return err;
}

int mapset_stats_zero(const struct xvsd_maps *m, int fd, __u32 id)
{
	struct xvs_stats *pc;
	int err = 0;

	pc = calloc(m->nr_cpus, sizeof(*pc));
	if (!pc)
		return -ENOMEM;
	if (bpf_map_update_elem(fd, &id, pc, BPF_ANY))
		err = -errno;
	free(pc);
	return err;
}

int mapset_array_read(int fd, __u32 lo, __u32 n, void *vals, size_t size)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u32 *keys, prev = lo - 1, next, count, got = 0;
	int err = 0;

	if (!n)
		return 0;
	keys = malloc((n < MAPSET_BATCH ? n : MAPSET_BATCH) * sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	while (got < n) {
		count = n - got < MAPSET_BATCH ? n - got : MAPSET_BATCH;
		/* The batch starts after the key given: none for id 0. */
		if (bpf_map_lookup_batch(fd, lo + got ? &prev : NULL, &next, keys,
					 (char *)vals + (size_t)got * size, &count, &opts) &&
		    errno != ENOENT) {
			err = -errno;
			break;
		}
		/* An array has every key: fewer means the map ended first. */
		if (!count || keys[0] != lo + got || keys[count - 1] != lo + got + count - 1) {
			err = -ERANGE;
			break;
		}
		got += count;
		prev = next;
	}
	free(keys);
	return err;
}

int mapset_stats_walk(const struct xvsd_maps *m, int fd, __u32 lo, __u32 hi,
		      mapset_stats_fn fn, void *ctx)
{
	struct xvs_stats *pc, sum;
	__u32 id, n, i;
	int err = 0;

	pc = calloc((size_t)MAPSET_BATCH * m->nr_cpus, sizeof(*pc));
	if (!pc)
		return -ENOMEM;
	for (id = lo; id < hi && !err; id += n) {
		n = hi - id < MAPSET_BATCH ? hi - id : MAPSET_BATCH;
		err = mapset_array_read(fd, id, n, pc, m->nr_cpus * sizeof(*pc));
		for (i = 0; i < n && !err; i++) {
			stats_add(&sum, pc + (size_t)i * m->nr_cpus, m->nr_cpus);
			err = fn(id + i, &sum, ctx);
		}
	}
	free(pc);
	return err;
}
