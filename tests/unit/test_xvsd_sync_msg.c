// SPDX-License-Identifier: GPL-2.0
/*
 * The connection sync wire format (src/xvsd/sync_msg.c): a batch survives
 * encode and decode field for field, the bytes sit where sync_msg.h says
 * (network order), the capacity follows --sync-maxlen, and every kind of
 * bad datagram is refused whole. fwmark services' templates (protocol 0,
 * the mark for VIP) and connections (their mark), port-0 and -o ones
 * travel; a version 1 datagram (an older xvs) is still taken.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "xvsd/sync_msg.h"

static struct sync_conn tcp_conn(void)
{
	struct sync_conn c = {
		.proto = IPPROTO_TCP,
		.state = XVS_TCP_S_ESTABLISHED,
		.flags = XVS_CONN_F_SEEN_REPLY | XVS_CONN_F_CONTROLLED,
		.cport = htons(40000),
		.vport = htons(80),
		.dport = htons(8080),
		.timeout = 900,
	};

	inet_pton(AF_INET, "192.168.1.50", &c.caddr);
	inet_pton(AF_INET, "192.168.1.200", &c.vaddr);
	inet_pton(AF_INET, "10.0.0.2", &c.daddr);
	inet_pton(AF_INET, "192.168.1.0", &c.tpl_addr);
	return c;
}

static void assert_conn_equal(const struct sync_conn *a, const struct sync_conn *b)
{
	assert_int_equal(a->proto, b->proto);
	assert_int_equal(a->state, b->state);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->caddr, b->caddr);
	assert_int_equal(a->vaddr, b->vaddr);
	assert_int_equal(a->daddr, b->daddr);
	assert_int_equal(a->cport, b->cport);
	assert_int_equal(a->vport, b->vport);
	assert_int_equal(a->dport, b->dport);
	assert_int_equal(a->timeout, b->timeout);
	assert_int_equal(a->tpl_addr, b->tpl_addr);
	assert_int_equal(a->fwmark, b->fwmark);
}

static void test_round_trip(void **state)
{
	struct sync_conn in[6], out[6];
	__u8 buf[SYNC_MSG_HDR_LEN + 6 * SYNC_MSG_CONN_LEN], syncid = 0;
	size_t len, i;

	(void)state;
	in[0] = tcp_conn();
	in[1] = tcp_conn();
	in[1].proto = IPPROTO_UDP;
	in[1].state = XVS_S_UDP;
	in[1].flags = 0;
	in[1].timeout = 300;
	in[2] = tcp_conn();
	in[2].flags = XVS_CONN_F_TEMPLATE;
	in[2].state = XVS_TPL_S_ASSURED;
	in[2].cport = 0;
	in[2].tpl_addr = 0;
	/* an fwmark service's template: protocol 0, VIP the mark, no ports */
	in[3] = in[2];
	in[3].proto = 0;
	in[3].vaddr = htonl(70000);
	in[3].vport = 0;
	in[3].dport = 0;
	in[3].fwmark = 70000;
	/* a connection it controls */
	in[4] = tcp_conn();
	in[4].flags |= XVS_CONN_F_FWMARK;
	in[4].fwmark = 70000;
	/* a port-0 service's -o datagram */
	in[5] = in[1];
	in[5].flags = XVS_CONN_F_OPS | XVS_CONN_F_PORT0;
	len = sync_msg_encode(buf, 42, in, 6);
	assert_int_equal(len, sizeof(buf));
	assert_int_equal(sync_msg_decode(buf, len, &syncid, out, 6), 6);
	assert_int_equal(syncid, 42);
	for (i = 0; i < 6; i++)
		assert_conn_equal(&in[i], &out[i]);
}

