// SPDX-License-Identifier: GPL-2.0
/*
 * addr_set kept by adjustments (addrset_svc/addrset_dest from each change)
 * holds exactly what a whole rebuild (addrset_sync) computes, through adds,
 * removals, shared VIPs and servers, trash and resurrection, -C and port-0
 * services, batches past the first size of the counts' table; a set that
 * went wrong is found by the sweep's comparison and rebuilt. Real
 * (unpinned) maps of the datapath object. Needs root (BPF maps).
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
#include "xvsd/addrset.h"
#include "xvsd/svc.h"

#define MAX_ENT 1024

struct fixture {
	struct xvs *skel;
	struct xvsd st;
};

struct ent {
	struct xvs_addr_key key;
	__u32 count;
};

static int setup(void **state)
{
	struct fixture *f;

	if (geteuid()) {
		*state = NULL;
		return 0;
	}
	f = calloc(1, sizeof(*f));
	xvsd_test_state_load(&f->skel, &f->st, NULL);
	/* Adoption leaves the set stale: what ctl's first change rebuilds. */
	assert_true(f->st.addrset_stale);
	assert_int_equal(addrset_sync(&f->st), 0);
	assert_false(f->st.addrset_stale);
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

static struct xvs_ctl_svc svc_req(int proto, const char *vip, int port)
{
	struct xvs_ctl_svc s;

	memset(&s, 0, sizeof(s));
	s.id.af = AF_INET;
	s.id.proto = proto;
	inet_pton(AF_INET, vip, &s.id.addr[0]);
	s.id.port = htons(port);
	snprintf(s.sched, sizeof(s.sched), "rr");
	s.netmask = 0xffffffff;
	return s;
}

static struct xvs_ctl_dest dest_req(const char *rip, int port)
{
	struct xvs_ctl_dest d;

	memset(&d, 0, sizeof(d));
	d.af = AF_INET;
	inet_pton(AF_INET, rip, &d.addr[0]);
	d.port = htons(port);
	d.fwd = XVS_FWD_MASQ;
	d.weight = 1;
	return d;
}

static int ent_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct xvs_addr_key));
}

/* addr_set's entries, sorted; returns how many. */
static size_t dump(struct fixture *f, struct ent *e)
{
	struct xvs_addr_key key, *prev = NULL;
	size_t n = 0;

	while (!bpf_map_get_next_key(f->st.maps.addr_set, prev, &key)) {
		assert_true(n < MAX_ENT);
		e[n].key = key;
		assert_int_equal(bpf_map_lookup_elem(f->st.maps.addr_set, &key, &e[n].count), 0);
		prev = &e[n++].key;
	}
	qsort(e, n, sizeof(*e), ent_cmp);
	return n;
}

static __u32 port0_count(struct fixture *f)
{
	__u32 zero = 0, n = 0;

	assert_int_equal(bpf_map_lookup_elem(f->st.maps.svc_port0, &zero, &n), 0);
	return n;
}

/*
 * The adjusted set equals the rebuilt one and has @want entries; returns
 * the count of @addr:@port (a server when @port, else the VIP), 0 if absent.
 */
static __u32 check(struct fixture *f, size_t want, const char *addr, int port)
{
	struct ent adj[MAX_ENT], full[MAX_ENT];
	__u32 p0 = port0_count(f), count = 0;
	size_t n = dump(f, adj), i;
	__u32 a;

	assert_false(f->st.addrset_stale);
	assert_int_equal(addrset_sync(&f->st), 0);
	assert_int_equal(dump(f, full), n);
	assert_memory_equal(adj, full, n * sizeof(*adj));
	assert_int_equal(port0_count(f), p0);
	assert_int_equal(n, want);
	inet_pton(AF_INET, addr, &a);
	for (i = 0; i < n; i++)
		if (adj[i].key.addr == a && adj[i].key.port == htons(port) &&
		    adj[i].key.kind == (port ? XVS_ADDR_RS : XVS_ADDR_VIP))
			count = adj[i].count;
	return count;
}

