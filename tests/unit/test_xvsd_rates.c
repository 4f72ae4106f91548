// SPDX-License-Identifier: GPL-2.0
/*
 * rates_tick() on real (unpinned) maps: the counters of services, servers
 * and the total feed their estimators, read in batches; a tick with the
 * total unchanged reads no map and gives what reading the same counters
 * again would. Needs root (BPF maps).
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

#include "xvsd_maps_test.h"
#include "xvsd/rates.h"
#include "xvsd/svc.h"

/* Set id's counters (on CPU 0) to @conns connections and twice as many packets. */
static void put_stats(struct xvsd *st, int fd, __u32 id, __u64 conns)
{
	struct xvs_stats *pc = calloc(st->maps.nr_cpus, sizeof(*pc));

	pc[0].conns = conns;
	pc[0].inpkts = 2 * conns;
	assert_int_equal(bpf_map_update_elem(fd, &id, pc, BPF_ANY), 0);
	free(pc);
}

static void test_tick(void **state)
{
	struct xvsd_fixture *f = *state;
	struct xvs_ctl_svc s;
	struct xvs_ctl_dest d;
	struct est want;
	struct xvsd_dest *dst = NULL;
	struct xvsd_svc *svc;
	__u32 i;

	NEED_ROOT(f);
	memset(&s, 0, sizeof(s));
	s.id.af = AF_INET;
	s.id.proto = IPPROTO_TCP;
	inet_pton(AF_INET, "192.168.1.200", &s.id.addr[0]);
	s.id.port = htons(80);
	snprintf(s.sched, sizeof(s.sched), "rr");
	s.netmask = 0xffffffff;
	memset(&d, 0, sizeof(d));
	d.af = AF_INET;
	inet_pton(AF_INET, "10.0.0.2", &d.addr[0]);
	d.port = htons(80);
	d.fwd = XVS_FWD_MASQ;
	d.weight = 1;
	assert_int_equal(svc_add(&f->st, &s), 0);
	assert_int_equal(dest_add(&f->st, &s.id, &d), 0);
	svc = f->st.svcs[1];
	for (i = 1; i < f->st.max_dest && !dst; i++)
		dst = f->st.dests[i];
	assert_non_null(svc);
	assert_non_null(dst);

	/* 100 connections through the server: all three estimators see them. */
	put_stats(&f->st, f->st.maps.svc_stats, svc->id, 100);
	put_stats(&f->st, f->st.maps.dest_stats, dst->id, 100);
	put_stats(&f->st, f->st.maps.glob_stats, 0, 100);
	rates_tick(&f->st);
	assert_int_equal(svc->est.last.conns, 100);
	assert_int_equal(dst->est.last.inpkts, 200);
	assert_int_equal(f->st.est_total.last.conns, 100);
	assert_true(dst->est.cps > 0);

	/* Nothing new: the same as a tick on the same counters. */
	want = dst->est;
	est_tick(&want, &want.last);
	rates_tick(&f->st);
	assert_memory_equal(&dst->est, &want, sizeof(want));
	assert_int_equal(svc->est.cps, dst->est.cps);

	/* More traffic: read again. */
	put_stats(&f->st, f->st.maps.dest_stats, dst->id, 150);
	put_stats(&f->st, f->st.maps.glob_stats, 0, 150);
	want = dst->est;
	est_tick(&want, &(struct xvs_stats){ .conns = 150, .inpkts = 300 });
	rates_tick(&f->st);
	assert_memory_equal(&dst->est, &want, sizeof(want));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tick, xvsd_fixture_setup,
						xvsd_fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
