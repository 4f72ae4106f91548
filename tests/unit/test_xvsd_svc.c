// SPDX-License-Identifier: GPL-2.0
/*
 * Configuration changes on real (unpinned) maps of the datapath object,
 * loaded without its programs: every refused request answers IPVS's errno
 * and changes nothing; accepted ones land in the maps in IPVS's order;
 * removed servers go to the trash and come back with their counters; a
 * restart (state rebuilt from the maps) sees the same configuration; the
 * control server survives garbage. Needs root (BPF maps).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xvs.skel.h"
#include "xvsd_maps_test.h"
#include "ctl_io.h"
#include "xvsd/addrset.h"
#include "xvsd/ctl.h"
#include "xvsd/gc.h"
#include "xvsd/list.h"
#include "xvsd/sched_build.h"
#include "xvsd/svc.h"

static struct xvs_ctl_svc svc_req(int proto, const char *vip, int port, const char *sched)
{
	struct xvs_ctl_svc s;

	memset(&s, 0, sizeof(s));
	s.id.af = AF_INET;
	s.id.proto = proto;
	inet_pton(AF_INET, vip, &s.id.addr[0]);
	s.id.port = htons(port);
	snprintf(s.sched, sizeof(s.sched), "%s", sched);
	s.netmask = 0xffffffff;
	return s;
}

static struct xvs_ctl_dest dest_req(const char *rip, int port, int weight)
{
	struct xvs_ctl_dest d;

	memset(&d, 0, sizeof(d));
	d.af = AF_INET;
	inet_pton(AF_INET, rip, &d.addr[0]);
	d.port = htons(port);
	d.fwd = XVS_FWD_MASQ;
	d.weight = weight;
	return d;
}

/* Everything a client can observe: the listing and the timeouts. */
struct snap {
	void *list;
	size_t len;
	struct xvs_ctl_timeout t;
};

static void snap_take(struct xvsd *st, struct snap *s)
{
	assert_int_equal(list_services(st, NULL, &s->list, &s->len), 0);
	svc_get_timeout(st, &s->t);
}

static void snap_same(struct xvsd *st, struct snap *before)
{
	struct snap now;

	snap_take(st, &now);
	assert_int_equal(now.len, before->len);
	assert_memory_equal(now.list, before->list, now.len);
	assert_memory_equal(&now.t, &before->t, sizeof(now.t));
	free(now.list);
}

/* The seed's service with its two servers. */
static void seed_config(struct xvsd *st)
{
	struct xvs_ctl_svc s = svc_req(IPPROTO_TCP, "192.168.1.200", 80, "rr");
	struct xvs_ctl_dest d1 = dest_req("10.0.0.2", 80, 1), d2 = dest_req("10.0.0.3", 80, 1);

	assert_int_equal(svc_add(st, &s), 0);
	assert_int_equal(dest_add(st, &s.id, &d1), 0);
	assert_int_equal(dest_add(st, &s.id, &d2), 0);
}

enum op { ADD_SVC, EDIT_SVC, DEL_SVC, ADD_DEST, EDIT_DEST, DEL_DEST, SET_TMO };

struct bad_row {
	const char *name;
	enum op op;
	int err;
	void (*mangle)(struct xvs_ctl_svc *s, struct xvs_ctl_dest *d, struct xvs_ctl_timeout *t);
};

static void m_v6(struct xvs_ctl_svc *s, struct xvs_ctl_dest *d, struct xvs_ctl_timeout *t)
{
	(void)d, (void)t;
	s->id.af = AF_INET6;
}
static void m_sctp(struct xvs_ctl_svc *s, struct xvs_ctl_dest *d, struct xvs_ctl_timeout *t)
{
	(void)d, (void)t;
	s->id.proto = IPPROTO_SCTP;
}
static void m_fwmark6(struct xvs_ctl_svc *s, struct xvs_ctl_dest *d, struct xvs_ctl_timeout *t)
{
	(void)d, (void)t;
	s->id.proto = 0;
	s->id.fwmark = 1;
	s->id.af = AF_INET6;
}
static void m_icmp(struct xvs_ctl_svc *s, struct xvs_ctl_dest *d, struct xvs_ctl_timeout *t)
{
	(void)d, (void)t;
	s->id.proto = IPPROTO_ICMP;
}
static void m_twos(struct xvs_ctl_svc *s, struct xvs_ctl_dest *d, struct xvs_ctl_timeout *t)
{
	(void)d, (void)t;
	strcpy(s->sched, "twos");
}
static void m_nosched(struct xvs_ctl_svc *s, struct xvs_ctl_dest *d, struct xvs_ctl_timeout *t)
{
	(void)d, (void)t;
	s->sched[0] = '\0';
}
static void m_unterminated(struct xvs_ctl_svc *s, struct xvs_ctl_dest *d,
			   struct xvs_ctl_timeout *t)
{
	(void)d, (void)t;
	memset(s->sched, 'r', sizeof(s->sched));
}
static void m_pe(struct xvs_ctl_svc *s, struct xvs_ctl_dest *d, struct xvs_ctl_timeout *t)
{
	(void)d, (void)t;
	strcpy(s->pe, "sip");
}
static void m_flag(struct xvs_ctl_svc *s, struct xvs_ctl_dest *d, struct xvs_ctl_timeout *t)
{
	(void)d, (void)t;
	s->flags = 0x100;
}
static void m_other_svc(struct xvs_ctl_svc *s, struct xvs_ctl_dest *d, struct xvs_ctl_timeout *t)
{
	(void)d, (void)t;
	s->id.port = htons(81);
}
static void m_weight(struct xvs_ctl_svc *s, struct xvs_ctl_dest *d, struct xvs_ctl_timeout *t)
{
	(void)s, (void)t;
	d->weight = -1;
}
static void m_thresh(struct xvs_ctl_svc *s, struct xvs_ctl_dest *d, struct xvs_ctl_timeout *t)
{
	(void)s, (void)t;
	d->l_threshold = 10;
}
static void m_route(struct xvs_ctl_svc *s, struct xvs_ctl_dest *d, struct xvs_ctl_timeout *t)
{
	(void)s, (void)t;
	d->fwd = XVS_FWD_ROUTE;
}
static void m_tunnel(struct xvs_ctl_svc *s, struct xvs_ctl_dest *d, struct xvs_ctl_timeout *t)
{
	(void)s, (void)t;
	d->fwd = XVS_FWD_TUNNEL;
}
static void m_dest_v6(struct xvs_ctl_svc *s, struct xvs_ctl_dest *d, struct xvs_ctl_timeout *t)
{
	(void)s, (void)t;
	d->af = AF_INET6;
}
static void m_zero_addr(struct xvs_ctl_svc *s, struct xvs_ctl_dest *d, struct xvs_ctl_timeout *t)
{
	(void)s, (void)t;
	d->addr[0] = 0;
}
static void m_loopback(struct xvs_ctl_svc *s, struct xvs_ctl_dest *d, struct xvs_ctl_timeout *t)
{
	(void)s, (void)t;
	d->addr[0] = htonl(0x7f000001);
}
static void m_mcast(struct xvs_ctl_svc *s, struct xvs_ctl_dest *d, struct xvs_ctl_timeout *t)
{
	(void)s, (void)t;
	d->addr[0] = htonl(0xe0000001);
}
static void m_new_dest(struct xvs_ctl_svc *s, struct xvs_ctl_dest *d, struct xvs_ctl_timeout *t)
{
	(void)s, (void)t;
	d->addr[0] = htonl(0x0a000009);
}
static void m_tmo(struct xvs_ctl_svc *s, struct xvs_ctl_dest *d, struct xvs_ctl_timeout *t)
{
	(void)s, (void)d;
	t->udp = SVC_TIMEOUT_MAX + 1;
}
static void m_none(struct xvs_ctl_svc *s, struct xvs_ctl_dest *d, struct xvs_ctl_timeout *t)
{
	(void)s, (void)d, (void)t;
}

