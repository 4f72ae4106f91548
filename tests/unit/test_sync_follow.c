// SPDX-License-Identifier: GPL-2.0
/*
 * keepalived's lvs_sync_daemon as xvsd runs it (vrrp_syncd.h) on real maps
 * and real sockets (on lo, a port of the test's own; needs root): a backup
 * daemon in every state but MASTER, a master one (and globals.sync_master
 * set) on MASTER, the other kind stopped at each change, nothing redone
 * while the state stays, a missing interface retried, and a daemon of the
 * wanted kind already started by ipvsadm left as it is. A SIGHUP reload
 * (vrrp_reload_syncd()) leaves the daemon alone while the lvs_sync_daemon
 * line is the same, restarts it when the line changes, stops it when the
 * line goes, and follows an instance no VIP names.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <cmocka.h>

#include "xvsd/kaconf/kaconf.h"
#include "xvsd/loop.h"
#include "xvsd/state.h"
#include "xvsd/sync.h"
#include "xvsd/vrrp.h"
#include "xvsd/vrrp_syncd.h"
#include "xvsd_maps_test.h"

struct fixture {
	struct xvs *skel;
	struct xvsd st;
	struct xvsd_maps m;
	struct loop *l;
	struct vrrp_syncd_conf conf;
	struct vrrp *v;		/* test_reload's follower */
};

static int setup(void **state)
{
	struct fixture *f;

	if (geteuid()) {
		*state = NULL;
		return 0;
	}
	f = calloc(1, sizeof(*f));
	xvsd_test_state_load(&f->skel, &f->st, &f->m);
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
	vrrp_free(f->v);
	xvsd_test_state_free(f->skel, &f->st);
	free(f);
	return 0;
}

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

#define VRRP_INST(name, id, vip) \
	"vrrp_instance " name " {\n interface lo\n virtual_router_id " id "\n" \
	" priority 100\n virtual_ipaddress {\n  " vip "\n }\n}\n"

/*
 * keepalived.conf with lvs_sync_daemon line @syncd ("": none) on our port;
 * VI_2's block only when the line names it (a reload that adds it).
 */
static struct ka_conf *conf_with(struct fixture *f, const char *syncd)
{
	char text[1024], line[128] = "", err[256];
	struct ka_conf *c;

	if (syncd[0])
		snprintf(line, sizeof(line), "lvs_sync_daemon %s port %u", syncd,
			 ntohs(f->conf.cfg.mcast_port));
	snprintf(text, sizeof(text),
		 "global_defs {\n  vrrp_notify_fifo /tmp/test_sync_follow.%d.fifo\n  %s\n}\n"
		 VRRP_INST("VI_1", "51", "192.168.1.200") "%s",
		 getpid(), line,
		 strstr(syncd, "VI_2") ? VRRP_INST("VI_2", "52", "192.168.1.201") : "");
	c = kaconf_parse("keepalived.conf", text, err, sizeof(err));
	assert_non_null(c);
	assert_null(c->warnings);
	return c;
}

/* SIGHUP with lvs_sync_daemon @syncd. */
static void reload(struct fixture *f, const char *syncd)
{
	struct ka_conf *c = conf_with(f, syncd);

	vrrp_reload_syncd(f->v, c);
	kaconf_free(c);
}

static void test_reload(void **state)
{
	struct fixture *f = *state;
	struct vrrp_conf vc;
	struct ka_conf *c;
	char err[256];
	__u32 id = 0;

	NEED_ROOT(f);
	memset(&vc, 0, sizeof(vc));
	c = conf_with(f, "lo VI_1 id 9");
	assert_int_equal(vrrp_conf_from_kaconf(&vc, c, err, sizeof(err)), 0);
	kaconf_free(c);
	f->v = vrrp_new(&vc);
	assert_non_null(f->v);
	assert_int_equal(vrrp_serve(f->v, f->l, &f->st), 0);
	assert_int_equal(vrrp_line(f->v, &f->st, "INSTANCE \"VI_1\" MASTER 100"), 1);
	assert_int_equal(running(f, &id), XVS_DAEMON_MASTER);
	assert_int_equal(id, 9);
	/* unchanged: not even restarted (stopped behind its back, it stays so) */
	assert_int_equal(sync_stop(f->st.sync, XVS_DAEMON_MASTER), 0);
	reload(f, "lo VI_1 id 9");
	assert_int_equal(running(f, NULL), 0);
	/* changed: the new one runs at once, in the instance's state */
	reload(f, "lo VI_1 id 10");
	assert_int_equal(running(f, &id), XVS_DAEMON_MASTER);
	assert_int_equal(id, 10);
	assert_int_equal(sync_master_flag(f), 1);
	reload(f, "lo VI_1 id 10");
	assert_int_equal(running(f, &id), XVS_DAEMON_MASTER);
	/* gone: stopped */
	reload(f, "");
	assert_int_equal(running(f, NULL), 0);
	assert_int_equal(sync_master_flag(f), 0);
	/* an instance added by the reload: backup until it says otherwise */
	reload(f, "lo VI_2 id 11");
	assert_int_equal(running(f, &id), XVS_DAEMON_BACKUP);
	assert_int_equal(id, 11);
	assert_int_equal(vrrp_instance_state(f->v, "VI_2"), VRRP_UNKNOWN);
	/* and its MASTER */
	assert_int_equal(vrrp_line(f->v, &f->st, "INSTANCE \"VI_2\" MASTER 100"), 1);
	assert_int_equal(running(f, NULL), XVS_DAEMON_MASTER);
	assert_int_equal(sync_stop(f->st.sync, XVS_DAEMON_MASTER), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_follow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_interface, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_yet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_started_by_ipvsadm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
