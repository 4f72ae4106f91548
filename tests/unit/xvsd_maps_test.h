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

#include <stdlib.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "xvs.skel.h"
#include "xvsd/mapset.h"
#include "xvsd/state.h"

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

/* A fresh xvsd state on those maps (state_adopt), as xvsd has it after
 * start; @m, when given, gets the maps' description too. */
static inline void xvsd_test_state_load(struct xvs **skel, struct xvsd *st,
					struct xvsd_maps *m)
{
	struct xvsd_maps own;

	if (!m)
		m = &own;
	xvsd_test_maps_load(skel, m);
	assert_int_equal(state_adopt(st, m), 0);
}

static inline void xvsd_test_state_free(struct xvs *skel, struct xvsd *st)
{
	state_free(st);
	xvs__destroy(skel);
}

/* The fixture of a test that needs only that state. Without root there are
 * no maps: *state is NULL and the test skips (NEED_ROOT). */
struct xvsd_fixture {
	struct xvs *skel;
	struct xvsd st;
};

static inline int xvsd_fixture_setup(void **state)
{
	struct xvsd_fixture *f = NULL;

	if (!geteuid()) {
		f = calloc(1, sizeof(*f));
		assert_non_null(f);
		xvsd_test_state_load(&f->skel, &f->st, NULL);
	}
	*state = f;
	return 0;
}

static inline int xvsd_fixture_teardown(void **state)
{
	struct xvsd_fixture *f = *state;

	if (f)
		xvsd_test_state_free(f->skel, &f->st);
	free(f);
	return 0;
}

#define NEED_ROOT(f)                                          \
	do {                                                  \
		if (!(f)) {                                   \
			print_message("skip: needs root\n"); \
			skip();                               \
		}                                             \
	} while (0)

#endif /* XVSD_MAPS_TEST_H */