/* Each starts from the seed configuration; the request is the seed's
 * service and its server 10.0.0.2:80, then mangled. */
static const struct bad_row bad_rows[] = {
	{ "IPv6 service", ADD_SVC, -EAFNOSUPPORT, m_v6 },
	{ "SCTP service", ADD_SVC, -EOPNOTSUPP, m_sctp },
	{ "IPv6 fwmark service", ADD_SVC, -EAFNOSUPPORT, m_fwmark6 },
	{ "ICMP service", ADD_SVC, -EINVAL, m_icmp },
	{ "existing service", ADD_SVC, -EEXIST, m_none },
	{ "exists wins over bad scheduler", ADD_SVC, -EEXIST, m_twos },
	{ "scheduler xvs does not have", EDIT_SVC, -ENOENT, m_twos },
	{ "empty scheduler", EDIT_SVC, -ENOENT, m_nosched },
	{ "unterminated scheduler", EDIT_SVC, -EINVAL, m_unterminated },
	{ "persistence engine", EDIT_SVC, -ENOENT, m_pe },
	{ "unknown service flag", EDIT_SVC, -EINVAL, m_flag },
	{ "edit missing service", EDIT_SVC, -ESRCH, m_other_svc },
	{ "delete missing service", DEL_SVC, -ESRCH, m_other_svc },
	{ "server of missing service", ADD_DEST, -ESRCH, m_other_svc },
	{ "existing server", ADD_DEST, -EEXIST, m_none },
	{ "negative weight", EDIT_DEST, -ERANGE, m_weight },
	{ "l_threshold > u_threshold", EDIT_DEST, -ERANGE, m_thresh },
	{ "direct routing", EDIT_DEST, -EOPNOTSUPP, m_route },
	{ "tunnelling", ADD_DEST, -EOPNOTSUPP, m_tunnel },
	{ "IPv6 server", ADD_DEST, -EAFNOSUPPORT, m_dest_v6 },
	{ "server 0.0.0.0", ADD_DEST, -EINVAL, (void *)0 },
	{ "loopback server", ADD_DEST, -EINVAL, m_loopback },
	{ "multicast server", ADD_DEST, -EINVAL, m_mcast },
	{ "edit missing server", EDIT_DEST, -ENOENT, m_new_dest },
	{ "delete missing server", DEL_DEST, -ENOENT, m_new_dest },
	{ "timeout too large", SET_TMO, -EINVAL, m_tmo },
};

static void test_refused_change_nothing(void **state)
{
	struct xvsd_fixture *f = *state;
	size_t i;

	NEED_ROOT(f);
	seed_config(&f->st);
	for (i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		const struct bad_row *r = &bad_rows[i];
		struct xvs_ctl_svc s = svc_req(IPPROTO_TCP, "192.168.1.200", 80, "rr");
		struct xvs_ctl_dest d = dest_req("10.0.0.2", 80, 1);
		struct xvs_ctl_timeout t = { 1, 1, 1 };
		struct snap before;
		int got = 0;

		if (r->mangle)
			r->mangle(&s, &d, &t);
		else
			m_zero_addr(&s, &d, &t);
		snap_take(&f->st, &before);
		switch (r->op) {
		case ADD_SVC: got = svc_add(&f->st, &s); break;
		case EDIT_SVC: got = svc_edit(&f->st, &s); break;
		case DEL_SVC: got = svc_del(&f->st, &s.id); break;
		case ADD_DEST: got = dest_add(&f->st, &s.id, &d); break;
		case EDIT_DEST: got = dest_edit(&f->st, &s.id, &d); break;
		case DEL_DEST: got = dest_del(&f->st, &s.id, &d); break;
		case SET_TMO: got = svc_set_timeout(&f->st, &t); break;
		}
		print_message("%s: %d\n", r->name, got);
		assert_int_equal(got, r->err);
		snap_same(&f->st, &before);
		free(before.list);
	}
}

