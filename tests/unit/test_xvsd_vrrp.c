// SPDX-License-Identifier: GPL-2.0
/*
 * Following keepalived's VRRP (src/xvsd/vrrp*.c): the FIFO line parser and
 * the instance settings as tables; then, as root, the follower on real
 * (unpinned) maps of the datapath object with a real FIFO written the way
 * keepalived writes it (opened O_RDWR): a VIP is served only while its
 * instance is MASTER, a VIP no instance holds is always served, new and
 * edited services get the flag, keepalived closing the FIFO makes every
 * VIP standby, a recreated FIFO is reopened, and a restarted xvsd takes
 * the state from the pinned flags.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xvs.skel.h"
#include "xvsd_maps_test.h"
#include "xvsd/config.h"
#include "xvsd/kaconf/kaconf.h"
#include "xvsd/loop.h"
#include "xvsd/svc.h"
#include "xvsd/vrrp.h"

static const struct {
	const char *line;
	int ret;
	const char *name;
	enum vrrp_state state;
} parse_rows[] = {
	{ "INSTANCE \"VI_1\" MASTER 100", 1, "VI_1", VRRP_MASTER },
	{ "INSTANCE \"VI_1\" BACKUP 100", 1, "VI_1", VRRP_BACKUP },
	{ "INSTANCE \"VI_GW\" FAULT 0", 1, "VI_GW", VRRP_FAULT },
	{ "INSTANCE \"VI_1\" STOP 100", 1, "VI_1", VRRP_STOP },
	{ "INSTANCE \"VI_1\" DELETED 100", 1, "VI_1", VRRP_STOP },
	{ "INSTANCE \"name with space\" MASTER 1", 1, "name with space", VRRP_MASTER },
	{ "INSTANCE \"VI_1\" MASTER_RX_LOWER_PRI 100", 0, NULL, 0 },
	{ "GROUP \"VG_1\" MASTER", 0, NULL, 0 },
	{ "VS [192.168.1.200]:tcp:80 UP", 0, NULL, 0 },
	{ "RS [10.0.0.2]:tcp:80 [192.168.1.200]:tcp:80 DOWN", 0, NULL, 0 },
	{ "INSTANCE VI_1 MASTER 100", -EINVAL, NULL, 0 },
	{ "INSTANCE \"\" MASTER 100", -EINVAL, NULL, 0 },
	{ "INSTANCE \"VI_1\"", -EINVAL, NULL, 0 },
	{ "hello", -EINVAL, NULL, 0 },
	{ "", -EINVAL, NULL, 0 },
};

static void test_parse_line(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(parse_rows) / sizeof(parse_rows[0]); i++) {
		char name[VRRP_NAME_LEN] = "";
		enum vrrp_state s = VRRP_UNKNOWN;
		int ret = vrrp_parse_line(parse_rows[i].line, name, sizeof(name), &s);

		print_message("%s\n", parse_rows[i].line);
		assert_int_equal(ret, parse_rows[i].ret);
		if (ret != 1)
			continue;
		assert_string_equal(name, parse_rows[i].name);
		assert_int_equal(s, parse_rows[i].state);
	}
}

static const struct {
	const char *spec;
	int ret;
	int naddrs;		/* of the instance afterwards */
} inst_rows[] = {
	{ "VI_1 192.168.1.200", 0, 1 },
	{ "VI_1=192.168.1.201,192.168.1.200/24", 0, 2 },	/* adds, no duplicate */
	{ "VI_1 10.0.0.300", -EINVAL, 2 },
	{ "VI_1 192.168.1.202 nonsense", -EINVAL, 2 },		/* nothing of it taken */
	{ "VI_1 192.168.1.202/33", -EINVAL, 2 },
	{ "VI_1", -EINVAL, 2 },
	{ "=192.168.1.1", -EINVAL, 2 },
	{ "VI_1\t192.168.1.203 192.168.1.204", 0, 4 },
};

