// SPDX-License-Identifier: GPL-2.0
/*
 * A synced record's service and server on the backup (src/xvsd/sync_resolve.c),
 * on real maps (needs root): an fwmark service's connection and template
 * by their mark (its servers have no port), a mark not configured here
 * falls back to (protocol, VIP, port) and loses its FWMARK flag, a port-0
 * service's connection and template, a record of an older xvs (no mark, no
 * PORT0 flag) still keyed as our datapath keys it, and records naming no
 * service or server here are refused. Master to backup: the record a
 * connection or template makes (sync_record(): its service's mark) goes
 * through the wire format and comes back to the same service, server and
 * flags.
 *
 * Services: FWM 7 rr -p [10.0.0.2:0, 10.0.0.4:80]
 *           TCP 192.168.1.200:0 rr -p [10.0.0.3:0]
 *           TCP 192.168.1.200:80 rr [10.0.0.2:8080]
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "xvsd/state.h"
#include "xvsd/svc.h"
#include "xvsd/sync_resolve.h"
#include "xvsd_maps_test.h"

#define VIP "192.168.1.200"

struct fixture {
	struct xvs *skel;
	struct xvsd st;
	struct sync_resolve r;
};

static struct xvs_ctl_svc svc_req(int proto, int port, __u32 fwmark)
{
	struct xvs_ctl_svc s;

	memset(&s, 0, sizeof(s));
	s.id.af = AF_INET;
	s.id.proto = proto;
	s.id.fwmark = fwmark;
	if (!fwmark)
		inet_pton(AF_INET, VIP, &s.id.addr[0]);
	s.id.port = htons(port);
	snprintf(s.sched, sizeof(s.sched), "rr");
	s.netmask = 0xffffffff;
	return s;
}

static void add(struct xvsd *st, struct xvs_ctl_svc s, __u32 flags, const char *rip, int port)
{
	struct xvs_ctl_dest d;

	memset(&d, 0, sizeof(d));
	d.af = AF_INET;
	inet_pton(AF_INET, rip, &d.addr[0]);
	d.port = htons(port);
	d.fwd = XVS_FWD_MASQ;
	d.weight = 1;
	s.flags = flags;
	s.timeout = flags ? 60 : 0;
	if (svc_add(st, &s) && svc_edit(st, &s))
		fail();
	assert_int_equal(dest_add(st, &s.id, &d), 0);
}

static int setup(void **state)
{
	struct fixture *f;

	if (geteuid()) {
		*state = NULL;
		return 0;
	}
	f = calloc(1, sizeof(*f));
	xvsd_test_state_load(&f->skel, &f->st, NULL);
	f->r.st = &f->st;
	add(&f->st, svc_req(0, 0, 7), XVS_SVC_F_PERSISTENT, "10.0.0.2", 0);
	add(&f->st, svc_req(0, 0, 7), XVS_SVC_F_PERSISTENT, "10.0.0.4", 80);
	add(&f->st, svc_req(IPPROTO_TCP, 0, 0), XVS_SVC_F_PERSISTENT, "10.0.0.3", 0);
	add(&f->st, svc_req(IPPROTO_TCP, 80, 0), 0, "10.0.0.2", 8080);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (!f)
		return 0;
	xvsd_test_state_free(f->skel, &f->st);
	free(f);
	return 0;
}

static struct sync_conn rec(int proto, int vport, const char *rip, int dport, __u16 flags,
			    __u32 fwmark)
{
	struct sync_conn c = { .proto = proto, .flags = flags, .fwmark = fwmark,
			       .vport = htons(vport), .dport = htons(dport), .timeout = 60,
			       .cport = (flags & XVS_CONN_F_TEMPLATE) ? 0 : htons(40000) };

	inet_pton(AF_INET, "192.168.1.50", &c.caddr);
	inet_pton(AF_INET, VIP, &c.vaddr);
	inet_pton(AF_INET, rip, &c.daddr);
	if (!proto)
		c.vaddr = htonl(fwmark);
	if (flags & XVS_CONN_F_CONTROLLED)
		c.tpl_addr = c.caddr;
	return c;
}

/*
 * @c resolves to the service of (@proto, @port, @fwmark) and its server
 * @rip:@rport, with entry flags @flags.
 */