static __u32 svc_id_of(struct xvsd_fixture *f, const char *vip, int port)
{
	struct xvs_svc_key k = { .port = htons(port), .proto = IPPROTO_TCP };
	struct xvs_svc v;

	inet_pton(AF_INET, vip, &k.addr);
	assert_int_equal(bpf_map_lookup_elem(f->st.maps.svc_map, &k, &v), 0);
	return v.id;
}

static void read_list(struct xvsd_fixture *f, __u32 id, struct xvs_svc_dests *sd)
{
	assert_int_equal(state_read_list(&f->st, id, sd), 0);
}

static void read_dest(struct xvsd_fixture *f, __u32 id, struct xvs_dest *d)
{
	assert_int_equal(bpf_map_lookup_elem(f->st.maps.dest_info, &id, d), 0);
}

static void test_walkthrough_maps(void **state)
{
	struct xvsd_fixture *f = *state;
	struct xvs_ctl_svc s = svc_req(IPPROTO_TCP, "192.168.1.200", 80, "rr");
	struct xvs_ctl_dest d = dest_req("10.0.0.2", 80, 2);
	struct xvs_ctl_timeout t = { 30, 5, 60 };
	struct xvs_svc_dests sd;
	struct xvs_globals g;
	struct xvs_dest di;
	__u32 id, zero = 0;

	NEED_ROOT(f);
	seed_config(&f->st);
	id = svc_id_of(f, "192.168.1.200", 80);
	read_list(f, id, &sd);
	assert_int_equal(sd.count, 2);
	/* Newest first: 10.0.0.3 was added last. */
	read_dest(f, sd.dest[0], &di);
	assert_int_equal(di.addr, inet_addr("10.0.0.3"));
	assert_int_equal(di.flags, XVS_DEST_F_AVAILABLE);
	assert_int_equal(di.svc_id, id);
	assert_int_equal(sd.rr_cursor, SCHED_CURSOR_HEAD);

	/* ipvsadm --set 30 5 60 */
	assert_int_equal(svc_set_timeout(&f->st, &t), 0);
	assert_int_equal(bpf_map_lookup_elem(f->st.maps.globals, &zero, &g), 0);
	assert_int_equal(g.timeout[XVS_TCP_S_ESTABLISHED], 30);
	assert_int_equal(g.timeout[XVS_TCP_S_FIN_WAIT], 5);
	assert_int_equal(g.timeout[XVS_S_UDP], 60);
	assert_int_equal(g.timeout[XVS_TCP_S_TIME_WAIT], 120);
	assert_int_equal(g.conn_reuse_mode, 1);
	t = (struct xvs_ctl_timeout){ 0, 0, 0 };
	assert_int_equal(svc_set_timeout(&f->st, &t), 0);
	assert_int_equal(bpf_map_lookup_elem(f->st.maps.globals, &zero, &g), 0);
	assert_int_equal(g.timeout[XVS_TCP_S_ESTABLISHED], 30);

	/* -E -s wrr; -e ... -w 2 */
	strcpy(s.sched, "wrr");
	assert_int_equal(svc_edit(&f->st, &s), 0);
	assert_int_equal(dest_edit(&f->st, &s.id, &d), 0);
	read_list(f, id, &sd);
	assert_int_equal(sd.weight[1], 2);
	assert_int_equal(sd.wrr_di, 1);
	assert_int_equal(sd.wrr_mw, 2);
	/* -E -s rr -p 300 */
	strcpy(s.sched, "rr");
	s.flags = XVS_SVC_F_PERSISTENT;
	s.timeout = 300;
	assert_int_equal(svc_edit(&f->st, &s), 0);
	{
		struct xvs_svc_key k = { .addr = inet_addr("192.168.1.200"), .port = htons(80),
					 .proto = IPPROTO_TCP };
		struct xvs_svc v;

		assert_int_equal(bpf_map_lookup_elem(f->st.maps.svc_map, &k, &v), 0);
		assert_int_equal(v.sched, XVS_SCHED_RR);
		assert_int_equal(v.flags, XVS_SVC_F_PERSISTENT);
		assert_int_equal(v.timeout, 300);
		assert_int_equal(v.id, id);
	}
}

/*
 * The overload bit belongs to the datapath (it flips it at bind/unbind):
 * xvsd's edits keep it, except where ip_vs_update_dest clears it (upper
 * threshold lifted or raised), and its sweeper clears it only by the rule.
 */
static void test_overload_bit_kept(void **state)
{
	struct xvsd_fixture *f = *state;
	struct xvs_ctl_svc s = svc_req(IPPROTO_TCP, "192.168.1.200", 80, "wlc");
	struct xvs_ctl_dest d = dest_req("10.0.0.2", 80, 1);
	struct xvs_dest_cnt busy = { .active = 2 };
	struct xvs_svc_dests sd;
	struct gc_result res;
	__u32 id;

	NEED_ROOT(f);
	d.u_threshold = 2;
	assert_int_equal(svc_add(&f->st, &s), 0);
	assert_int_equal(dest_add(&f->st, &s.id, &d), 0);
	id = svc_id_of(f, "192.168.1.200", 80);
	read_list(f, id, &sd);
	/* What the datapath does at the 2nd bind. */
	assert_int_equal(bpf_map_update_elem(f->st.maps.dest_cnt, &sd.dest[0], &busy, BPF_ANY), 0);
	sd.overload[0] = 1;
	assert_int_equal(state_write_list(&f->st, id, &sd), 0);

	/* -e -w 3, same threshold: still overloaded; the sweeper agrees. */
	d.weight = 3;
	assert_int_equal(dest_edit(&f->st, &s.id, &d), 0);
	read_list(f, id, &sd);
	assert_int_equal(sd.overload[0], 1);
	memset(&res, 0, sizeof(res));
	assert_int_equal(gc_sweep(&f->st, &res), 0);
	read_list(f, id, &sd);
	assert_int_equal(sd.overload[0], 1);
	/* -e -x 5: a raised upper threshold clears it (ip_vs_update_dest). */
	d.u_threshold = 5;
	assert_int_equal(dest_edit(&f->st, &s.id, &d), 0);
	read_list(f, id, &sd);
	assert_int_equal(sd.overload[0], 0);
	/* Back to -x 2 with 2 connections: the sweeper sets it by the rule. */
	d.u_threshold = 2;
	assert_int_equal(dest_edit(&f->st, &s.id, &d), 0);
	assert_int_equal(gc_sweep(&f->st, &res), 0);
	read_list(f, id, &sd);
	assert_int_equal(sd.overload[0], 1);
}

