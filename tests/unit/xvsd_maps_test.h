/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Real datapath maps for xvsd's unit tests: the object's maps loaded
 * without its programs (configuration code needs none, and skipping the
 * verifier keeps each test fast), their fds filled in by xvsd's own
 * mapset_from_skel(). Programs are absent, so the gc and sync programs'
 * fds are -1: code that would run them sees "no program".
 */
#ifndef XVSD_MAPS_TEST_H
#define XVSD_MAPS_TEST_H

#include <bpf/libbpf.h>

#include "xvs.skel.h"
#include "xvsd/mapset.h"

#define XVSD_TEST_CONN_MAX 1024

/* Open and load the maps into *@skel and describe them in @m. */
static inline void xvsd_test_maps_load(struct xvs **skel, struct xvsd_maps *m)
{
	struct bpf_program *p;

	*skel = xvs__open();
	assert_non_null(*skel);
	bpf_object__for_each_program(p, (*skel)->obj)
		bpf_program__set_autoload(p, false);
	bpf_map__set_max_entries((*skel)->maps.conn_v4, XVSD_TEST_CONN_MAX);
	bpf_map__set_max_entries((*skel)->maps.conn_out, XVSD_TEST_CONN_MAX);
	assert_int_equal(xvs__load(*skel), 0);
	memset(m, 0, sizeof(*m));
	/* -EBADF: the programs are not loaded; every map fd is filled in. */
	assert_int_equal(mapset_from_skel(m, *skel), -EBADF);
	assert_true(m->svc_map >= 0 && m->conn_v4 >= 0 && m->drop_stats >= 0);
	m->gc_prog = -1;
	m->sync_in_prog = -1;
}

#endif /* XVSD_MAPS_TEST_H */
