// SPDX-License-Identifier: GPL-2.0
/* The connection sync wire format (sync_msg.h): encode and validate. */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "sync_msg.h"

void sync_conn_from(struct sync_conn *s, const struct xvs_conn *cn, __u8 proto)
{
	memset(s, 0, sizeof(*s));
	s->proto = proto;
	s->state = cn->state & XVS_CONN_STATE_MASK;
	s->flags = cn->flags & SYNC_MSG_FLAGS;
	s->caddr = cn->caddr;
	s->vaddr = cn->vaddr;
	s->daddr = cn->daddr;
	s->cport = cn->cport;
	s->vport = cn->vport;
	s->dport = cn->dport;
	s->timeout = cn->timeout;
	s->tpl_addr = cn->tpl_addr;
}

__u32 sync_conn_left(const struct xvs_conn *cn, __u64 now_ns)
{
	__u64 idle_s, end;

	if ((cn->flags & XVS_CONN_F_TEMPLATE) && cn->n_control)
		return cn->timeout ? cn->timeout : 1;
	/* last_seen may be a little ahead of a clock read before it was set */
	idle_s = now_ns > cn->last_seen ? (now_ns - cn->last_seen) / 1000000000ULL : 0;
	end = cn->timeout;
	return idle_s < end ? end - idle_s : 1;
}

size_t sync_msg_capacity(size_t maxlen)
{
	size_t n = maxlen > SYNC_MSG_HDR_LEN ?
			   (maxlen - SYNC_MSG_HDR_LEN) / SYNC_MSG_CONN_LEN : 0;

	if (n > SYNC_MSG_MAX_CONNS)
		n = SYNC_MSG_MAX_CONNS;
	return n ? n : 1;
}

static void put16(__u8 *p, __u16 v)
{
	memcpy(p, &v, 2);
}

static void put32(__u8 *p, __u32 v)
{
	memcpy(p, &v, 4);
}

static __u16 get16(const __u8 *p)
{
	__u16 v;

	memcpy(&v, p, 2);
	return v;
}

static __u32 get32(const __u8 *p)
{
	__u32 v;

	memcpy(&v, p, 4);
	return v;
}

size_t sync_msg_encode(void *buf, __u8 syncid, const struct sync_conn *c, size_t n)
{
	__u8 *p = buf;
	size_t i;

	put32(p, htonl(SYNC_MSG_MAGIC));
	p[4] = SYNC_MSG_VERSION;
	p[5] = syncid;
	put16(p + 6, htons(n));
	p += SYNC_MSG_HDR_LEN;
	for (i = 0; i < n; i++, c++, p += SYNC_MSG_CONN_LEN) {
		p[0] = c->proto;
		p[1] = c->state;
		put16(p + 2, htons(c->flags));
		put32(p + 4, c->caddr);
		put32(p + 8, c->vaddr);
		put32(p + 12, c->daddr);
		put16(p + 16, c->cport);
		put16(p + 18, c->vport);
		put16(p + 20, c->dport);
		put16(p + 22, 0);
		put32(p + 24, htonl(c->timeout));
		put32(p + 28, c->tpl_addr);
		put32(p + 32, htonl(c->fwmark));
	}
	return SYNC_MSG_HDR_LEN + n * SYNC_MSG_CONN_LEN;
}

/*
 * A record the backup can take: known protocol, a state of it, flags its
 * version knows; protocol 0 only for an fwmark template, the FWMARK flag
 * only on a connection its mark's template controls.
 */
static int conn_valid(const struct sync_conn *c, __u16 known)
{
	if (c->flags & ~known)
		return 0;
	if ((c->flags & XVS_CONN_F_FWMARK) &&
	    (!c->fwmark || !(c->flags & XVS_CONN_F_CONTROLLED)))
		return 0;
	/* Its vport is 0, or 65535 once invalidated (persist.h): not checked. */
	if (!c->proto && c->fwmark && (c->flags & XVS_CONN_F_TEMPLATE))
		return c->state <= XVS_TPL_S_ASSURED && !c->cport;
	if (c->proto != IPPROTO_TCP && c->proto != IPPROTO_UDP)
		return 0;
	if (c->flags & XVS_CONN_F_TEMPLATE)
		return c->state <= XVS_TPL_S_ASSURED && !c->cport;
	if (c->proto == IPPROTO_UDP)
		return c->state == XVS_S_UDP;
	return c->state < XVS_S_UDP;
}

int sync_msg_decode(const void *buf, size_t len, __u8 *syncid, struct sync_conn *out,
		    size_t max)
{
	const __u8 *p = buf;
	size_t i, n, rec;
	__u16 known;

	if (len < SYNC_MSG_HDR_LEN || ntohl(get32(p)) != SYNC_MSG_MAGIC ||
	    (p[4] != SYNC_MSG_VERSION && p[4] != SYNC_MSG_VERSION_V1))
		return -EPROTO;
	rec = p[4] == SYNC_MSG_VERSION ? SYNC_MSG_CONN_LEN : SYNC_MSG_CONN_LEN_V1;
	known = p[4] == SYNC_MSG_VERSION ? SYNC_MSG_FLAGS : SYNC_MSG_FLAGS_V1;
	n = ntohs(get16(p + 6));
	if (!n || n > max || len != SYNC_MSG_HDR_LEN + n * rec)
		return -EINVAL;
	p += SYNC_MSG_HDR_LEN;
	for (i = 0; i < n; i++, p += rec) {
		struct sync_conn *c = &out[i];

		c->proto = p[0];
		c->state = p[1];
		c->flags = ntohs(get16(p + 2));
		c->caddr = get32(p + 4);
		c->vaddr = get32(p + 8);
		c->daddr = get32(p + 12);
		c->cport = get16(p + 16);
		c->vport = get16(p + 18);
		c->dport = get16(p + 20);
		c->timeout = ntohl(get32(p + 24));
		c->tpl_addr = get32(p + 28);
		c->fwmark = rec == SYNC_MSG_CONN_LEN ? ntohl(get32(p + 32)) : 0;
		if (!conn_valid(c, known))
			return -EINVAL;
	}
	*syncid = ((const __u8 *)buf)[5];
	return n;
}