/* What an xvs before version 2 sends: 32-byte records, no mark. */
static void test_version1(void **state)
{
	__u8 buf[SYNC_MSG_HDR_LEN + 2 * SYNC_MSG_CONN_LEN_V1], syncid = 0;
	struct sync_conn c = tcp_conn(), out[2];

	(void)state;
	c.fwmark = 5;
	sync_msg_encode(buf, 3, &c, 1);
	/* a version 1 datagram is a version 2 one's first 32 bytes of each record */
	buf[4] = SYNC_MSG_VERSION_V1;
	memcpy(buf + SYNC_MSG_HDR_LEN + SYNC_MSG_CONN_LEN_V1, buf + SYNC_MSG_HDR_LEN,
	       SYNC_MSG_CONN_LEN_V1);
	buf[7] = 2;
	memset(out, 0xa5, sizeof(out));
	assert_int_equal(sync_msg_decode(buf, sizeof(buf), &syncid, out, 2), 2);
	assert_int_equal(syncid, 3);
	c.fwmark = 0;
	assert_conn_equal(&c, &out[0]);
	assert_conn_equal(&c, &out[1]);
	/* version 1 knew none of the FWMARK, OPS, PORT0 flags */
	buf[SYNC_MSG_HDR_LEN + 3] |= XVS_CONN_F_OPS;
	assert_int_equal(sync_msg_decode(buf, sizeof(buf), &syncid, out, 2), -EINVAL);
	/* nor a 36-byte record */
	buf[SYNC_MSG_HDR_LEN + 3] &= ~XVS_CONN_F_OPS;
	buf[7] = 1;
	assert_int_equal(sync_msg_decode(buf, SYNC_MSG_HDR_LEN + SYNC_MSG_CONN_LEN, &syncid,
					 out, 2), -EINVAL);
}

/* The layout of sync_msg.h, byte for byte. */
static void test_layout(void **state)
{
	static const __u8 want[] = {
		'X', 'V', 'S', 'Y', 2, 5, 0, 1,
		IPPROTO_TCP, XVS_TCP_S_ESTABLISHED, 0, 0x0e,
		192, 168, 1, 50, 192, 168, 1, 200, 10, 0, 0, 2,
		0x9c, 0x40, 0, 80, 0x1f, 0x90, 0, 0,
		0, 0, 0x03, 0x84, 192, 168, 1, 0,
		0, 0x01, 0x11, 0x70,
	};
	struct sync_conn c = tcp_conn();
	__u8 buf[SYNC_MSG_HDR_LEN + SYNC_MSG_CONN_LEN];

	(void)state;
	c.flags |= XVS_CONN_F_FWMARK;
	c.fwmark = 70000;
	assert_int_equal(sizeof(want), sizeof(buf));
	assert_int_equal(sync_msg_encode(buf, 5, &c, 1), sizeof(buf));
	assert_memory_equal(buf, want, sizeof(want));
}

/* The records a datagram of maxlen bytes carries: IPVS's 1472 default. */
static void test_capacity(void **state)
{
	(void)state;
	assert_int_equal(sync_msg_capacity(1472), (1472 - 8) / 36);
	assert_int_equal(sync_msg_capacity(40), 1);
	assert_int_equal(sync_msg_capacity(1), 1);
	assert_int_equal(sync_msg_capacity(65507), (65507 - 8) / 36);
	assert_true(SYNC_MSG_HDR_LEN + sync_msg_capacity(65507) * SYNC_MSG_CONN_LEN <= 65507);
	/* a receiver holds a largest version 1 datagram's records */
	assert_int_equal(SYNC_MSG_MAX_CONNS, (65507 - 8) / 32);
}

/* A one-record datagram with byte @off set to @val (none if < 0), cut to @len: @err. */
static void expect_refused(int off, __u8 val, size_t len, int err)
{
	struct sync_conn c = tcp_conn(), out[2];
	__u8 buf[SYNC_MSG_HDR_LEN + 2 * SYNC_MSG_CONN_LEN];
	__u8 syncid = 77;

	memset(out, 0xa5, sizeof(out));
	sync_msg_encode(buf, 1, &c, 1);
	if (off >= 0)
		buf[off] = val;
	print_message("byte %d = %u, length %zu\n", off, val, len);
	assert_int_equal(sync_msg_decode(buf, len, &syncid, out, 2), err);
	assert_int_equal(syncid, 77);
}

static void test_refused(void **state)
{
	const size_t one = SYNC_MSG_HDR_LEN + SYNC_MSG_CONN_LEN;

	(void)state;
	expect_refused(0, 'x', one, -EPROTO);			/* magic */
	expect_refused(4, 3, one, -EPROTO);			/* version */
	expect_refused(-1, 0, 4, -EPROTO);			/* shorter than a header */
	expect_refused(7, 0, one, -EINVAL);			/* count 0 */
	expect_refused(7, 3, one, -EINVAL);			/* count above max */
	expect_refused(7, 2, one, -EINVAL);			/* count beyond the data */
	expect_refused(-1, 0, one - 1, -EINVAL);		/* truncated record */
	expect_refused(-1, 0, one + 1, -EINVAL);		/* trailing byte */
	expect_refused(8, IPPROTO_ICMP, one, -EINVAL);		/* protocol */
	expect_refused(9, XVS_S_UDP, one, -EINVAL);		/* UDP state on TCP */
	expect_refused(9, XVS_S_MAX, one, -EINVAL);		/* no such state */
	expect_refused(10, 0x80, one, -EINVAL);			/* unknown flag */
	expect_refused(11, 0x01, one, -EINVAL);		/* template with a port */
	expect_refused(8, 0, one, -EINVAL);			/* protocol 0, a connection */
	expect_refused(11, 0x0c, one, -EINVAL);		/* FWMARK without a mark */
}

