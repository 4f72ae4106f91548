// SPDX-License-Identifier: GPL-2.0
/*
 * The mh table as xvsd writes it (dest_add() through state_write_list())
 * on real maps: it hashes each server's address and port, never xvs's dest
 * ids, so two directors configured with the same servers agree whatever
 * ids they gave them. Expected entries come from a separate transcription
 * of ip_vs_mh.c (hsiphash with its fixed keys, M = 4093, list order newest
 * first). IPVS's population walks the list in order, so the add order
 * decides the few contested entries: that is kept, and checked. A table
 * adopted from the maps is rebuilt from the addresses. Needs root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <bpf/bpf.h>

#include "xvsd_maps_test.h"
#include "xvsd/svc.h"

struct director {
	struct xvs *skel;
	struct xvsd st;
};

static void director_up(struct director *d)
{
	struct xvsd_maps m;

	memset(d, 0, sizeof(*d));
	xvsd_test_maps_load(&d->skel, &m);
	assert_int_equal(state_adopt(&d->st, &m), 0);
}

static void director_down(struct director *d)
{
	state_free(&d->st);
	xvs__destroy(d->skel);
}

static struct xvs_ctl_svc svc_req(int port, const char *sched)
{
	struct xvs_ctl_svc s;

	memset(&s, 0, sizeof(s));
	s.id.af = AF_INET;
	s.id.proto = IPPROTO_TCP;
	inet_pton(AF_INET, "192.168.1.200", &s.id.addr[0]);
	s.id.port = htons(port);
	snprintf(s.sched, sizeof(s.sched), "%s", sched);
	s.netmask = 0xffffffff;
	return s;
}

static void add(struct director *d, int vport, const char *rip, int port)
{
	struct xvs_ctl_svc s = svc_req(vport, "mh");
	struct xvs_ctl_dest r;

	memset(&r, 0, sizeof(r));
	r.af = AF_INET;
	inet_pton(AF_INET, rip, &r.addr[0]);
	r.port = htons(port);
	r.fwd = XVS_FWD_MASQ;
	r.weight = 1;
	assert_int_equal(dest_add(&d->st, &s.id, &r), 0);
}

static void mh_service(struct director *d, int vport)
{
	struct xvs_ctl_svc s = svc_req(vport, "mh");

	assert_int_equal(svc_add(&d->st, &s), 0);
}

/* Entry i's server as "a.b.c.d:port", from the written list and dest_info. */
static void entries(struct director *d, int vport, char (*out)[24])
{
	struct xvs_ctl_svc s = svc_req(vport, "mh");
	struct xvs_svc_key key = { .addr = s.id.addr[0], .port = s.id.port,
				   .proto = IPPROTO_TCP };
	struct xvsd_svc *svc = state_find_svc(&d->st, &key);
	struct xvs_svc_dests sd;
	int i;

	assert_non_null(svc);
	assert_int_equal(state_read_list(&d->st, svc->id, &sd), 0);
	for (i = 0; i < XVS_MH_TAB_SIZE; i++) {
		struct xvs_dest info;
		char a[INET_ADDRSTRLEN];

		assert_true(sd.mh_tab[i] >= 1 && sd.mh_tab[i] <= sd.count);
		assert_int_equal(bpf_map_lookup_elem(d->st.maps.dest_info,
						     &sd.dest[sd.mh_tab[i] - 1], &info), 0);
		inet_ntop(AF_INET, &info.addr, a, sizeof(a));
		snprintf(out[i], sizeof(out[i]), "%s:%u", a, ntohs(info.port));
	}
}

static int differing(char (*a)[24], char (*b)[24])
{
	int i, n = 0;

	for (i = 0; i < XVS_MH_TAB_SIZE; i++)
		n += strcmp(a[i], b[i]) != 0;
	return n;
}

static char tab_a[XVS_MH_TAB_SIZE][24], tab_b[XVS_MH_TAB_SIZE][24];

static void test_mh_two_directors(void **state)
{
	static const char *const first8[8] = {
		"10.0.0.12:80", "10.0.0.13:80", "10.0.0.13:80", "10.0.0.11:80",
		"10.0.0.12:80", "10.0.0.12:80", "10.0.0.11:80", "10.0.0.11:80",
	};
	struct director a, b;
	int i;

	(void)state;
	if (geteuid()) {
		print_message("skip: needs root\n");
		skip();
	}
	/* A: the three servers get ids 1, 2, 3. */
	director_up(&a);
	mh_service(&a, 80);
	add(&a, 80, "10.0.0.11", 80);
	add(&a, 80, "10.0.0.12", 80);
	add(&a, 80, "10.0.0.13", 80);
	entries(&a, 80, tab_a);
	for (i = 0; i < 8; i++)
		assert_string_equal(tab_a[i], first8[i]);

	/* An older xvsd's pinned table (ids hashed) is rebuilt on adoption. */
	{
		struct xvsd_maps m = a.st.maps;
		struct xvs_svc_dests sd;
		__u32 sid = 1;

		assert_int_equal(state_read_list(&a.st, sid, &sd), 0);
		memset(sd.mh_tab, 1, sizeof(sd.mh_tab));
		assert_int_equal(bpf_map_update_elem(m.svc_dests, &sid, &sd, BPF_F_LOCK), 0);
		state_free(&a.st);
		assert_int_equal(state_adopt(&a.st, &m), 0);
		entries(&a, 80, tab_b);
		assert_int_equal(differing(tab_a, tab_b), 0);
	}

	/* B: another service's servers and a removed one took ids 1-4 first. */
	director_up(&b);
	mh_service(&b, 81);
	add(&b, 81, "10.0.0.21", 80);
	add(&b, 81, "10.0.0.22", 80);
	add(&b, 81, "10.0.0.23", 80);
	mh_service(&b, 80);
	add(&b, 80, "10.0.0.99", 80);
	add(&b, 80, "10.0.0.11", 80);
	add(&b, 80, "10.0.0.12", 80);
	add(&b, 80, "10.0.0.13", 80);
	{
		struct xvs_ctl_svc s = svc_req(80, "mh");
		struct xvs_ctl_dest r = { .af = AF_INET, .port = htons(80) };

		inet_pton(AF_INET, "10.0.0.99", &r.addr[0]);
		assert_int_equal(dest_del(&b.st, &s.id, &r), 0);
	}
	entries(&b, 80, tab_b);
	assert_int_equal(differing(tab_a, tab_b), 0);

	/* IPVS walks its list in order: added the other way round, 8 contested entries move. */
	director_down(&b);
	director_up(&b);
	mh_service(&b, 80);
	add(&b, 80, "10.0.0.13", 80);
	add(&b, 80, "10.0.0.12", 80);
	add(&b, 80, "10.0.0.11", 80);
	entries(&b, 80, tab_b);
	assert_int_equal(differing(tab_a, tab_b), 8);

	/* The port is hashed too: 10.0.0.12:8080 permutes otherwise, 2065 entries differ. */
	director_down(&b);
	director_up(&b);
	mh_service(&b, 80);
	add(&b, 80, "10.0.0.11", 80);
	add(&b, 80, "10.0.0.12", 8080);
	add(&b, 80, "10.0.0.13", 80);
	entries(&b, 80, tab_b);
	assert_int_equal(differing(tab_a, tab_b), 2065);
	director_down(&b);
	director_down(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mh_two_directors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
