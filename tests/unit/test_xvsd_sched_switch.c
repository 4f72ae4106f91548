// SPDX-License-Identifier: GPL-2.0
/*
 * The mh table is built only for mh services (state_write_list()): an rr
 * service's stays empty, and an edit to mh (svc_edit()) builds the same
 * table as a service that was mh from the start with the same servers in
 * the same order. Real (unpinned) maps. Needs root (BPF maps).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xvs.skel.h"
#include "xvsd_maps_test.h"
#include "xvsd/svc.h"

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

/* Service @port with servers 10.0.0.11-13:80 added in that order. */
static void service(struct xvsd *st, int port, const char *sched)
{
	struct xvs_ctl_svc s = svc_req(port, sched);
	struct xvs_ctl_dest r;
	int i;

	assert_int_equal(svc_add(st, &s), 0);
	for (i = 11; i <= 13; i++) {
		char a[16];

		memset(&r, 0, sizeof(r));
		snprintf(a, sizeof(a), "10.0.0.%d", i);
		r.af = AF_INET;
		inet_pton(AF_INET, a, &r.addr[0]);
		r.port = htons(80);
		r.fwd = XVS_FWD_MASQ;
		r.weight = 1;
		assert_int_equal(dest_add(st, &s.id, &r), 0);
	}
}

static void read_list(struct xvsd *st, int port, struct xvs_svc_dests *sd)
{
	struct xvs_ctl_svc s = svc_req(port, "rr");
	struct xvs_svc_key key = { .addr = s.id.addr[0], .port = s.id.port,
				   .proto = IPPROTO_TCP };
	struct xvsd_svc *svc = state_find_svc(st, &key);

	assert_non_null(svc);
	assert_int_equal(state_read_list(st, svc->id, sd), 0);
}

static void test_edit_to_mh_builds_table(void **state)
{
	static const __u8 zero[XVS_MH_TAB_SIZE];
	struct xvs_svc_dests rr, mh;
	struct xvs_ctl_svc edit = svc_req(80, "mh");
	struct xvs *skel;
	struct xvsd_maps m;
	struct xvsd st;
	int i;

	(void)state;
	if (geteuid()) {
		print_message("skip: needs root\n");
		skip();
	}
	xvsd_test_maps_load(&skel, &m);
	assert_int_equal(state_adopt(&st, &m), 0);
	service(&st, 80, "rr");
	service(&st, 81, "mh");
	read_list(&st, 80, &rr);
	assert_memory_equal(rr.mh_tab, zero, sizeof(zero));
	read_list(&st, 81, &mh);
	for (i = 0; i < XVS_MH_TAB_SIZE; i++)
		assert_true(mh.mh_tab[i] >= 1 && mh.mh_tab[i] <= 3);
	/* Same servers, same order, same positions: the same table. */
	assert_int_equal(svc_edit(&st, &edit), 0);
	read_list(&st, 80, &rr);
	assert_memory_equal(rr.mh_tab, mh.mh_tab, sizeof(mh.mh_tab));
	state_free(&st);
	xvs__destroy(skel);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edit_to_mh_builds_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