static void expect(struct fixture *f, struct sync_conn c, int proto, int port, __u32 fwmark,
		   const char *rip, int rport, __u16 flags)
{
	struct xvs_ctl_svc s = svc_req(proto, port, fwmark);
	struct xvs_sync_ent e;
	struct xvs_svc_key key;
	struct xvsd_svc *svc;
	struct xvsd_dest *d;
	__u32 addr;

	assert_int_equal(svc_key_from_id(&s.id, &key), 0);
	svc = state_find_svc(&f->st, &key);
	assert_non_null(svc);
	inet_pton(AF_INET, rip, &addr);
	memset(&e, 0xa5, sizeof(e));
	assert_int_equal(sync_resolve(&f->r, &c, &e), 0);
	assert_int_equal(e.conn.svc_id, svc->id);
	assert_true(e.conn.dest_id && e.conn.dest_id < XVS_MAX_DEST);
	d = f->st.dests[e.conn.dest_id];
	assert_non_null(d);
	assert_int_equal(d->info.addr, addr);
	assert_int_equal(d->info.port, htons(rport));
	assert_int_equal(e.conn.flags, flags);
	assert_int_equal(e.proto, c.proto);
	assert_int_equal(e.conn.vaddr, c.vaddr);
	assert_int_equal(e.conn.vport, c.vport);
	assert_int_equal(e.conn.dport, c.dport);
	assert_int_equal(e.svc_timeout, svc->cfg.timeout ? svc->cfg.timeout : SYNC_TPL_TIMEOUT);
}

static void test_fwmark(void **state)
{
	struct fixture *f = *state;
	const __u16 ctl = XVS_CONN_F_CONTROLLED | XVS_CONN_F_FWMARK;

	NEED_ROOT(f);
	/* a connection to VIP:443 by its mark; its server has no port */
	expect(f, rec(IPPROTO_TCP, 443, "10.0.0.2", 443, ctl, 7), 0, 0, 7, "10.0.0.2", 0, ctl);
	/* VIP:80 has a service of its own: the mark still comes first */
	expect(f, rec(IPPROTO_TCP, 80, "10.0.0.2", 80, ctl, 7), 0, 0, 7, "10.0.0.2", 0, ctl);
	/* its server with a port */
	expect(f, rec(IPPROTO_TCP, 443, "10.0.0.4", 80, ctl, 7), 0, 0, 7, "10.0.0.4", 80, ctl);
	/* templates: protocol 0, no ports; the address names the server */
	expect(f, rec(0, 0, "10.0.0.2", 0, XVS_CONN_F_TEMPLATE, 7), 0, 0, 7, "10.0.0.2", 0,
	       XVS_CONN_F_TEMPLATE);
	expect(f, rec(0, 0, "10.0.0.4", 0, XVS_CONN_F_TEMPLATE, 7), 0, 0, 7, "10.0.0.4", 80,
	       XVS_CONN_F_TEMPLATE);
}

/* A mark without a service here: (protocol, VIP, port), as IPVS; keyed as that service's. */
static void test_mark_not_here(void **state)
{
	struct fixture *f = *state;

	NEED_ROOT(f);
	expect(f, rec(IPPROTO_TCP, 80, "10.0.0.2", 8080,
		      XVS_CONN_F_CONTROLLED | XVS_CONN_F_FWMARK | XVS_CONN_F_SEEN_REPLY, 9),
	       IPPROTO_TCP, 80, 0, "10.0.0.2", 8080,
	       XVS_CONN_F_CONTROLLED | XVS_CONN_F_SEEN_REPLY);
}

static void test_port0(void **state)
{
	struct fixture *f = *state;
	const __u16 ctl = XVS_CONN_F_CONTROLLED | XVS_CONN_F_PORT0;

	NEED_ROOT(f);
	expect(f, rec(IPPROTO_TCP, 2000, "10.0.0.3", 2000, ctl, 0), IPPROTO_TCP, 0, 0,
	       "10.0.0.3", 0, ctl);
	/* an older xvs sends no PORT0: our datapath's key needs it */
	expect(f, rec(IPPROTO_TCP, 2001, "10.0.0.3", 2001, XVS_CONN_F_CONTROLLED, 0),
	       IPPROTO_TCP, 0, 0, "10.0.0.3", 0, ctl);
	/* its template: port 0 */
	expect(f, rec(IPPROTO_TCP, 0, "10.0.0.3", 0, XVS_CONN_F_TEMPLATE, 0), IPPROTO_TCP, 0,
	       0, "10.0.0.3", 0, XVS_CONN_F_TEMPLATE);
	/* a port with its own service is that service's */
	expect(f, rec(IPPROTO_TCP, 80, "10.0.0.2", 8080, XVS_CONN_F_OPS, 0), IPPROTO_TCP, 80,
	       0, "10.0.0.2", 8080, XVS_CONN_F_OPS);
}

