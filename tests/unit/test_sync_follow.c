// SPDX-License-Identifier: GPL-2.0
/*
 * keepalived's lvs_sync_daemon as xvsd runs it (vrrp_syncd.h) on real maps
 * and real sockets (on lo, a port of the test's own; needs root): a backup
 * daemon in every state but MASTER, a master one (and globals.sync_master
 * set) on MASTER, the other kind stopped at each change, nothing redone
 * while the state stays, a missing interface retried, and a daemon of the
 * wanted kind already started by ipvsadm left as it is.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <cmocka.h>

#include "xvsd/loop.h"
#include "xvsd/state.h"
#include "xvsd/sync.h"
#include "xvsd/vrrp_syncd.h"
#include "xvsd_maps_test.h"

struct fixture {
	struct xvs *skel;
	struct xvsd st;
	struct xvsd_maps m;
	struct loop *l;
	struct vrrp_syncd_conf conf;
};

static int setup(void **state)
{
	struct fixture *f;

	if (geteuid()) {
		*state = NULL;
		return 0;
	}
	f = calloc(1, sizeof(*f));
	xvsd_test_maps_load(&f->skel, &f->m);
	assert_int_equal(state_adopt(&f->st, &f->m), 0);
	f->l = loop_new();
	assert_non_null(f->l);
	f->st.sync = sync_new(f->l, &f->st);
	assert_non_null(f->st.sync);
	strcpy(f->conf.inst, "VI_1");
	strcpy(f->conf.cfg.mcast_ifn, "lo");
	f->conf.cfg.syncid = 9;
	/* a port of our own: other tests may run sync daemons on this host */
	f->conf.cfg.mcast_port = htons(40000 + getpid() % 20000);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (!f)
		return 0;
	sync_free(f->st.sync);
	loop_free(f->l);
	state_free(&f->st);
	xvs__destroy(f->skel);
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

/* The one running daemon's state (XVS_DAEMON_*), 0 for none; fails on two. */
static __u32 running(struct fixture *f, __u32 *syncid)
{
	struct xvs_ctl_daemon d[2];
	size_t n = sync_list(f->st.sync, d);

	assert_true(n <= 1);
	if (!n)
		return 0;
	if (syncid)
		*syncid = d[0].syncid;
	return d[0].state;
}

static __u32 sync_master_flag(struct fixture *f)
{
	struct xvs_globals g;
	__u32 zero = 0;

	assert_int_equal(bpf_map_lookup_elem(f->m.globals, &zero, &g), 0);
	return g.sync_master;
}

static void test_follow(void **state)
{
	struct fixture *f = *state;
	struct vrrp_syncd d = { 0 };
	__u32 id = 0;

	NEED_ROOT(f);
	/* not heard of yet: backup */
	vrrp_syncd_follow(&d, &f->conf, f->st.sync, VRRP_UNKNOWN);
	assert_int_equal(running(f, &id), XVS_DAEMON_BACKUP);
	assert_int_equal(id, 9);
	assert_int_equal(sync_master_flag(f), 0);
	/* MASTER: the backup stops, a master starts and the datapath records */
	vrrp_syncd_follow(&d, &f->conf, f->st.sync, VRRP_MASTER);
	assert_int_equal(running(f, NULL), XVS_DAEMON_MASTER);
	assert_int_equal(sync_master_flag(f), 1);
	vrrp_syncd_follow(&d, &f->conf, f->st.sync, VRRP_MASTER);
	assert_int_equal(running(f, NULL), XVS_DAEMON_MASTER);
	/* FAULT, BACKUP, STOP: backup */
	vrrp_syncd_follow(&d, &f->conf, f->st.sync, VRRP_FAULT);
	assert_int_equal(running(f, NULL), XVS_DAEMON_BACKUP);
	assert_int_equal(sync_master_flag(f), 0);
	vrrp_syncd_follow(&d, &f->conf, f->st.sync, VRRP_STOP);
	assert_int_equal(running(f, NULL), XVS_DAEMON_BACKUP);
	assert_int_equal(sync_stop(f->st.sync, XVS_DAEMON_BACKUP), 0);
}

static void test_missing_interface(void **state)
{
	struct fixture *f = *state;
	struct vrrp_syncd d = { 0 };

	NEED_ROOT(f);
	strcpy(f->conf.cfg.mcast_ifn, "nosuchif0");
	vrrp_syncd_follow(&d, &f->conf, f->st.sync, VRRP_BACKUP);
	assert_int_equal(running(f, NULL), 0);
	assert_false(d.up);
	assert_int_equal(d.err, -ENODEV);
	/* retried on the next call; there at last: it starts */
	vrrp_syncd_follow(&d, &f->conf, f->st.sync, VRRP_BACKUP);
	assert_int_equal(running(f, NULL), 0);
	strcpy(f->conf.cfg.mcast_ifn, "lo");
	vrrp_syncd_follow(&d, &f->conf, f->st.sync, VRRP_BACKUP);
	assert_int_equal(running(f, NULL), XVS_DAEMON_BACKUP);
	assert_true(d.up);
	assert_int_equal(sync_stop(f->st.sync, XVS_DAEMON_BACKUP), 0);
}

/* No sync holder yet (xvsd starting): nothing, and done on a later call. */
static void test_not_yet(void **state)
{
	struct fixture *f = *state;
	struct vrrp_syncd d = { 0 };

	NEED_ROOT(f);
	vrrp_syncd_follow(&d, &f->conf, NULL, VRRP_MASTER);
	assert_int_equal(d.want, 0);
	assert_int_equal(running(f, NULL), 0);
	vrrp_syncd_follow(&d, &f->conf, f->st.sync, VRRP_MASTER);
	assert_int_equal(running(f, NULL), XVS_DAEMON_MASTER);
	assert_int_equal(sync_stop(f->st.sync, XVS_DAEMON_MASTER), 0);
}

/* ipvsadm --start-daemon backup --syncid 3 first: kept, not restarted. */
static void test_started_by_ipvsadm(void **state)
{
	struct fixture *f = *state;
	struct xvs_ctl_daemon mine = f->conf.cfg;
	struct vrrp_syncd d = { 0 };
	__u32 id = 0;

	NEED_ROOT(f);
	mine.state = XVS_DAEMON_BACKUP;
	mine.syncid = 3;
	assert_int_equal(sync_start(f->st.sync, &mine), 0);
	vrrp_syncd_follow(&d, &f->conf, f->st.sync, VRRP_BACKUP);
	assert_true(d.up);
	assert_int_equal(running(f, &id), XVS_DAEMON_BACKUP);
	assert_int_equal(id, 3);
	/* MASTER stops it (whoever started it, as keepalived does) */
	vrrp_syncd_follow(&d, &f->conf, f->st.sync, VRRP_MASTER);
	assert_int_equal(running(f, &id), XVS_DAEMON_MASTER);
	assert_int_equal(id, 9);
	assert_int_equal(sync_stop(f->st.sync, XVS_DAEMON_MASTER), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_follow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_interface, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_yet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_started_by_ipvsadm, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