/*
 * Server ids are a fixed pool (XVS_MAX_DEST); IPVS has no such limit. After
 * -C every server sits in the trash for its grace period: a new server must
 * still get an id, reclaimed from the unreferenced trash.
 */
static void test_ids_reclaimed_from_trash(void **state)
{
	struct xvsd_fixture *f = *state;
	struct xvs_ctl_svc s;
	struct xvs_ctl_dest d;
	__u32 n = 0, v;
	char vip[32], rip[32];

	NEED_ROOT(f);
	for (v = 0; n < XVS_MAX_DEST - 1; v++) {
		snprintf(vip, sizeof(vip), "192.168.%u.%u", 2 + v / 250, 1 + v % 250);
		s = svc_req(IPPROTO_TCP, vip, 80, "rr");
		assert_int_equal(svc_add(&f->st, &s), 0);
		for (__u32 i = 0; i < XVS_MAX_RS && n < XVS_MAX_DEST - 1; i++, n++) {
			snprintf(rip, sizeof(rip), "10.%u.%u.%u", 1 + v / 250, v % 250, 1 + i);
			d = dest_req(rip, 80, 1);
			assert_int_equal(dest_add(&f->st, &s.id, &d), 0);
		}
	}
	/* The pool is full. */
	d = dest_req("10.255.0.1", 80, 1);
	assert_int_equal(dest_add(&f->st, &s.id, &d), -ENOMEM);
	assert_int_equal(svc_flush(&f->st), 0);
	s = svc_req(IPPROTO_TCP, "192.168.1.200", 80, "rr");
	assert_int_equal(svc_add(&f->st, &s), 0);
	assert_int_equal(dest_add(&f->st, &s.id, &d), 0);
}

/*
 * Service ids too: after -C of every service, their servers sit in the
 * trash and still name the ids; a new service must get one back.
 */
static void test_svc_ids_reclaimed_from_trash(void **state)
{
	struct xvsd_fixture *f = *state;
	struct xvs_ctl_svc s;
	struct xvs_ctl_dest d = dest_req("10.0.0.2", 80, 1);
	char vip[32];
	__u32 v;

	NEED_ROOT(f);
	for (v = 1; v < XVS_MAX_SVC; v++) {
		snprintf(vip, sizeof(vip), "192.168.%u.%u", 2 + v / 250, 1 + v % 250);
		s = svc_req(IPPROTO_TCP, vip, 80, "rr");
		assert_int_equal(svc_add(&f->st, &s), 0);
		assert_int_equal(dest_add(&f->st, &s.id, &d), 0);
	}
	s = svc_req(IPPROTO_TCP, "192.168.1.200", 80, "rr");
	assert_int_equal(svc_add(&f->st, &s), -ENOMEM);
	assert_int_equal(svc_flush(&f->st), 0);
	assert_int_equal(svc_add(&f->st, &s), 0);
	assert_int_equal(dest_add(&f->st, &s.id, &d), 0);
}

static void put_stats(struct xvsd_fixture *f, int fd, __u32 id, __u64 conns)
{
	struct xvs_stats *pc = calloc(f->st.maps.nr_cpus, sizeof(*pc));

	pc[0].conns = conns;
	pc[0].inpkts = 2 * conns;
	assert_int_equal(bpf_map_update_elem(fd, &id, pc, BPF_ANY), 0);
	free(pc);
}

/*
 * A removed service's id stays taken while a trashed server names it
 * (state_svc_id_free()); services are found by key through adds and
 * removals (the key index, not a walk of the ids).
 */
static void test_svc_id_held_by_trash(void **state)
{
	struct xvsd_fixture *f = *state;
	struct xvs_ctl_svc a = svc_req(IPPROTO_TCP, "192.168.1.200", 80, "rr");
	struct xvs_ctl_svc b = svc_req(IPPROTO_TCP, "192.168.1.200", 81, "rr");
	struct xvs_ctl_svc c = svc_req(IPPROTO_UDP, "192.168.1.200", 80, "rr");
	struct xvs_ctl_dest d = dest_req("10.0.0.2", 80, 1);
	struct xvs_svc_key ka, kb, kc;
	struct xvsd_svc *sa;

	NEED_ROOT(f);
	assert_int_equal(svc_key_from_id(&a.id, &ka), 0);
	assert_int_equal(svc_key_from_id(&b.id, &kb), 0);
	assert_int_equal(svc_key_from_id(&c.id, &kc), 0);
	assert_int_equal(svc_add(&f->st, &a), 0);
	assert_int_equal(dest_add(&f->st, &a.id, &d), 0);
	sa = state_find_svc(&f->st, &ka);
	assert_non_null(sa);
	assert_int_equal(sa->id, 1);
	assert_null(state_find_svc(&f->st, &kc));
	assert_int_equal(svc_del(&f->st, &a.id), 0);
	assert_null(state_find_svc(&f->st, &ka));
	assert_false(state_svc_id_free(&f->st, 1));
	assert_int_equal(svc_add(&f->st, &b), 0);
	assert_int_equal(state_find_svc(&f->st, &kb)->id, 2);
	/* The server comes back with its service, now naming id 3: id 1 is free. */
	assert_int_equal(svc_add(&f->st, &a), 0);
	assert_int_equal(dest_add(&f->st, &a.id, &d), 0);
	assert_int_equal(state_find_svc(&f->st, &ka)->id, 3);
	assert_true(state_svc_id_free(&f->st, 1));
	assert_int_equal(svc_del(&f->st, &a.id), 0);
	assert_false(state_svc_id_free(&f->st, 3));
	assert_int_equal(svc_add(&f->st, &c), 0);
	assert_int_equal(state_find_svc(&f->st, &kc)->id, 1);
	/* Reclaimed once no connection uses it: id 3 is free again. */
	assert_true(state_trash_reclaim(&f->st) > 0);
	assert_true(state_svc_id_free(&f->st, 3));
	assert_int_equal(svc_add(&f->st, &a), 0);
	assert_int_equal(state_find_svc(&f->st, &ka)->id, 3);
	assert_int_equal(state_find_svc(&f->st, &kb)->id, 2);
	assert_int_equal(state_find_svc(&f->st, &kc)->id, 1);
}

