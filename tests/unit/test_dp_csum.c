// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of bpf/lib/csum.h and the XDP-side rewrite in bpf/lib/nat.h:
 * every incremental update must equal a full recomputation (TCP, UDP, UDP
 * with checksum 0, ICMP), and the CHECKSUM_PARTIAL test must tell a
 * pseudo-header-only field from a complete checksum.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "lib/nat.h"

#define PKT_MAX 256

/* Reference RFC 1071 sum over a buffer, folded and inverted. */
static uint16_t ref_csum(const void *p, size_t len, uint32_t seed)
{
	const uint8_t *b = p;
	uint32_t s = seed;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		s += (uint32_t)b[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons((uint16_t)~s);
}

static uint32_t ref_pseudo(const struct iphdr *ip, uint16_t l4len)
{
	uint32_t s = 0, a = ntohl(ip->saddr), d = ntohl(ip->daddr);

	s += a >> 16;
	s += a & 0xffff;
	s += d >> 16;
	s += d & 0xffff;
	s += ip->protocol;
	s += l4len;
	return s;
}

/* Recompute and compare the IP and L4 checksums of @buf. */
static void assert_csums_valid(uint8_t *buf, int udp_zero)
{
	struct iphdr *ip = (void *)(buf + XVS_L3_OFF);
	uint16_t l4len = ntohs(ip->tot_len) - ip->ihl * 4;
	uint8_t *l4 = (uint8_t *)ip + ip->ihl * 4;
	uint16_t *check, saved;

	saved = ip->check;
	ip->check = 0;
	assert_int_equal(saved, ref_csum(ip, ip->ihl * 4, 0));
	ip->check = saved;

	check = ip->protocol == IPPROTO_TCP ? &((struct tcphdr *)l4)->check :
					      &((struct udphdr *)l4)->check;
	saved = *check;
	if (udp_zero) {
		assert_int_equal(saved, 0);
		return;
	}
	*check = 0;
	{
		uint16_t want = ref_csum(l4, l4len, ref_pseudo(ip, l4len));

		if (ip->protocol == IPPROTO_UDP && want == 0)
			want = 0xffff;
		assert_int_equal(saved, want);
	}
	*check = saved;
}

/* Build Ethernet + IPv4 + TCP/UDP with @paylen payload bytes, valid sums. */
static size_t build(uint8_t *buf, uint8_t proto, uint32_t s, uint32_t d,
		    uint16_t sp, uint16_t dp, size_t paylen, int udp_zero)
{
	struct ethhdr *eth = (void *)buf;
	struct iphdr *ip = (void *)(buf + XVS_L3_OFF);
	size_t l4len = (proto == IPPROTO_TCP ? sizeof(struct tcphdr) :
					       sizeof(struct udphdr)) + paylen;
	uint8_t *l4 = (uint8_t *)(ip + 1);
	size_t i;

	memset(buf, 0, PKT_MAX);
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = proto;
	ip->tot_len = htons(sizeof(*ip) + l4len);
	ip->saddr = s;
	ip->daddr = d;
	ip->check = ref_csum(ip, sizeof(*ip), 0);
	for (i = 0; i < paylen; i++)
		l4[l4len - paylen + i] = (uint8_t)(i * 37 + 11);
	if (proto == IPPROTO_TCP) {
		struct tcphdr *th = (void *)l4;

		th->source = sp;
		th->dest = dp;
		th->doff = 5;
		th->syn = 1;
		th->seq = htonl(0x12345678);
		th->check = ref_csum(l4, l4len, ref_pseudo(ip, l4len));
	} else {
		struct udphdr *uh = (void *)l4;

		uh->source = sp;
		uh->dest = dp;
		uh->len = htons(l4len);
		if (!udp_zero) {
			uh->check = ref_csum(l4, l4len, ref_pseudo(ip, l4len));
			if (!uh->check)
				uh->check = 0xffff;
		}
	}
	return XVS_L3_OFF + sizeof(*ip) + l4len;
}

static void rewrite(uint8_t *buf, size_t len, int side, uint32_t a, uint16_t p)
{
	struct xvs_host_pkt hp = { .data = buf, .data_end = buf + len };
	struct xvs_ctx c = { .ctx = &hp, .kind = XVS_CTX_HOST };
	struct xvs_pkt pk = { 0 };

	assert_int_equal(parse_pkt(&c, &pk), XVS_PARSE_OK);
	assert_int_equal(nat_rewrite(&c, &pk, side, a, p), 0);
}

struct nat_case {
	const char *name;
	uint8_t proto;
	int side;
	int udp_zero;
	size_t paylen;
};

static const struct nat_case nat_cases[] = {
	{ "tcp DNAT VIP:80 -> RIP:8080", IPPROTO_TCP, NAT_DST, 0, 0 },
	{ "tcp SNAT reply, odd payload", IPPROTO_TCP, NAT_SRC, 0, 33 },
	{ "udp DNAT", IPPROTO_UDP, NAT_DST, 0, 12 },
	{ "udp SNAT odd payload", IPPROTO_UDP, NAT_SRC, 0, 7 },
	{ "udp checksum 0 stays 0 (DNAT)", IPPROTO_UDP, NAT_DST, 1, 10 },
	{ "udp checksum 0 stays 0 (SNAT)", IPPROTO_UDP, NAT_SRC, 1, 3 },
};

static void test_nat_table(void **state)
{
	uint8_t buf[PKT_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(nat_cases) / sizeof(nat_cases[0]); i++) {
		const struct nat_case *t = &nat_cases[i];
		size_t len = build(buf, t->proto, inet_addr("192.168.1.50"),
				   inet_addr("192.168.1.200"), htons(40000),
				   htons(80), t->paylen, t->udp_zero);
		struct iphdr *ip = (void *)(buf + XVS_L3_OFF);
		uint16_t *ports = (uint16_t *)(ip + 1);

		print_message("case: %s\n", t->name);
		rewrite(buf, len, t->side, inet_addr("10.0.0.2"), htons(8080));
		if (t->side == NAT_DST) {
			assert_int_equal(ip->daddr, inet_addr("10.0.0.2"));
			assert_int_equal(ports[1], htons(8080));
			assert_int_equal(ip->saddr, inet_addr("192.168.1.50"));
		} else {
			assert_int_equal(ip->saddr, inet_addr("10.0.0.2"));
			assert_int_equal(ports[0], htons(8080));
		}
		assert_csums_valid(buf, t->udp_zero);
	}
}

/* Many random addresses/ports/payloads: catches carry and 0/0xffff bugs. */
static void test_nat_random(void **state)
{
	uint8_t buf[PKT_MAX];
	int i;

	(void)state;
	srand(1);
	for (i = 0; i < 20000; i++) {
		uint8_t proto = (i & 1) ? IPPROTO_TCP : IPPROTO_UDP;
		size_t len = build(buf, proto, (uint32_t)rand() * 2654435761u,
				   (uint32_t)rand(), (uint16_t)rand(),
				   (uint16_t)rand(), rand() % 64, 0);

		rewrite(buf, len, (i >> 1) & 1, (uint32_t)rand() * 40503u,
			(uint16_t)rand());
		assert_csums_valid(buf, 0);
	}
}

/* csum_replace4/2 on an ICMP message vs full recomputation. */
static void test_icmp_replace(void **state)
{
	uint8_t msg[8 + 20 + 8];
	uint16_t check;
	uint32_t from, to = inet_addr("10.0.0.3");
	uint16_t pfrom, pto = htons(8080);
	int i;

	(void)state;
	for (i = 0; i < 1000; i++) {
		size_t k;

		for (k = 0; k < sizeof(msg); k++)
			msg[k] = (uint8_t)rand();
		msg[2] = msg[3] = 0;
		check = ref_csum(msg, sizeof(msg), 0);
		memcpy(&msg[2], &check, 2);
		memcpy(&from, &msg[8 + 12], 4);
		memcpy(&pfrom, &msg[8 + 20], 2);
		memcpy(&msg[8 + 12], &to, 4);
		memcpy(&msg[8 + 20], &pto, 2);
		check = csum_replace4(check, from, to);
		check = csum_replace2(check, pfrom, pto);
		msg[2] = msg[3] = 0;
		assert_int_equal(check, ref_csum(msg, sizeof(msg), 0));
	}
}

static void test_csum_sum(void **state)
{
	uint8_t b[CSUM_MAX_LEN];
	uint32_t len;

	(void)state;
	for (len = 1; len <= CSUM_MAX_LEN; len++) {
		size_t k;

		for (k = 0; k < len; k++)
			b[k] = (uint8_t)(k * 97 + len);
		assert_int_equal((uint16_t)~csum_sum(b, b + len, len),
				 ref_csum(b, len, 0));
	}
}

static void test_partial_detect(void **state)
{
	uint8_t buf[PKT_MAX];
	size_t len = build(buf, IPPROTO_TCP, inet_addr("192.168.1.50"),
			   inet_addr("192.168.1.200"), htons(40000), htons(80),
			   20, 0);
	struct xvs_host_pkt hp = { .data = buf, .data_end = buf + len };
	struct xvs_ctx c = { .ctx = &hp, .kind = XVS_CTX_HOST };
	struct iphdr *ip = (void *)(buf + XVS_L3_OFF);
	struct tcphdr *th = (void *)(ip + 1);
	struct xvs_pkt p = { 0 };
	uint16_t l4len = len - XVS_L3_OFF - sizeof(*ip);

	(void)state;
	assert_int_equal(parse_pkt(&c, &p), XVS_PARSE_OK);
	assert_false(pkt_csum_partial(&p));
	/* What a CHECKSUM_PARTIAL sender leaves: the folded pseudo sum. */
	th->check = (uint16_t)~ref_csum(NULL, 0, ref_pseudo(ip, l4len));
	assert_int_equal(parse_pkt(&c, &p), XVS_PARSE_OK);
	assert_true(pkt_csum_partial(&p));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nat_table),
		cmocka_unit_test(test_nat_random),
		cmocka_unit_test(test_icmp_replace),
		cmocka_unit_test(test_csum_sum),
		cmocka_unit_test(test_partial_detect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
