/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small packet builder for the packet tests: Ethernet + IPv4 + TCP/UDP
 * with valid checksums (or a CHECKSUM_PARTIAL-style pseudo-header-only TCP
 * field, or UDP checksum 0), and ICMP errors quoting such a packet. Tests
 * build both the input and the expected output with it and compare bytes.
 */
#ifndef XVS_TEST_PKTGEN_H
#define XVS_TEST_PKTGEN_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/icmp.h>

#define PKT_MAX		2048

#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PSH	0x08
#define TH_ACK	0x10

struct pkt_spec {
	const char *smac, *dmac;	/* "02:00:00:00:00:01" */
	const char *saddr, *daddr;
	uint16_t sport, dport;		/* host order */
	uint8_t proto;			/* IPPROTO_TCP / IPPROTO_UDP */
	uint8_t flags;			/* TH_* */
	uint8_t ttl;			/* 0 -> 64 */
	uint8_t df;
	uint16_t paylen;
	uint8_t udp_csum0;		/* UDP without checksum */
	uint8_t partial;		/* TCP/UDP check = pseudo-header sum only */
};

static inline void pkt_mac(uint8_t *m, const char *s)
{
	unsigned int v[6];
	int i;

	memset(m, 0, 6);
	if (!s || sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3],
			 &v[4], &v[5]) != 6)
		return;
	for (i = 0; i < 6; i++)
		m[i] = v[i];
}

/* Folded one's complement sum (host arithmetic on big-endian words). */
static inline uint32_t pkt_sum(const void *p, size_t len, uint32_t s)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		s += (uint32_t)b[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

static inline uint16_t pkt_csum(const void *p, size_t len, uint32_t seed)
{
	return htons((uint16_t)~pkt_sum(p, len, seed));
}

static inline uint32_t pkt_pseudo(const struct iphdr *ip, uint16_t l4len)
{
	return pkt_sum(&ip->saddr, 8, ip->protocol + l4len);
}

/* Is every checksum of the IPv4 packet at @l3 right? (ICMP too.) */
static inline int pkt_csums_ok(const uint8_t *l3)
{
	const struct iphdr *ip = (const void *)l3;
	uint16_t tot = ntohs(ip->tot_len), l4len = tot - ip->ihl * 4;
	const uint8_t *l4 = l3 + ip->ihl * 4;

	if (pkt_sum(ip, ip->ihl * 4, 0) != 0xffff)
		return 0;
	if (ip->protocol == IPPROTO_UDP && ((const struct udphdr *)l4)->check == 0)
		return 1;
	if (ip->protocol == IPPROTO_ICMP)
		return pkt_sum(l4, l4len, 0) == 0xffff;
	return pkt_sum(l4, l4len, pkt_pseudo(ip, l4len)) == 0xffff;
}

/* Build @s into @buf (Ethernet first); returns the frame length. */
static inline size_t pkt_build(uint8_t *buf, const struct pkt_spec *s)
{
	struct ethhdr *eth = (void *)buf;
	struct iphdr *ip = (void *)(eth + 1);
	uint8_t *l4 = (uint8_t *)(ip + 1);
	size_t hl = s->proto == IPPROTO_TCP ? sizeof(struct tcphdr) :
					      sizeof(struct udphdr);
	uint16_t l4len = hl + s->paylen;
	uint16_t *check;
	size_t i;

	memset(buf, 0, sizeof(*eth) + sizeof(*ip) + l4len);
	pkt_mac(eth->h_source, s->smac);
	pkt_mac(eth->h_dest, s->dmac);
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(sizeof(*ip) + l4len);
	ip->id = htons(0x1234);
	ip->frag_off = s->df ? htons(0x4000) : 0;
	ip->ttl = s->ttl ? s->ttl : 64;
	ip->protocol = s->proto;
	inet_pton(AF_INET, s->saddr, &ip->saddr);
	inet_pton(AF_INET, s->daddr, &ip->daddr);
	ip->check = pkt_csum(ip, sizeof(*ip), 0);
	for (i = 0; i < s->paylen; i++)
		l4[hl + i] = (uint8_t)(i * 7 + 3);
	if (s->proto == IPPROTO_TCP) {
		struct tcphdr *th = (void *)l4;

		th->source = htons(s->sport);
		th->dest = htons(s->dport);
		th->seq = htonl(1000);
		th->ack_seq = (s->flags & TH_ACK) ? htonl(2000) : 0;
		th->doff = 5;
		l4[13] = s->flags;
		th->window = htons(64240);
		check = &th->check;
	} else {
		struct udphdr *uh = (void *)l4;

		uh->source = htons(s->sport);
		uh->dest = htons(s->dport);
		uh->len = htons(l4len);
		check = &uh->check;
		if (s->udp_csum0)
			return sizeof(*eth) + sizeof(*ip) + l4len;
	}
	if (s->partial) {
		*check = htons((uint16_t)pkt_sum(NULL, 0, pkt_pseudo(ip, l4len)));
	} else {
		*check = pkt_csum(l4, l4len, pkt_pseudo(ip, l4len));
		if (s->proto == IPPROTO_UDP && *check == 0)
			*check = 0xffff;
	}
	return sizeof(*eth) + sizeof(*ip) + l4len;
}

/*
 * ICMP error @type/@code (@mtu for frag-needed) from @saddr to @daddr
 * quoting the IP header + 8 bytes of the packet @inner describes (whose
 * Ethernet header is not quoted). @quote: bytes of L4 to quote.
 */
static inline size_t pkt_build_icmp(uint8_t *buf, const char *smac,
				    const char *dmac, const char *saddr,
				    const char *daddr, uint8_t type,
				    uint8_t code, uint16_t mtu, uint8_t tos,
				    uint8_t ttl, const struct pkt_spec *inner,
				    size_t quote)
{
	uint8_t in[PKT_MAX];
	struct ethhdr *eth = (void *)buf;
	struct iphdr *ip = (void *)(eth + 1);
	struct icmphdr *ih = (void *)(ip + 1);
	size_t inlen = pkt_build(in, inner) - sizeof(struct ethhdr);
	size_t qlen = sizeof(struct iphdr) + quote;

	if (qlen > inlen)
		qlen = inlen;
	memset(buf, 0, sizeof(*eth) + sizeof(*ip) + sizeof(*ih) + qlen);
	pkt_mac(eth->h_source, smac);
	pkt_mac(eth->h_dest, dmac);
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->tos = tos;
	ip->tot_len = htons(sizeof(*ip) + sizeof(*ih) + qlen);
	ip->ttl = ttl;
	ip->protocol = IPPROTO_ICMP;
	inet_pton(AF_INET, saddr, &ip->saddr);
	inet_pton(AF_INET, daddr, &ip->daddr);
	ip->check = pkt_csum(ip, sizeof(*ip), 0);
	ih->type = type;
	ih->code = code;
	if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED)
		ih->un.frag.mtu = htons(mtu);
	memcpy(ih + 1, in + sizeof(struct ethhdr), qlen);
	ih->checksum = pkt_csum(ih, sizeof(*ih) + qlen, 0);
	return sizeof(*eth) + sizeof(*ip) + sizeof(*ih) + qlen;
}

#endif /* XVS_TEST_PKTGEN_H */