/*
 * dest_add_many() answers each server as dest_add() would (a duplicate
 * within the batch, a bad address, a missing service, the 64-server list
 * limit) and writes the list once; a server removed earlier comes back from
 * the trash with its id.
 */
static void test_add_many(void **state)
{
	struct xvsd_fixture *f = *state;
	struct xvs_ctl_svc s = svc_req(IPPROTO_TCP, "192.168.1.200", 80, "rr");
	struct xvs_ctl_svc none = svc_req(IPPROTO_TCP, "192.168.1.201", 80, "rr");
	struct xvs_ctl_dest d[XVS_MAX_RS + 1];
	struct xvs_svc_dests sd;
	__s32 res[XVS_MAX_RS + 1];
	__u32 id2, i;
	char rip[32];

	NEED_ROOT(f);
	assert_int_equal(svc_add(&f->st, &s), 0);
	d[0] = dest_req("10.0.0.2", 80, 1);
	d[1] = dest_req("10.0.0.2", 80, 3);
	d[2] = dest_req("127.0.0.1", 80, 1);
	d[3] = dest_req("10.0.0.3", 80, 2);
	assert_int_equal(dest_add_many(&f->st, &s.id, d, 4, res), 2);
	assert_int_equal(res[0], 0);
	assert_int_equal(res[1], -EEXIST);
	assert_int_equal(res[2], -EINVAL);
	assert_int_equal(res[3], 0);
	read_list(f, 1, &sd);
	assert_int_equal(sd.count, 2);
	id2 = f->st.dests[sd.dest[0]]->info.addr == inet_addr("10.0.0.2") ? sd.dest[0] : sd.dest[1];
	assert_int_equal(f->st.dests[id2]->info.addr, inet_addr("10.0.0.2"));
	/* The duplicate changed nothing: the first line's weight. */
	assert_int_equal(f->st.dests[id2]->info.weight, 1);
	assert_int_equal(dest_add_many(&f->st, &none.id, d, 1, res), 0);
	assert_int_equal(res[0], -ESRCH);

	/* 10.0.0.2 to the trash and back in a batch: the same id, live again. */
	assert_int_equal(dest_del(&f->st, &s.id, &d[0]), 0);
	assert_true(f->st.dests[id2]->trashed);
	for (i = 0; i < XVS_MAX_RS + 1; i++) {
		snprintf(rip, sizeof(rip), "10.0.1.%u", i + 1);
		d[i] = dest_req(i ? rip : "10.0.0.2", 80, 1);
	}
	/* 1 left in the list + 63 fit; the last two find it full. */
	assert_int_equal(dest_add_many(&f->st, &s.id, d, XVS_MAX_RS + 1, res), XVS_MAX_RS - 1);
	assert_int_equal(res[0], 0);
	assert_int_equal(res[XVS_MAX_RS - 2], 0);
	assert_int_equal(res[XVS_MAX_RS - 1], -ENOSPC);
	assert_int_equal(res[XVS_MAX_RS], -ENOSPC);
	assert_false(f->st.dests[id2]->trashed);
	assert_int_equal(f->st.dests[id2]->info.addr, inet_addr("10.0.0.2"));
	read_list(f, 1, &sd);
	assert_int_equal(sd.count, XVS_MAX_RS);
	assert_true(sched_list_find(&sd, id2) >= 0);
	/* Every listed server's dest_info came with the batch's one write. */
	for (i = 0; i < sd.count; i++) {
		struct xvs_dest di;

		read_dest(f, sd.dest[i], &di);
		assert_int_equal(di.flags, XVS_DEST_F_AVAILABLE);
		assert_int_equal(di.addr, f->st.dests[sd.dest[i]]->info.addr);
	}
}

/*
 * The bind rule in a batch: a server back from the trash with connections
 * past its upper threshold comes back overloaded; a fresh id (its counts
 * zeroed before its dest_info when it was last freed) is not.
 */
static void test_add_many_overload(void **state)
{
	struct xvsd_fixture *f = *state;
	struct xvs_ctl_svc s = svc_req(IPPROTO_TCP, "192.168.1.200", 80, "rr");
	struct xvs_dest_cnt busy = { .active = 3 };
	struct xvs_ctl_dest d[2];
	struct xvs_svc_dests sd;
	__s32 res[2];
	__u32 old;

	NEED_ROOT(f);
	assert_int_equal(svc_add(&f->st, &s), 0);
	d[0] = dest_req("10.0.0.2", 80, 1);
	d[0].u_threshold = 2;
	d[1] = dest_req("10.0.0.3", 80, 1);
	d[1].u_threshold = 2;
	assert_int_equal(dest_add(&f->st, &s.id, &d[0]), 0);
	read_list(f, 1, &sd);
	old = sd.dest[0];
	assert_int_equal(dest_del(&f->st, &s.id, &d[0]), 0);
	assert_int_equal(bpf_map_update_elem(f->st.maps.dest_cnt, &old, &busy, BPF_ANY), 0);
	assert_int_equal(dest_add_many(&f->st, &s.id, d, 2, res), 2);
	assert_int_equal(res[0], 0);
	assert_int_equal(res[1], 0);
	read_list(f, 1, &sd);
	assert_int_equal(sd.count, 2);
	/* Newest first: 10.0.0.3 (fresh), then 10.0.0.2 (its old id). */
	assert_int_equal(sd.dest[1], old);
	assert_int_equal(sd.overload[1], 1);
	assert_int_not_equal(sd.dest[0], old);
	assert_int_equal(sd.overload[0], 0);
}

