// SPDX-License-Identifier: GPL-2.0
/*
 * Mark rules and fwmark services in xvsd, on real (unpinned) maps of the
 * datapath object: rules keep their order through append, insert and
 * delete; each change lands in the bank not in use and then switches
 * globals.mark_bank; every refused change (bad rule, duplicate, full list,
 * no such rule or position) answers its errno and changes nothing; an
 * fwmark service sits in svc_map under (mark, 0, 0) with its mark in
 * svc_fwmark, lists as fwmark N without xvs's private flag, and is found
 * again after a restart. Needs root (BPF maps).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <bpf/bpf.h>

#include "xvs.skel.h"
#include "xvsd_maps_test.h"
#include "xvsd/list.h"
#include "xvsd/markrule.h"
#include "xvsd/svc.h"

static struct xvs_ctl_mark_rule rule(const char *dst, __u16 port, __u32 mark)
{
	struct xvs_ctl_mark_rule r = { .daddr = inet_addr(dst), .dmask = 0xffffffff,
				       .proto = IPPROTO_TCP, .mark = mark, .nports = 1 };

	r.port_lo[0] = r.port_hi[0] = port;
	return r;
}

/* The marks of the rules in use, in order, as "1,2,3". */
static void marks(struct xvsd *st, char *buf)
{
	struct xvs_ctl_mark_rule r[XVS_MAX_MARK_RULES];
	size_t n, i;

	assert_int_equal(markrule_get(st, r, &n), 0);
	*buf = '\0';
	for (i = 0; i < n; i++)
		sprintf(buf + strlen(buf), "%s%u", i ? "," : "", r[i].mark);
}

/* What the datapath reads: the bank globals.mark_bank names. */
static __u32 dp_count(struct xvsd *st)
{
	struct xvs_globals g;
	struct xvs_mark_set set;
	__u32 zero = 0, bank;

	assert_int_equal(bpf_map_lookup_elem(st->maps.globals, &zero, &g), 0);
	if (!g.mark_bank)
		return 0;
	bank = g.mark_bank - 1;
	assert_int_equal(bpf_map_lookup_elem(st->maps.mark_rules, &bank, &set), 0);
	return set.count;
}

static void test_order_and_banks(void **state)
{
	struct xvsd_fixture *f = *state;
	struct xvs_ctl_mark_rule a = rule("192.168.1.200", 80, 1), b = rule("192.168.1.200", 443, 2);
	struct xvs_ctl_mark_rule c = rule("192.168.1.201", 80, 3);
	char buf[256];
	__u32 bank;

	if (!f)
		skip();
	assert_int_equal(f->st.globals.mark_bank, 0);
	assert_int_equal(markrule_add(&f->st, 0, &a), 0);
	bank = f->st.globals.mark_bank;
	assert_true(bank == 1 || bank == 2);
	assert_int_equal(markrule_add(&f->st, 0, &b), 0);
	assert_int_equal(f->st.globals.mark_bank, 3 - bank);
	assert_int_equal(markrule_add(&f->st, 1, &c), 0);
	marks(&f->st, buf);
	assert_string_equal(buf, "3,1,2");
	assert_int_equal(dp_count(&f->st), 3);
	assert_int_equal(markrule_del(&f->st, 2, NULL), 0);
	marks(&f->st, buf);
	assert_string_equal(buf, "3,2");
	assert_int_equal(markrule_del(&f->st, 0, &c), 0);
	marks(&f->st, buf);
	assert_string_equal(buf, "2");
	assert_int_equal(markrule_set(&f->st, NULL, 0), 0);
	assert_int_equal(f->st.globals.mark_bank, 0);
	assert_int_equal(dp_count(&f->st), 0);
}

