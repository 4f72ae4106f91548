// SPDX-License-Identifier: GPL-2.0
/*
 * lblc_v4 expiry (src/xvsd/sched_lblc.c) on real maps against IPVS's
 * check_expire timers: a full run drops entries idle 24 h, a normal run
 * trims only a cache grown past max_size (entries idle 6 min, goal
 * (entries - max) * 4/3), entries of a service that is gone or no longer
 * lblc/lblcr go at any run; the timer runs once a minute, fully every 30th.
 * Needs root (BPF maps).
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
#include <cmocka.h>
#include <bpf/bpf.h>

#include "xvsd_maps_test.h"
#include "xvsd/sched_lblc.h"
#include "xvsd/svc.h"

#define SEC_NS	1000000000ull
#define T0	(100ull * 24 * 3600 * SEC_NS)	/* "now" of the tests */

struct fixture {
	struct xvs *skel;
	struct xvsd st;
	__u32 lblc, lblcr, rr;	/* service ids */
};

static __u32 add_svc(struct xvsd *st, int port, const char *sched)
{
	struct xvs_ctl_svc s;
	struct xvs_svc_key key = { .port = htons(port), .proto = IPPROTO_TCP };
	struct xvsd_svc *v;

	memset(&s, 0, sizeof(s));
	s.id.af = AF_INET;
	s.id.proto = IPPROTO_TCP;
	inet_pton(AF_INET, "192.168.1.200", &s.id.addr[0]);
	key.addr = s.id.addr[0];
	s.id.port = htons(port);
	snprintf(s.sched, sizeof(s.sched), "%s", sched);
	s.netmask = 0xffffffff;
	assert_int_equal(svc_add(st, &s), 0);
	v = state_find_svc(st, &key);
	assert_non_null(v);
	return v->id;
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
	f->lblc = add_svc(&f->st, 80, "lblc");
	f->lblcr = add_svc(&f->st, 81, "lblcr");
	f->rr = add_svc(&f->st, 82, "rr");
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

static void put(struct fixture *f, __u32 sid, __u32 addr, __u64 lastuse)
{
	struct xvs_lblc_key k = { .svc_id = sid, .addr = htonl(addr) };
	struct xvs_lblc v = { .lastuse = lastuse, .lastmod = lastuse, .count = 1,
			      .svc_id = sid, .dest = { 1 } };

	assert_int_equal(bpf_map_update_elem(f->st.maps.lblc_v4, &k, &v, BPF_ANY), 0);
}

static bool has(struct fixture *f, __u32 sid, __u32 addr)
{
	struct xvs_lblc_key k = { .svc_id = sid, .addr = htonl(addr) };
	struct xvs_lblc v;

	return !bpf_map_lookup_elem(f->st.maps.lblc_v4, &k, &v);
}

static void test_expire(void **state)
{
	struct fixture *f = *state;

	NEED_ROOT(f);
	put(f, f->lblc, 1, T0 - 24 * 3600 * SEC_NS);		/* idle exactly 24 h */
	put(f, f->lblc, 2, T0 - 24 * 3600 * SEC_NS + 1);	/* 1 ns short of it */
	put(f, f->lblcr, 3, T0 - 7 * 60 * SEC_NS);		/* idle 7 min */
	put(f, f->rr, 4, T0);					/* service is rr now */
	put(f, 999, 5, T0);					/* service gone */

	/* A normal run, caches under max_size: only the foreign entries go. */
	assert_int_equal(sched_lblc_expire(&f->st, T0, false), 2);
	assert_true(has(f, f->lblc, 1) && has(f, f->lblc, 2) && has(f, f->lblcr, 3));
	assert_false(has(f, f->rr, 4) || has(f, 999, 5));

	/* A full run: now >= lastuse + 24 h. */
	assert_int_equal(sched_lblc_expire(&f->st, T0, true), 1);
	assert_false(has(f, f->lblc, 1));
	assert_true(has(f, f->lblc, 2) && has(f, f->lblcr, 3));
}

static void test_trim(void **state)
{
	struct fixture *f = *state;
	__u32 i, n = XVS_LBLC_MAX + 3, left = 0;

	NEED_ROOT(f);
	/* max_size + 3 entries, the first 100 idle 6 min: the goal is 3 * 4/3 = 4. */
	for (i = 0; i < n; i++)
		put(f, f->lblc, 0x0a000000 + i, i < 100 ? T0 - 6 * 60 * SEC_NS : T0);
	put(f, f->lblcr, 1, T0 - 3600 * SEC_NS);	/* another service's cache: small */
	assert_int_equal(sched_lblc_expire(&f->st, T0, false), 4);
	for (i = 0; i < n; i++)
		left += has(f, f->lblc, 0x0a000000 + i);
	assert_int_equal(left, n - 4);
	assert_true(has(f, f->lblcr, 1));
	/* Under max_size now... still 16383 + 3 - 4 = max - 1: nothing more. */
	assert_int_equal(sched_lblc_expire(&f->st, T0, false), 0);
}

static void test_tick(void **state)
{
	struct fixture *f = *state;
	int i;

	NEED_ROOT(f);
	put(f, f->lblcr, 7, T0 - 24 * 3600 * SEC_NS);
	/* The first tick is a normal run; then nothing for 60 s. */
	assert_int_equal(sched_lblc_tick(&f->st, T0), 0);
	assert_int_equal(sched_lblc_tick(&f->st, T0 + 59 * SEC_NS), 0);
	/* Runs 2 .. 29 are normal ones; the 30th is full and drops it. */
	for (i = 2; i < 30; i++) {
		assert_int_equal(sched_lblc_tick(&f->st, T0 + i * 60 * SEC_NS), 0);
		assert_true(has(f, f->lblcr, 7));
	}
	assert_int_equal(sched_lblc_tick(&f->st, T0 + 30 * 60 * SEC_NS), 1);
	assert_false(has(f, f->lblcr, 7));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_expire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tick, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