static void test_trash_and_resurrect(void **state)
{
	struct xvsd_fixture *f = *state;
	struct xvs_ctl_svc s = svc_req(IPPROTO_TCP, "192.168.1.200", 80, "rr");
	struct xvs_ctl_dest d = dest_req("10.0.0.2", 80, 1);
	struct xvs_dest_cnt cnt = { .inactive = 1 };
	struct xvs_svc_dests sd;
	struct xvs_dest di;
	struct xvs_stats sum;
	__u32 id, did;

	NEED_ROOT(f);
	seed_config(&f->st);
	id = svc_id_of(f, "192.168.1.200", 80);
	read_list(f, id, &sd);
	did = sd.dest[1];	/* 10.0.0.2 */
	/* One connection and some traffic on it. */
	assert_int_equal(bpf_map_update_elem(f->st.maps.dest_cnt, &did, &cnt, BPF_ANY), 0);
	put_stats(f, f->st.maps.dest_stats, did, 5);

	assert_int_equal(dest_del(&f->st, &s.id, &d), 0);
	read_list(f, id, &sd);
	assert_int_equal(sd.count, 1);
	assert_int_equal(sched_list_find(&sd, did), -1);
	read_dest(f, did, &di);
	assert_int_equal(di.flags & XVS_DEST_F_AVAILABLE, 0);
	assert_int_equal(di.addr, inet_addr("10.0.0.2"));	/* id kept */

	/* Referenced: never freed, however long it waits. */
	assert_int_equal(state_trash_gc(&f->st, state_now_ns() + 3600ull * 1000000000ull), 0);

	/* -a again: the same id, AVAILABLE, counters intact, at the head. */
	assert_int_equal(dest_add(&f->st, &s.id, &d), 0);
	read_list(f, id, &sd);
	assert_int_equal(sd.dest[0], did);
	read_dest(f, did, &di);
	assert_int_equal(di.flags, XVS_DEST_F_AVAILABLE);
	assert_int_equal(mapset_stats_sum(&f->st.maps, f->st.maps.dest_stats, did, &sum), 0);
	assert_int_equal(sum.conns, 5);

	/* Deleted again, unreferenced and idle long enough: freed and zeroed. */
	assert_int_equal(dest_del(&f->st, &s.id, &d), 0);
	cnt.inactive = 0;
	assert_int_equal(bpf_map_update_elem(f->st.maps.dest_cnt, &did, &cnt, BPF_ANY), 0);
	assert_int_equal(state_trash_gc(&f->st, state_now_ns()), 0);	/* too soon */
	assert_int_equal(state_trash_gc(&f->st, state_now_ns() + 121ull * 1000000000ull), 1);
	read_dest(f, did, &di);
	assert_int_equal(di.addr, 0);
	assert_int_equal(mapset_stats_sum(&f->st.maps, f->st.maps.dest_stats, did, &sum), 0);
	assert_int_equal(sum.conns, 0);
}

static void test_del_svc_and_resurrect(void **state)
{
	struct xvsd_fixture *f = *state;
	struct xvs_ctl_svc s = svc_req(IPPROTO_TCP, "192.168.1.200", 80, "rr");
	struct xvs_ctl_dest d = dest_req("10.0.0.3", 80, 1);
	struct xvs_svc_dests sd;
	struct xvs_dest di;
	__u32 id, did;

	NEED_ROOT(f);
	seed_config(&f->st);
	id = svc_id_of(f, "192.168.1.200", 80);
	read_list(f, id, &sd);
	did = sd.dest[0];
	assert_int_equal(svc_del(&f->st, &s.id), 0);
	assert_int_equal(f->st.nsvcs, 0);
	read_dest(f, did, &di);
	assert_int_equal(di.flags & XVS_DEST_F_AVAILABLE, 0);
	/* Same service again, same server: the trashed one comes back. */
	assert_int_equal(svc_add(&f->st, &s), 0);
	assert_int_equal(dest_add(&f->st, &s.id, &d), 0);
	id = svc_id_of(f, "192.168.1.200", 80);
	read_list(f, id, &sd);
	assert_int_equal(sd.count, 1);
	assert_int_equal(sd.dest[0], did);
	/* -C removes everything. */
	assert_int_equal(svc_flush(&f->st), 0);
	assert_int_equal(f->st.nsvcs, 0);
}

static void test_adopt_after_restart(void **state)
{
	struct xvsd_fixture *f = *state;
	struct xvs_ctl_svc s2 = svc_req(IPPROTO_UDP, "192.168.1.200", 53, "wlc");
	struct xvs_ctl_dest d = dest_req("10.0.0.4", 5353, 3);
	struct xvs_ctl_timeout t = { 30, 5, 60 };
	struct xvsd_maps maps = f->st.maps;
	struct snap before;

	NEED_ROOT(f);
	seed_config(&f->st);
	assert_int_equal(svc_add(&f->st, &s2), 0);
	d.u_threshold = 10;
	d.l_threshold = 5;
	assert_int_equal(dest_add(&f->st, &s2.id, &d), 0);
	assert_int_equal(svc_set_timeout(&f->st, &t), 0);
	snap_take(&f->st, &before);

	/* What a kill -9 and a restart do to xvsd's memory. */
	state_free(&f->st);
	assert_int_equal(state_adopt(&f->st, &maps), 0);
	assert_int_equal(f->st.nsvcs, 2);
	snap_same(&f->st, &before);
	free(before.list);
	/* And it goes on working: a duplicate is still a duplicate. */
	assert_int_equal(dest_add(&f->st, &s2.id, &d), -EEXIST);
}