static void test_not_here(void **state)
{
	struct fixture *f = *state;
	struct sync_conn bad[] = {
		rec(IPPROTO_UDP, 53, "10.0.0.2", 53, 0, 0),		/* no UDP service */
		rec(IPPROTO_TCP, 80, "10.0.0.9", 8080, 0, 0),		/* no such server */
		rec(IPPROTO_TCP, 80, "10.0.0.2", 80, 0, 0),		/* not that port */
		rec(0, 0, "10.0.0.2", 0, XVS_CONN_F_TEMPLATE, 8),	/* no such mark */
		rec(IPPROTO_TCP, 443, "10.0.0.3", 443, 0, 7),		/* not the mark's server */
	};
	struct xvs_sync_ent e;
	size_t i;

	NEED_ROOT(f);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("record %zu\n", i);
		assert_int_equal(sync_resolve(&f->r, &bad[i], &e), -ENOENT);
	}
}

/* The id of server @rip:@port in service (@proto, @port, @fwmark)'s list. */
static void ids_of(struct fixture *f, int proto, int port, __u32 fwmark, const char *rip,
		   int rport, __u32 *svc_id, __u32 *dest_id)
{
	struct xvs_ctl_svc s = svc_req(proto, port, fwmark);
	struct xvs_svc_dests sd;
	struct xvs_svc_key key;
	struct xvsd_svc *svc;
	__u32 addr, i;

	inet_pton(AF_INET, rip, &addr);
	assert_int_equal(svc_key_from_id(&s.id, &key), 0);
	svc = state_find_svc(&f->st, &key);
	assert_non_null(svc);
	*svc_id = svc->id;
	*dest_id = 0;
	assert_int_equal(state_read_list(&f->st, svc->id, &sd), 0);
	for (i = 0; i < sd.count; i++)
		if (f->st.dests[sd.dest[i]]->info.addr == addr &&
		    f->st.dests[sd.dest[i]]->info.port == htons(rport))
			*dest_id = sd.dest[i];
	assert_int_not_equal(*dest_id, 0);
}

/* @cn (@proto) as the master sends it and the backup takes it: same ids, flags, mark. */
static void round_trip(struct fixture *f, const struct xvs_conn *cn, __u8 proto, __u32 fwmark)
{
	__u8 buf[SYNC_MSG_HDR_LEN + SYNC_MSG_CONN_LEN], syncid;
	struct sync_conn c, got;
	struct xvs_sync_ent e;

	sync_record(&f->st, cn, proto, cn->last_seen, &c);
	assert_int_equal(c.fwmark, fwmark);
	assert_int_equal(c.timeout, cn->timeout);
	sync_msg_encode(buf, 1, &c, 1);
	assert_int_equal(sync_msg_decode(buf, sizeof(buf), &syncid, &got, 1), 1);
	assert_int_equal(sync_resolve(&f->r, &got, &e), 0);
	assert_int_equal(e.proto, proto);
	assert_int_equal(e.conn.svc_id, cn->svc_id);
	assert_int_equal(e.conn.dest_id, cn->dest_id);
	assert_int_equal(e.conn.flags, cn->flags);
	assert_int_equal(e.conn.vaddr, cn->vaddr);
	assert_int_equal(e.conn.vport, cn->vport);
	assert_int_equal(e.conn.dport, cn->dport);
	assert_int_equal(e.conn.tpl_addr, cn->tpl_addr);
}