static void test_conf_instances(void **state)
{
	struct vrrp_conf c;
	char err[256];
	size_t i;

	(void)state;
	memset(&c, 0, sizeof(c));
	for (i = 0; i < sizeof(inst_rows) / sizeof(inst_rows[0]); i++) {
		int ret = vrrp_conf_add_instance(&c, inst_rows[i].spec, err, sizeof(err));

		print_message("%s -> %d %s\n", inst_rows[i].spec, ret, ret ? err : "");
		assert_int_equal(ret, inst_rows[i].ret);
		assert_int_equal(c.ninst, 1);
		assert_string_equal(c.inst[0].name, "VI_1");
		assert_int_equal(c.inst[0].naddrs, inst_rows[i].naddrs);
	}
	assert_int_equal(vrrp_conf_set_fifo(&c, "relative", err, sizeof(err)), -EINVAL);
	assert_string_equal(c.fifo, "");
	assert_int_equal(vrrp_conf_set_fifo(&c, "/run/x.fifo", err, sizeof(err)), 0);
	assert_string_equal(c.fifo, "/run/x.fifo");
}

/* xvsd.conf: the FIFO once, instances on as many lines as needed. */
static void test_conf_file(void **state)
{
	struct xvsd_conf c;
	char err[512];

	(void)state;
	conf_defaults(&c);
	assert_int_equal(conf_parse_text(&c, "t.conf",
					 "vrrp_notify_fifo = /run/keepalived/xvs.fifo\n"
					 "vrrp_instance = VI_1 192.168.1.200\n"
					 "vrrp_instance = VI_GW 10.0.0.1\n",
					 err, sizeof(err)), 0);
	assert_string_equal(c.vrrp.fifo, "/run/keepalived/xvs.fifo");
	assert_int_equal(c.vrrp.ninst, 2);
	assert_string_equal(c.vrrp.inst[1].name, "VI_GW");
	conf_defaults(&c);
	assert_int_equal(conf_parse_text(&c, "t.conf",
					 "vrrp_notify_fifo = /a\nvrrp_notify_fifo = /b\n",
					 err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.conf:2: 'vrrp_notify_fifo' given twice");
	assert_int_equal(conf_parse_text(&c, "t.conf", "vrrp_instance = VI_1 x\n", err,
					 sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.conf:1: vrrp_instance VI_1: invalid IPv4 address 'x'");
	assert_int_equal(c.vrrp.ninst, 0);
	assert_string_equal(c.vrrp.fifo, "");
}

/* From keepalived.conf: the FIFO and the IPv4 VIPs of every instance. */
static void test_conf_kaconf(void **state)
{
	static const char text[] =
		"global_defs {\n"
		"   router_id LVS_MASTER\n"
		"   notify_fifo /run/ka-all.fifo\n"
		"   vrrp_notify_fifo /run/ka-vrrp.fifo\n"
		"}\n"
		"vrrp_sync_group VG_1 {\n"
		"    group {\n"
		"        VI_1\n"
		"        VI_GW\n"
		"    }\n"
		"}\n"
		"vrrp_instance VI_1 {\n"
		"    state MASTER\n"
		"    interface eth0\n"
		"    virtual_router_id 51\n"
		"    priority 100\n"
		"    virtual_ipaddress {\n"
		"        192.168.1.200\n"
		"        192.168.1.201/32 dev eth0 label eth0:1\n"
		"        fd00::200\n"
		"    }\n"
		"}\n"
		"vrrp_instance VI_GW {\n"
		"    state MASTER\n"
		"    interface eth1\n"
		"    virtual_router_id 52\n"
		"    priority 100\n"
		"    virtual_ipaddress {\n"
		"        10.0.0.1/24\n"
		"    }\n"
		"}\n";
	struct ka_conf *k;
	struct vrrp_conf v;
	char err[256];
	__u32 a;

	(void)state;
	k = kaconf_parse("keepalived.conf", text, err, sizeof(err));
	assert_non_null(k);
	memset(&v, 0, sizeof(v));
	assert_int_equal(vrrp_conf_from_kaconf(&v, k, err, sizeof(err)), 0);
	assert_string_equal(v.fifo, "/run/ka-vrrp.fifo");
	assert_int_equal(v.ninst, 2);
	assert_string_equal(v.inst[0].name, "VI_1");
	assert_int_equal(v.inst[0].naddrs, 2);
	inet_pton(AF_INET, "192.168.1.201", &a);
	assert_int_equal(v.inst[0].addrs[1], a);
	assert_string_equal(v.inst[1].name, "VI_GW");
	inet_pton(AF_INET, "10.0.0.1", &a);
	assert_int_equal(v.inst[1].addrs[0], a);
	/* A FIFO named in xvsd.conf or on the command line wins. */
	memset(&v, 0, sizeof(v));
	strcpy(v.fifo, "/run/mine.fifo");
	assert_int_equal(vrrp_conf_from_kaconf(&v, k, err, sizeof(err)), 0);
	assert_string_equal(v.fifo, "/run/mine.fifo");
	kaconf_free(k);
}

/* ---- the follower on real maps ---------------------------------------- */

struct fixture {
	struct xvs *skel;
	struct xvsd st;
	struct xvsd_maps m;
	struct loop *l;
	char dir[64];
	char fifo[96];
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
	strcpy(f->dir, "/tmp/test_vrrp.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->fifo, sizeof(f->fifo), "%s/vrrp.fifo", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (!f)
		return 0;
	loop_free(f->l);
	vrrp_free(f->st.vrrp);
	xvsd_test_state_free(f->skel, &f->st);
	unlink(f->fifo);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void add_svc(struct fixture *f, const char *vip, int port)
{
	struct xvs_ctl_svc s;

	memset(&s, 0, sizeof(s));
	s.id.af = AF_INET;
	s.id.proto = IPPROTO_TCP;
	inet_pton(AF_INET, vip, &s.id.addr[0]);
	s.id.port = htons(port);
	strcpy(s.sched, "rr");
	s.netmask = 0xffffffff;
	assert_int_equal(svc_add(&f->st, &s), 0);
}

/* STANDBY of the service as the datapath sees it (svc_map). */
static bool standby(struct fixture *f, const char *vip, int port)
{
	struct xvs_svc_key k = { .port = htons(port), .proto = IPPROTO_TCP };
	struct xvs_svc v;

	inet_pton(AF_INET, vip, &k.addr);
	assert_int_equal(bpf_map_lookup_elem(f->m.svc_map, &k, &v), 0);
	return v.flags & XVS_SVC_F_STANDBY;
}

static void stop_loop(struct loop *l, int fd, uint32_t events, void *data)
{
	(void)fd, (void)events, (void)data;
	loop_stop(l);
}

/* Run the loop for about ms milliseconds. */
static void spin(struct fixture *f, int ms)
{
	int i;

	for (i = 0; i < ms / 100; i++)
		assert_int_equal(loop_run(f->l), 0);
}

static void say(int fd, const char *line)
{
	assert_int_equal(write(fd, line, strlen(line)), (ssize_t)strlen(line));
}

/* keepalived's side: create the FIFO if missing, open it O_RDWR. */
static int keepalived_open(struct fixture *f)
{
	int fd;

	if (mkfifo(f->fifo, 0600))
		assert_int_equal(errno, EEXIST);
	fd = open(f->fifo, O_RDWR | O_NONBLOCK);
	assert_true(fd >= 0);
	return fd;
}

static struct vrrp *follower(struct fixture *f)
{
	struct vrrp_conf c;
	char err[256];

	memset(&c, 0, sizeof(c));
	assert_int_equal(vrrp_conf_set_fifo(&c, f->fifo, err, sizeof(err)), 0);
	assert_int_equal(vrrp_conf_add_instance(&c, "VI_1 192.168.1.200", err, sizeof(err)), 0);
	assert_int_equal(vrrp_conf_add_instance(&c, "VI_GW 10.0.0.1", err, sizeof(err)), 0);
	return vrrp_new(&c);
}

static void test_follow(void **state)
{
	struct fixture *f = *state;
	struct xvs_ctl_svc e;
	int ka;

	NEED_ROOT(f);
	assert_int_equal(loop_add_timer(f->l, 100, stop_loop, NULL), 0);
	/* Without a follower everything is served, as by IPVS. */
	add_svc(f, "192.168.1.200", 80);
	assert_false(standby(f, "192.168.1.200", 80));
	assert_int_equal(svc_flush(&f->st), 0);

	/* Started before keepalived made the FIFO: VI_1 unknown, standby. */
	f->st.vrrp = follower(f);
	assert_non_null(f->st.vrrp);
	assert_int_equal(vrrp_serve(f->st.vrrp, f->l, &f->st), 0);
	assert_int_equal(vrrp_instance_state(f->st.vrrp, "VI_1"), VRRP_UNKNOWN);
	add_svc(f, "192.168.1.200", 80);
	add_svc(f, "192.168.1.201", 80);
	assert_true(standby(f, "192.168.1.200", 80));
	assert_false(standby(f, "192.168.1.201", 80));	/* no instance holds it */

	/* keepalived starts: BACKUP, then MASTER; the FIFO is found within a tick. */
	ka = keepalived_open(f);
	say(ka, "INSTANCE \"VI_1\" BACKUP 100\n");
	spin(f, 1300);
	assert_int_equal(vrrp_instance_state(f->st.vrrp, "VI_1"), VRRP_BACKUP);
	assert_true(standby(f, "192.168.1.200", 80));
	/* A line in two writes, a group line and another instance in one read. */
	say(ka, "GROUP \"VG_1\" MASTER\nINSTANCE \"VI_GW\" MASTER 100\nINSTANCE \"VI_1\" MAS");
	spin(f, 200);
	assert_true(standby(f, "192.168.1.200", 80));
	say(ka, "TER 100\n");
	spin(f, 200);
	assert_int_equal(vrrp_instance_state(f->st.vrrp, "VI_GW"), VRRP_MASTER);
	assert_false(standby(f, "192.168.1.200", 80));

	/* New and edited services follow their VIP; the flag is not listed. */
	add_svc(f, "192.168.1.200", 443);
	assert_false(standby(f, "192.168.1.200", 443));
	say(ka, "INSTANCE \"VI_1\" FAULT 0\n");
	spin(f, 200);
	assert_true(standby(f, "192.168.1.200", 80));
	assert_true(standby(f, "192.168.1.200", 443));
	add_svc(f, "192.168.1.200", 8080);
	assert_true(standby(f, "192.168.1.200", 8080));
	memset(&e, 0, sizeof(e));
	e.id.af = AF_INET;
	e.id.proto = IPPROTO_TCP;
	inet_pton(AF_INET, "192.168.1.200", &e.id.addr[0]);
	e.id.port = htons(80);
	strcpy(e.sched, "wlc");
	assert_int_equal(svc_edit(&f->st, &e), 0);
	assert_true(standby(f, "192.168.1.200", 80));
	say(ka, "INSTANCE \"VI_1\" MASTER 100\n");
	spin(f, 200);
	assert_false(standby(f, "192.168.1.200", 8080));

	/* keepalived dies: EOF with a hangup, every instance STOP. */
	close(ka);
	spin(f, 200);
	assert_int_equal(vrrp_instance_state(f->st.vrrp, "VI_1"), VRRP_STOP);
	assert_true(standby(f, "192.168.1.200", 80));
	assert_false(standby(f, "192.168.1.201", 80));
	/* The FIFO is still there with no writer: reopened, no false hangup. */
	spin(f, 1300);
	assert_int_equal(vrrp_instance_state(f->st.vrrp, "VI_1"), VRRP_STOP);

	/* A new keepalived recreates it: the old inode is dropped, the new read. */
	assert_int_equal(unlink(f->fifo), 0);
	ka = keepalived_open(f);
	say(ka, "INSTANCE \"VI_1\" MASTER 100\n");
	spin(f, 1300);
	assert_false(standby(f, "192.168.1.200", 80));

	/* xvsd restarts: keepalived says nothing new, the flags tell the state. */
	loop_free(f->l);
	vrrp_free(f->st.vrrp);
	f->l = loop_new();
	assert_non_null(f->l);
	assert_int_equal(loop_add_timer(f->l, 100, stop_loop, NULL), 0);
	f->st.vrrp = follower(f);
	assert_int_equal(vrrp_serve(f->st.vrrp, f->l, &f->st), 0);
	assert_int_equal(vrrp_instance_state(f->st.vrrp, "VI_1"), VRRP_MASTER);
	assert_false(standby(f, "192.168.1.200", 80));
	say(ka, "INSTANCE \"VI_1\" STOP 100\n");
	spin(f, 200);
	assert_true(standby(f, "192.168.1.200", 80));
	close(ka);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_line),
		cmocka_unit_test(test_conf_instances),
		cmocka_unit_test(test_conf_file),
		cmocka_unit_test(test_conf_kaconf),
		cmocka_unit_test_setup_teardown(test_follow, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