static void test_ctl_handle_garbage(void **state)
{
	struct xvsd_fixture *f = *state;
	static const char junk[512] = { 1, 2, 3 };
	static const __u16 cmds[] = { 0, XVS_CMD_GET_INFO, XVS_CMD_ADD_SVC, XVS_CMD_EDIT_SVC,
				      XVS_CMD_DEL_SVC, XVS_CMD_FLUSH, XVS_CMD_ADD_DEST,
				      XVS_CMD_EDIT_DEST, XVS_CMD_DEL_DEST, XVS_CMD_ZERO,
				      XVS_CMD_SET_TIMEOUT, XVS_CMD_GET_TIMEOUT, XVS_CMD_LIST,
				      XVS_CMD_LIST_CONN, XVS_CMD_MAX, 0xffff };
	struct snap before;
	size_t i;

	NEED_ROOT(f);
	seed_config(&f->st);
	snap_take(&f->st, &before);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		void *reply;
		size_t len;

		/* 7 bytes fits no command's payload. */
		assert_int_equal(ctl_handle(&f->st, cmds[i], junk, 7, &reply, &len), -EINVAL);
		assert_null(reply);
		snap_same(&f->st, &before);
	}
	free(before.list);
}

/* ---- the socket server ------------------------------------------------- */

static int raw_send(int fd, __u32 magic, __u16 version, __u16 cmd, __u32 len)
{
	struct xvs_ctl_hdr h = { magic, version, cmd, len, 0 };

	return send(fd, &h, sizeof(h), MSG_NOSIGNAL) == sizeof(h) ? 0 : -1;
}

/* Read one reply header; returns its status, or 1 on EOF. */
static int raw_reply(int fd, struct xvs_ctl_hdr *h)
{
	ssize_t n = recv(fd, h, sizeof(*h), MSG_WAITALL);

	if (n == 0 || (n < 0 && errno == ECONNRESET))
		return 1;
	assert_int_equal(n, sizeof(*h));
	return h->status;
}

static void drain(int fd, size_t len)
{
	char buf[256];

	while (len) {
		ssize_t n = recv(fd, buf, len < sizeof(buf) ? len : sizeof(buf), MSG_WAITALL);

		assert_true(n > 0);
		len -= n;
	}
}

static int connect_retry(const char *path)
{
	int i, fd = -1;

	for (i = 0; i < 100 && fd < 0; i++) {
		fd = ctl_connect(path);
		if (fd < 0)
			usleep(10000);
	}
	assert_true(fd >= 0);
	return fd;
}

/* A child process serving @lfd for @st until killed; its pid. */
static pid_t serve_forked(struct xvsd *st, int lfd)
{
	pid_t pid = fork();

	if (!pid) {
		struct loop *l = loop_new();

		ctl_serve(l, lfd, st);
		loop_run(l);
		_exit(0);
	}
	return pid;
}

static void test_ctl_socket(void **state)
{
	struct xvsd_fixture *f = *state;
	char path[64];
	struct xvs_ctl_hdr h;
	struct snap before;
	pid_t pid;
	int fd, lfd, i;

	NEED_ROOT(f);
	seed_config(&f->st);
	snprintf(path, sizeof(path), "/tmp/test_xvsd_ctl.%d/sock", getpid());
	lfd = ctl_listen(path);
	assert_true(lfd >= 0);
	assert_int_equal(ctl_listen(path), -EADDRINUSE);	/* someone answers now */
	pid = serve_forked(&f->st, lfd);
	snap_take(&f->st, &before);

	/* Bad magic: closed, no answer. */
	fd = connect_retry(path);
	raw_send(fd, 0xdeadbeef, XVS_CTL_VERSION, XVS_CMD_FLUSH, 0);
	assert_int_equal(raw_reply(fd, &h), 1);
	close(fd);
	/* Other protocol version: -EPROTO, then closed. */
	fd = connect_retry(path);
	raw_send(fd, XVS_CTL_MAGIC, XVS_CTL_VERSION + 1, XVS_CMD_FLUSH, 0);
	assert_int_equal(raw_reply(fd, &h), -EPROTO);
	assert_int_equal(raw_reply(fd, &h), 1);
	close(fd);
	/* Oversize: -EMSGSIZE, then closed. */
	fd = connect_retry(path);
	raw_send(fd, XVS_CTL_MAGIC, XVS_CTL_VERSION, XVS_CMD_ADD_SVC, XVS_CTL_MAX_REQ + 1);
	assert_int_equal(raw_reply(fd, &h), -EMSGSIZE);
	assert_int_equal(raw_reply(fd, &h), 1);
	close(fd);
	/* Unknown command: -EINVAL and the connection goes on; then several
	 * requests in one write, answered in order; then a header split in two. */
	fd = connect_retry(path);
	raw_send(fd, XVS_CTL_MAGIC, XVS_CTL_VERSION, 200, 0);
	assert_int_equal(raw_reply(fd, &h), -EINVAL);
	assert_int_equal(h.cmd, 200);
	for (i = 0; i < 3; i++)
		raw_send(fd, XVS_CTL_MAGIC, XVS_CTL_VERSION, XVS_CMD_GET_TIMEOUT, 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(raw_reply(fd, &h), 0);
		assert_int_equal(h.cmd, XVS_CMD_GET_TIMEOUT);
		assert_int_equal(h.len, sizeof(struct xvs_ctl_timeout));
		drain(fd, h.len);
	}
	{
		struct xvs_ctl_hdr q = { XVS_CTL_MAGIC, XVS_CTL_VERSION, XVS_CMD_GET_INFO, 0, 0 };
		struct xvs_ctl_info info;

		send(fd, &q, 5, MSG_NOSIGNAL);
		usleep(50000);
		send(fd, (char *)&q + 5, sizeof(q) - 5, MSG_NOSIGNAL);
		assert_int_equal(raw_reply(fd, &h), 0);
		assert_int_equal(h.len, sizeof(info));
		assert_int_equal(recv(fd, &info, sizeof(info), MSG_WAITALL), sizeof(info));
		assert_int_equal(info.version_code, 0x010201);
		assert_int_equal(info.conn_tab_size, 4096);
		assert_int_equal(info.num_services, 1);
	}
	/* A client that disappears mid-payload. */
	raw_send(fd, XVS_CTL_MAGIC, XVS_CTL_VERSION, XVS_CMD_ADD_SVC, 176);
	close(fd);
	/* Still there, nothing changed. */
	fd = connect_retry(path);
	assert_int_equal(ctl_call(fd, XVS_CMD_GET_TIMEOUT, NULL, 0, NULL, NULL), 0);
	close(fd);
	snap_same(&f->st, &before);
	free(before.list);

	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(lfd);
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
}

