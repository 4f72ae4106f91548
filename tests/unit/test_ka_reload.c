// SPDX-License-Identifier: GPL-2.0
/*
 * keepalived.conf's SIGHUP on real maps (src/xvsd/ka_apply.c, ka_sync.c;
 * needs root): a reload of an unchanged file writes no service again,
 * port-0 and fwmark virtual servers included (their services carry xvsd's
 * private PORT0 / FWMARK flags, which the file never names), and a changed
 * persistence_timeout is written.
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
#include <bpf/bpf.h>
#include <cmocka.h>

#include "xvsd/ka_apply.h"
#include "xvsd/loop.h"
#include "xvsd/state.h"
#include "xvsd_maps_test.h"

#define SENTINEL 4242	/* a timeout no file here sets: a rewrite replaces it */

static const char conf_fmt[] =
	"virtual_server 192.168.1.200 0 {\n"
	"    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n"
	"    persistence_timeout %d\n"
	"    real_server 10.0.0.2 0 {\n        weight 1\n    }\n"
	"}\n"
	"virtual_server fwmark 7 {\n"
	"    lb_algo rr\n    lb_kind NAT\n    persistence_timeout 60\n"
	"    real_server 10.0.0.3 0 {\n        weight 1\n    }\n"
	"}\n"
	"virtual_server 192.168.1.200 80 {\n"
	"    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n"
	"    real_server 10.0.0.4 80 {\n        weight 1\n    }\n"
	"}\n";

struct fixture {
	struct xvs *skel;
	struct xvsd st;
	struct loop *l;
	struct ka *k;
	char path[64];
};

static void write_conf(struct fixture *f, int timeout)
{
	FILE *fp = fopen(f->path, "w");

	assert_non_null(fp);
	fprintf(fp, conf_fmt, timeout);
	assert_int_equal(fclose(fp), 0);
}

static int setup(void **state)
{
	struct fixture *f;
	int fd;

	if (geteuid()) {
		*state = NULL;
		return 0;
	}
	f = calloc(1, sizeof(*f));
	xvsd_test_state_load(&f->skel, &f->st, NULL);
	f->l = loop_new();
	assert_non_null(f->l);
	strcpy(f->path, "/tmp/test_ka_reload.XXXXXX");
	fd = mkstemp(f->path);
	assert_true(fd >= 0);
	close(fd);
	write_conf(f, 60);
	f->k = ka_new(f->path, NULL);
	assert_non_null(f->k);
	assert_int_equal(ka_load(f->k), 0);
	assert_int_equal(ka_start(f->k, &f->st, f->l), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (!f)
		return 0;
	ka_stop(f->k);
	ka_free(f->k);
	loop_free(f->l);
	xvsd_test_state_free(f->skel, &f->st);
	unlink(f->path);
	free(f);
	return 0;
}

static struct xvs_svc_key key_of(__u8 proto, __u16 port, __u32 addr_or_mark)
{
	struct xvs_svc_key k = { .proto = proto, .port = htons(port) };

	if (proto)
		inet_pton(AF_INET, "192.168.1.200", &k.addr);
	else
		k.addr = htonl(addr_or_mark);
	return k;
}

static const struct {
	const char *name;
	__u8 proto;
	__u16 port;
	__u32 mark;
} svcs[] = {
	{ "TCP 192.168.1.200:0", IPPROTO_TCP, 0, 0 },
	{ "FWM 7", 0, 0, 7 },
	{ "TCP 192.168.1.200:80", IPPROTO_TCP, 80, 0 },
};

/* svc_map's entry of @i. */
static struct xvs_svc map_svc(struct fixture *f, size_t i)
{
	struct xvs_svc_key k = key_of(svcs[i].proto, svcs[i].port, svcs[i].mark);
	struct xvs_svc v;

	assert_int_equal(bpf_map_lookup_elem(f->st.maps.svc_map, &k, &v), 0);
	return v;
}

/* Mark every service's map entry behind xvsd's back: an edit would overwrite it. */
static void mark_entries(struct fixture *f)
{
	struct xvs_svc v;
	size_t i;

	for (i = 0; i < sizeof(svcs) / sizeof(svcs[0]); i++) {
		struct xvs_svc_key k = key_of(svcs[i].proto, svcs[i].port, svcs[i].mark);

		v = map_svc(f, i);
		v.timeout = SENTINEL;
		assert_int_equal(bpf_map_update_elem(f->st.maps.svc_map, &k, &v, BPF_EXIST), 0);
	}
}

static void test_unchanged(void **state)
{
	struct fixture *f = *state;
	size_t i;

	NEED_ROOT(f);
	assert_true(map_svc(f, 0).flags & XVS_SVC_F_PORT0);
	assert_true(map_svc(f, 1).flags & XVS_SVC_F_FWMARK);
	mark_entries(f);
	ka_reload(f->k);
	for (i = 0; i < sizeof(svcs) / sizeof(svcs[0]); i++) {
		print_message("%s\n", svcs[i].name);
		assert_int_equal(map_svc(f, i).timeout, SENTINEL);
	}
}

static void test_changed(void **state)
{
	struct fixture *f = *state;

	NEED_ROOT(f);
	mark_entries(f);
	write_conf(f, 120);
	ka_reload(f->k);
	assert_int_equal(map_svc(f, 0).timeout, 120);
	assert_true(map_svc(f, 0).flags & XVS_SVC_F_PORT0);
	assert_int_equal(map_svc(f, 1).timeout, SENTINEL);
	assert_int_equal(map_svc(f, 2).timeout, SENTINEL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unchanged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