static void test_adjusted_equals_rebuilt(void **state)
{
	struct fixture *f = *state;
	struct xvs_ctl_svc s80 = svc_req(IPPROTO_TCP, "192.168.1.200", 80);
	struct xvs_ctl_svc s443 = svc_req(IPPROTO_TCP, "192.168.1.200", 443);
	struct xvs_ctl_svc u53 = svc_req(IPPROTO_UDP, "192.168.1.201", 53);
	struct xvs_ctl_dest rs1 = dest_req("10.0.0.2", 80), rs2 = dest_req("10.0.0.3", 80);
	struct xvs_ctl_dest dns = dest_req("10.0.0.2", 53);

	NEED_ROOT(f);
	assert_int_equal(check(f, 0, "192.168.1.200", 0), 0);
	assert_int_equal(svc_add(&f->st, &s80), 0);
	assert_int_equal(check(f, 1, "192.168.1.200", 0), 1);
	/* Two services on one VIP count it twice; one server in both, twice. */
	assert_int_equal(svc_add(&f->st, &s443), 0);
	assert_int_equal(dest_add(&f->st, &s80.id, &rs1), 0);
	assert_int_equal(dest_add(&f->st, &s80.id, &rs2), 0);
	assert_int_equal(dest_add(&f->st, &s443.id, &rs1), 0);
	assert_int_equal(check(f, 3, "192.168.1.200", 0), 2);
	assert_int_equal(check(f, 3, "10.0.0.2", 80), 2);
	assert_int_equal(svc_add(&f->st, &u53), 0);
	assert_int_equal(dest_add(&f->st, &u53.id, &dns), 0);
	assert_int_equal(check(f, 5, "10.0.0.2", 53), 1);
	/* A refused add (same server again) changes nothing. */
	assert_int_equal(dest_add(&f->st, &s80.id, &rs1), -EEXIST);
	assert_int_equal(check(f, 5, "10.0.0.2", 80), 2);
	/* Removal, then resurrection from the trash. */
	assert_int_equal(dest_del(&f->st, &s80.id, &rs1), 0);
	assert_int_equal(check(f, 5, "10.0.0.2", 80), 1);
	assert_int_equal(dest_del(&f->st, &s443.id, &rs1), 0);
	assert_int_equal(check(f, 4, "10.0.0.2", 80), 0);
	assert_int_equal(dest_add(&f->st, &s80.id, &rs1), 0);
	assert_int_equal(check(f, 5, "10.0.0.2", 80), 1);
	/* A service's removal takes its VIP count and its servers'. */
	assert_int_equal(svc_del(&f->st, &s80.id), 0);
	assert_int_equal(check(f, 3, "192.168.1.200", 0), 1);
	assert_int_equal(check(f, 3, "10.0.0.3", 80), 0);
	assert_int_equal(svc_flush(&f->st), 0);
	assert_int_equal(check(f, 0, "192.168.1.201", 0), 0);
}

static void test_port0_counted(void **state)
{
	struct fixture *f = *state;
	struct xvs_ctl_svc p0 = svc_req(IPPROTO_TCP, "192.168.1.200", 0);

	NEED_ROOT(f);
	p0.flags = XVS_SVC_F_PERSISTENT;
	p0.timeout = 300;
	assert_int_equal(svc_add(&f->st, &p0), 0);
	assert_int_equal(port0_count(f), 1);
	assert_int_equal(check(f, 1, "192.168.1.200", 0), 1);
	assert_int_equal(svc_del(&f->st, &p0.id), 0);
	assert_int_equal(port0_count(f), 0);
	assert_int_equal(check(f, 0, "192.168.1.200", 0), 0);
}

/* An entry someone else removed or changed: the sweep's comparison with
 * the counts xvsd wrote finds it, and the rebuild restores what the
 * services say. */