/* Append one request frame of XVS_CMD_MULTI to @buf at *len. */
static void multi_put(char *buf, size_t *len, __u32 magic, __u16 cmd, const void *p, size_t plen)
{
	struct xvs_ctl_hdr h = { magic, XVS_CTL_VERSION, cmd, plen, 0 };

	memcpy(buf + *len, &h, sizeof(h));
	memcpy(buf + *len + sizeof(h), p, plen);
	*len += sizeof(h) + plen;
}

/*
 * XVS_CMD_MULTI: each request answered as alone, in order, in one reply
 * (an -A and its servers, one a duplicate); a malformed one runs none of
 * them.
 */
static void test_ctl_multi(void **state)
{
	struct xvsd_fixture *f = *state;
	struct xvs_ctl_svc s = svc_req(IPPROTO_TCP, "192.168.1.210", 80, "rr");
	struct xvs_ctl_dest d[2] = { dest_req("10.0.0.2", 80, 1), dest_req("10.0.0.2", 80, 1) };
	char req[1024], add[sizeof(s) + sizeof(d)], path[64];
	struct xvs_ctl_hdr h;
	size_t len = 0, rlen = 0;
	char *reply = NULL;
	struct xvs_addr_key key = { 0 };
	__u32 count = 0;
	__s32 res[2];
	pid_t pid;
	int fd, lfd;

	NEED_ROOT(f);
	/* The state the server child starts from: addr_set kept by adjustments. */
	assert_int_equal(addrset_sync(&f->st), 0);
	snprintf(path, sizeof(path), "/tmp/test_xvsd_multi.%d/sock", getpid());
	lfd = ctl_listen(path);
	assert_true(lfd >= 0);
	pid = serve_forked(&f->st, lfd);
	fd = connect_retry(path);
	/* A bad second frame: -EINVAL, the first not run either. */
	multi_put(req, &len, XVS_CTL_MAGIC, XVS_CMD_ADD_SVC, &s, sizeof(s));
	multi_put(req, &len, 0xdeadbeef, XVS_CMD_ADD_SVC, &s, sizeof(s));
	assert_int_equal(ctl_call(fd, XVS_CMD_MULTI, req, len, NULL, NULL), -EINVAL);
	len = 0;
	multi_put(req, &len, XVS_CTL_MAGIC, XVS_CMD_ADD_SVC, &s, sizeof(s));
	memcpy(add, &s, sizeof(s));
	memcpy(add + sizeof(s), d, sizeof(d));
	multi_put(req, &len, XVS_CTL_MAGIC, XVS_CMD_ADD_DESTS, add, sizeof(add));
	multi_put(req, &len, XVS_CTL_MAGIC, XVS_CMD_ADD_SVC, &s, sizeof(s));
	assert_int_equal(ctl_call(fd, XVS_CMD_MULTI, req, len, (void **)&reply, &rlen), 0);
	assert_int_equal(rlen, 3 * sizeof(h) + sizeof(res));
	memcpy(&h, reply, sizeof(h));
	assert_int_equal(h.cmd, XVS_CMD_ADD_SVC);
	assert_int_equal(h.status, 0);
	assert_int_equal(h.len, 0);
	memcpy(&h, reply + sizeof(h), sizeof(h));
	assert_int_equal(h.cmd, XVS_CMD_ADD_DESTS);
	assert_int_equal(h.status, 0);
	assert_int_equal(h.len, sizeof(res));
	memcpy(res, reply + 2 * sizeof(h), sizeof(res));
	assert_int_equal(res[0], 0);
	assert_int_equal(res[1], -EEXIST);
	memcpy(&h, reply + 2 * sizeof(h) + sizeof(res), sizeof(h));
	assert_int_equal(h.status, -EEXIST);
	free(reply);
	/* addr_set's counts, written once for the whole request, are there. */
	key.addr = inet_addr("10.0.0.2");
	key.port = htons(80);
	key.proto = IPPROTO_TCP;
	key.kind = XVS_ADDR_RS;
	assert_int_equal(bpf_map_lookup_elem(f->st.maps.addr_set, &key, &count), 0);
	assert_int_equal(count, 1);
	close(fd);

	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(lfd);
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_refused_change_nothing, xvsd_fixture_setup, xvsd_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_walkthrough_maps, xvsd_fixture_setup, xvsd_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_overload_bit_kept, xvsd_fixture_setup, xvsd_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_ids_reclaimed_from_trash, xvsd_fixture_setup, xvsd_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_svc_ids_reclaimed_from_trash, xvsd_fixture_setup, xvsd_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_svc_id_held_by_trash, xvsd_fixture_setup, xvsd_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_add_many, xvsd_fixture_setup, xvsd_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_add_many_overload, xvsd_fixture_setup, xvsd_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_trash_and_resurrect, xvsd_fixture_setup, xvsd_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_del_svc_and_resurrect, xvsd_fixture_setup, xvsd_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_adopt_after_restart, xvsd_fixture_setup, xvsd_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_ctl_handle_garbage, xvsd_fixture_setup, xvsd_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_ctl_socket, xvsd_fixture_setup, xvsd_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_ctl_multi, xvsd_fixture_setup, xvsd_fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