static void test_master_to_backup(void **state)
{
	struct fixture *f = *state;
	struct xvs_conn cn = { .cport = htons(40000), .state = XVS_TCP_S_ESTABLISHED,
			       .timeout = 900, .last_seen = 5000000000ULL };
	struct xvs_conn tpl = { .state = XVS_TPL_S_ASSURED | XVS_CONN_INACTIVE,
				.flags = XVS_CONN_F_TEMPLATE, .timeout = 60, .n_control = 1,
				.last_seen = 5000000000ULL };

	NEED_ROOT(f);
	inet_pton(AF_INET, "192.168.1.50", &cn.caddr);
	inet_pton(AF_INET, VIP, &cn.vaddr);
	cn.tpl_addr = tpl.caddr = cn.caddr;
	/* fwmark: a connection it controls and its template (protocol 0, no ports) */
	ids_of(f, 0, 0, 7, "10.0.0.2", 0, &cn.svc_id, &cn.dest_id);
	inet_pton(AF_INET, "10.0.0.2", &cn.daddr);
	cn.vport = cn.dport = htons(443);
	cn.flags = XVS_CONN_F_CONTROLLED | XVS_CONN_F_FWMARK | XVS_CONN_F_SEEN_REPLY;
	round_trip(f, &cn, IPPROTO_TCP, 7);
	ids_of(f, 0, 0, 7, "10.0.0.4", 80, &tpl.svc_id, &tpl.dest_id);
	inet_pton(AF_INET, "10.0.0.4", &tpl.daddr);
	tpl.vaddr = htonl(7);
	round_trip(f, &tpl, 0, 7);
	/* port 0: a connection and its template (port 0) */
	ids_of(f, IPPROTO_TCP, 0, 0, "10.0.0.3", 0, &cn.svc_id, &cn.dest_id);
	inet_pton(AF_INET, "10.0.0.3", &cn.daddr);
	cn.vport = cn.dport = htons(2000);
	cn.flags = XVS_CONN_F_CONTROLLED | XVS_CONN_F_PORT0;
	round_trip(f, &cn, IPPROTO_TCP, 0);
	tpl.svc_id = cn.svc_id;
	tpl.dest_id = cn.dest_id;
	tpl.daddr = cn.daddr;
	tpl.vaddr = cn.vaddr;
	round_trip(f, &tpl, IPPROTO_TCP, 0);
	/* its own port's service */
	ids_of(f, IPPROTO_TCP, 80, 0, "10.0.0.2", 8080, &cn.svc_id, &cn.dest_id);
	inet_pton(AF_INET, "10.0.0.2", &cn.daddr);
	cn.vport = htons(80);
	cn.dport = htons(8080);
	cn.flags = XVS_CONN_F_SEEN_REPLY;
	cn.tpl_addr = 0;
	round_trip(f, &cn, IPPROTO_TCP, 0);
}

/* Entries whose fwmark service is gone on the master still make valid records. */
static void test_service_gone(void **state)
{
	struct fixture *f = *state;
	struct xvs_conn cn;
	__u8 buf[SYNC_MSG_HDR_LEN + 2 * SYNC_MSG_CONN_LEN], syncid;
	struct sync_conn c[2], got[2];

	NEED_ROOT(f);
	memset(&cn, 0, sizeof(cn));
	/* a template: its key's mark */
	cn.flags = XVS_CONN_F_TEMPLATE;
	cn.vaddr = htonl(7);
	cn.svc_id = XVS_MAX_SVC - 1;
	cn.timeout = 60;
	sync_record(&f->st, &cn, 0, 0, &c[0]);
	assert_int_equal(c[0].fwmark, 7);
	/* a connection it controlled: no mark to name, so no FWMARK */
	cn.flags = XVS_CONN_F_CONTROLLED | XVS_CONN_F_FWMARK;
	cn.cport = cn.vport = cn.dport = htons(443);
	inet_pton(AF_INET, VIP, &cn.vaddr);
	sync_record(&f->st, &cn, IPPROTO_TCP, 0, &c[1]);
	assert_int_equal(c[1].fwmark, 0);
	assert_int_equal(c[1].flags, XVS_CONN_F_CONTROLLED);
	sync_msg_encode(buf, 1, c, 2);
	assert_int_equal(sync_msg_decode(buf, sizeof(buf), &syncid, got, 2), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fwmark, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mark_not_here, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port0, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_here, setup, teardown),
		cmocka_unit_test_setup_teardown(test_master_to_backup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_service_gone, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