static void test_stale_rebuilt(void **state)
{
	struct fixture *f = *state;
	struct xvs_ctl_svc s = svc_req(IPPROTO_TCP, "192.168.1.200", 80);
	struct xvs_ctl_dest rs1 = dest_req("10.0.0.2", 80), rs2 = dest_req("10.0.0.3", 80);
	struct ent e[MAX_ENT];
	__u32 bad = 7;

	NEED_ROOT(f);
	assert_int_equal(svc_add(&f->st, &s), 0);
	assert_int_equal(dest_add(&f->st, &s.id, &rs1), 0);
	assert_int_equal(dest_add(&f->st, &s.id, &rs2), 0);
	assert_int_equal(dump(f, e), 3);
	assert_int_equal(bpf_map_delete_elem(f->st.maps.addr_set, &e[0].key), 0);
	assert_int_equal(bpf_map_update_elem(f->st.maps.addr_set, &e[1].key, &bad, BPF_ANY), 0);
	assert_int_equal(addrset_check(&f->st), 0);
	assert_int_equal(check(f, 3, "10.0.0.3", 80), 1);
	assert_int_equal(bpf_map_delete_elem(f->st.maps.addr_set, &e[2].key), 0);
	assert_int_equal(dest_del(&f->st, &s.id, &rs1), 0);
	assert_int_equal(addrset_check(&f->st), 0);
	assert_int_equal(check(f, 2, "10.0.0.3", 80), 1);
	assert_int_equal(check(f, 2, "10.0.0.2", 80), 0);
	/* An extra entry goes too. */
	assert_int_equal(bpf_map_update_elem(f->st.maps.addr_set, &e[0].key, &bad, BPF_ANY), 0);
	assert_int_equal(addrset_check(&f->st), 0);
	assert_int_equal(check(f, 2, "10.0.0.3", 80), 1);
}

/*
 * Batches of 120 servers (one addr_set write each) over 5 services: more
 * keys than the counts' first table holds; each step equals the rebuild,
 * and -C (one write for all) empties the set.
 */
static void test_many_keys(void **state)
{
	struct fixture *f = *state;
	struct xvs_ctl_dest d[120];
	struct xvs_ctl_svc s;
	__s32 res[120];
	char ip[INET_ADDRSTRLEN];
	int i, j;

	NEED_ROOT(f);
	for (i = 0; i < 5; i++) {
		s = svc_req(IPPROTO_TCP, "192.168.1.200", 80 + i);
		assert_int_equal(svc_add(&f->st, &s), 0);
		for (j = 0; j < 120; j++) {
			snprintf(ip, sizeof(ip), "10.0.%d.%d", i, j + 2);
			d[j] = dest_req(ip, 80);
		}
		assert_int_equal(dest_add_many(&f->st, &s.id, d, 120, res), 120);
	}
	assert_int_equal(check(f, 601, "10.0.4.121", 80), 1);
	assert_int_equal(check(f, 601, "192.168.1.200", 0), 5);
	/* The servers' addresses from the counts (neigh.c), each once here. */
	{
		__u32 addrs[700], n = 0, k, want;

		assert_int_equal(addrset_rs_addrs(&f->st, addrs, 700, &n), 0);
		assert_int_equal(n, 600);
		inet_pton(AF_INET, "10.0.4.121", &want);
		for (k = 0; k < n && addrs[k] != want; k++)
			;
		assert_true(k < n);
		assert_int_equal(addrset_rs_addrs(&f->st, addrs, 10, &n), -ENOSPC);
		f->st.addrset_stale = true;
		assert_int_equal(addrset_rs_addrs(&f->st, addrs, 700, &n), -ESTALE);
		f->st.addrset_stale = false;
	}
	/* A service's servers go in one write too. */
	assert_int_equal(svc_del(&f->st, &s.id), 0);
	assert_int_equal(check(f, 481, "10.0.4.121", 80), 0);
	assert_int_equal(addrset_check(&f->st), 0);
	assert_false(f->st.addrset_stale);
	assert_int_equal(svc_flush(&f->st), 0);
	assert_int_equal(check(f, 0, "192.168.1.200", 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_adjusted_equals_rebuilt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port0_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_rebuilt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_keys, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