static void test_refused_change_nothing(void **state)
{
	struct xvsd_fixture *f = *state;
	struct xvs_ctl_mark_rule a = rule("192.168.1.200", 80, 1), bad, many[XVS_MAX_MARK_RULES + 1];
	char before[256], after[256];
	__u32 bank;
	int i;

	if (!f)
		skip();
	assert_int_equal(markrule_add(&f->st, 0, &a), 0);
	marks(&f->st, before);
	bank = f->st.globals.mark_bank;
	bad = a, bad.mark = 0;
	assert_int_equal(markrule_add(&f->st, 0, &bad), -EINVAL);
	bad = a, bad.proto = IPPROTO_ICMP;
	assert_int_equal(markrule_add(&f->st, 0, &bad), -EINVAL);
	bad = a, bad.dmask = htonl(0xff00ff00);
	assert_int_equal(markrule_add(&f->st, 0, &bad), -EINVAL);
	bad = a, bad.dmask = htonl(0xffffff00);
	assert_int_equal(markrule_add(&f->st, 0, &bad), -EINVAL);	/* host bits set */
	bad = a, bad.port_lo[0] = 90;
	assert_int_equal(markrule_add(&f->st, 0, &bad), -EINVAL);
	bad = a, bad.nports = XVS_CTL_MARK_PORTS + 1;
	assert_int_equal(markrule_add(&f->st, 0, &bad), -EINVAL);
	assert_int_equal(markrule_add(&f->st, 0, &a), -EEXIST);
	assert_int_equal(markrule_add(&f->st, 3, &a), -EEXIST);
	bad = rule("192.168.1.9", 80, 9);
	assert_int_equal(markrule_add(&f->st, 3, &bad), -ERANGE);
	assert_int_equal(markrule_del(&f->st, 2, NULL), -ERANGE);
	assert_int_equal(markrule_del(&f->st, 0, &bad), -ENOENT);
	for (i = 0; i <= XVS_MAX_MARK_RULES; i++)
		many[i] = rule("10.0.0.1", i + 1, 5);
	assert_int_equal(markrule_set(&f->st, many, XVS_MAX_MARK_RULES + 1), -ENOSPC);
	many[1] = many[0];
	assert_int_equal(markrule_set(&f->st, many, 2), -EEXIST);
	assert_int_equal(f->st.globals.mark_bank, bank);
	marks(&f->st, after);
	assert_string_equal(before, after);
	/* a full list takes no more */
	assert_int_equal(markrule_set(&f->st, many + 1, XVS_MAX_MARK_RULES), 0);
	assert_int_equal(markrule_add(&f->st, 0, &bad), -ENOSPC);
	assert_int_equal(dp_count(&f->st), XVS_MAX_MARK_RULES);
}

static void test_fwmark_service(void **state)
{
	struct xvsd_fixture *f = *state;
	struct xvs_ctl_svc req = { .id = { .af = AF_INET, .fwmark = 7 }, .sched = "rr" };
	struct xvs_svc_key k = { .addr = htonl(7) };
	struct xvs_ctl_svc *out;
	struct xvsd_maps m = f ? f->st.maps : (struct xvsd_maps){ 0 };
	struct xvs_svc v;
	void *reply;
	size_t len;
	__u32 mark;

	if (!f)
		skip();
	assert_int_equal(svc_add(&f->st, &req), 0);
	assert_int_equal(svc_add(&f->st, &req), -EEXIST);
	assert_int_equal(bpf_map_lookup_elem(m.svc_map, &k, &v), 0);
	assert_true(v.flags & XVS_SVC_F_FWMARK);
	assert_int_equal(bpf_map_lookup_elem(m.svc_fwmark, &v.id, &mark), 0);
	assert_int_equal(mark, 7);
	req.flags = XVS_SVC_F_PERSISTENT;
	req.timeout = 60;
	req.netmask = 0xffffffff;
	assert_int_equal(svc_edit(&f->st, &req), 0);
	assert_int_equal(bpf_map_lookup_elem(m.svc_map, &k, &v), 0);
	assert_int_equal(v.flags, XVS_SVC_F_FWMARK | XVS_SVC_F_PERSISTENT);
	/* listed as fwmark 7, protocol 0, without the private flag */
	assert_int_equal(list_services(&f->st, &req.id, &reply, &len), 0);
	assert_true(len >= sizeof(*out));
	out = reply;
	assert_int_equal(out->id.fwmark, 7);
	assert_int_equal(out->id.proto, 0);
	assert_int_equal(out->flags, XVS_SVC_F_PERSISTENT);
	free(reply);
	/* a restarted xvsd finds it by its mark */
	state_free(&f->st);
	memset(&f->st, 0, sizeof(f->st));
	assert_int_equal(state_adopt(&f->st, &m), 0);
	assert_int_equal(svc_del(&f->st, &req.id), 0);
	assert_int_equal(svc_del(&f->st, &req.id), -ESRCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order_and_banks, xvsd_fixture_setup, xvsd_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_refused_change_nothing, xvsd_fixture_setup, xvsd_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_fwmark_service, xvsd_fixture_setup, xvsd_fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