/* Protocol 0 is an fwmark template's only: with its mark, without a client port. */
static void test_fwmark_template(void **state)
{
	struct sync_conn c = tcp_conn(), out[1];
	__u8 buf[SYNC_MSG_HDR_LEN + SYNC_MSG_CONN_LEN], syncid;

	(void)state;
	c.proto = 0;
	c.flags = XVS_CONN_F_TEMPLATE;
	c.state = XVS_TPL_S_NONE;
	c.cport = 0;
	c.vport = 0;
	c.vaddr = htonl(3);
	c.fwmark = 3;
	sync_msg_encode(buf, 0, &c, 1);
	assert_int_equal(sync_msg_decode(buf, sizeof(buf), &syncid, out, 1), 1);
	c.fwmark = 0;
	sync_msg_encode(buf, 0, &c, 1);
	assert_int_equal(sync_msg_decode(buf, sizeof(buf), &syncid, out, 1), -EINVAL);
	c.fwmark = 3;
	c.cport = htons(80);
	sync_msg_encode(buf, 0, &c, 1);
	assert_int_equal(sync_msg_decode(buf, sizeof(buf), &syncid, out, 1), -EINVAL);
	/* invalidated (persist.h): ports 65535 */
	c.cport = 0;
	c.vport = c.dport = 0xffff;
	sync_msg_encode(buf, 0, &c, 1);
	assert_int_equal(sync_msg_decode(buf, sizeof(buf), &syncid, out, 1), 1);
}

static void test_udp_and_template_states(void **state)
{
	struct sync_conn c = tcp_conn(), out[1];
	__u8 buf[SYNC_MSG_HDR_LEN + SYNC_MSG_CONN_LEN], syncid;

	(void)state;
	c.proto = IPPROTO_UDP;
	c.state = XVS_TCP_S_ESTABLISHED;
	sync_msg_encode(buf, 0, &c, 1);
	assert_int_equal(sync_msg_decode(buf, sizeof(buf), &syncid, out, 1), -EINVAL);
	c = tcp_conn();
	c.flags = XVS_CONN_F_TEMPLATE;
	c.cport = 0;
	c.state = XVS_TPL_S_ASSURED + 1;
	sync_msg_encode(buf, 0, &c, 1);
	assert_int_equal(sync_msg_decode(buf, sizeof(buf), &syncid, out, 1), -EINVAL);
	c.state = XVS_TPL_S_NONE;
	sync_msg_encode(buf, 0, &c, 1);
	assert_int_equal(sync_msg_decode(buf, sizeof(buf), &syncid, out, 1), 1);
}

/* The record of an IN entry: state without its bits, only the flags that travel. */
static void test_from_conn(void **state)
{
	struct xvs_conn cn = {
		.caddr = 1, .vaddr = 2, .daddr = 3, .cport = 4, .vport = 5, .dport = 6,
		.flags = XVS_CONN_F_SEEN_REPLY | XVS_CONN_F_OPS | XVS_CONN_F_PORT0 | 0x8000,
		.dest_id = 9, .svc_id = 8,
		.state = XVS_TCP_S_FIN_WAIT | XVS_CONN_INACTIVE,
		.timeout = 120, .tpl_addr = 7,
	};
	struct sync_conn s;

	(void)state;
	sync_conn_from(&s, &cn, IPPROTO_TCP);
	assert_int_equal(s.proto, IPPROTO_TCP);
	assert_int_equal(s.state, XVS_TCP_S_FIN_WAIT);
	assert_int_equal(s.flags, XVS_CONN_F_SEEN_REPLY | XVS_CONN_F_OPS | XVS_CONN_F_PORT0);
	assert_int_equal(s.caddr, 1);
	assert_int_equal(s.vaddr, 2);
	assert_int_equal(s.daddr, 3);
	assert_int_equal(s.cport, 4);
	assert_int_equal(s.vport, 5);
	assert_int_equal(s.dport, 6);
	assert_int_equal(s.timeout, 120);
	assert_int_equal(s.tpl_addr, 7);
	assert_int_equal(s.fwmark, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_version1),
		cmocka_unit_test(test_fwmark_template),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_udp_and_template_states),
		cmocka_unit_test(test_from_conn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
