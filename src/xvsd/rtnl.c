// SPDX-License-Identifier: GPL-2.0
/*
 * Synchronous rtnetlink for neigh.c. Each request gets a fresh sequence
 * number and rtnl_talk() reads until the answer to that number: anything
 * else on the socket is the tail of an earlier request that timed out and
 * is skipped. A receive timeout keeps a kernel that never answers from
 * stalling xvsd's one event loop.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "rtnl.h"

/* Large enough for one dump chunk: the kernel fills at most 32 KiB per read. */
#define RTNL_BUF 32768
#define RTNL_TIMEOUT_S 2

/* A request: header, family header and a few attributes. */
struct rtnl_req {
	struct nlmsghdr nh;
	union {
		struct ndmsg nd;
		struct rtmsg rt;
	};
	char attrs[64];
};

typedef int (*rtnl_fn)(const struct nlmsghdr *nh, void *data);

int rtnl_open(struct rtnl *r)
{
	struct timeval tv = { .tv_sec = RTNL_TIMEOUT_S };
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int err;

	memset(r, 0, sizeof(*r));
	r->buf = malloc(RTNL_BUF);
	if (!r->buf)
		return -ENOMEM;
	r->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (r->fd < 0) {
		err = -errno;
		goto err_free;
	}
	if (setsockopt(r->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    bind(r->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		goto err_close;
	}
	r->seq = (__u32)time(NULL);
	return 0;

err_close:
	close(r->fd);
err_free:
	free(r->buf);
	r->buf = NULL;
	r->fd = -1;
	return err;
}

void rtnl_close(struct rtnl *r)
{
	if (r->fd >= 0)
		close(r->fd);
	free(r->buf);
	r->buf = NULL;
	r->fd = -1;
}

static void req_init(struct rtnl_req *q, __u16 type, __u16 flags, size_t famlen)
{
	memset(q, 0, sizeof(*q));
	q->nh.nlmsg_len = NLMSG_LENGTH(famlen);
	q->nh.nlmsg_type = type;
	q->nh.nlmsg_flags = NLM_F_REQUEST | flags;
}

static void attr_put(struct rtnl_req *q, __u16 type, const void *data, __u16 len)
{
	struct rtattr *a = (struct rtattr *)((char *)q + NLMSG_ALIGN(q->nh.nlmsg_len));

	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	q->nh.nlmsg_len = NLMSG_ALIGN(q->nh.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/*
 * Send q and read the answer: an error or ack ends it, so does the one reply
 * of a plain get, or NLMSG_DONE for a dump. fn sees each reply; once it
 * returns non-zero it is not called again, but a dump is still read to its
 * end so the next request starts on a quiet socket.
 */
static int rtnl_talk(struct rtnl *r, struct rtnl_req *q, rtnl_fn fn, void *data)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int ret = 0;

	q->nh.nlmsg_seq = ++r->seq;
	if (sendto(r->fd, q, q->nh.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *nh;
		ssize_t len = recv(r->fd, r->buf, RTNL_BUF, 0);

		if (len < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		}
		for (nh = r->buf; NLMSG_OK(nh, (size_t)len); nh = NLMSG_NEXT(nh, len)) {
			if (nh->nlmsg_seq != r->seq)
				continue;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nh);

				if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
					return -EPROTO;
				return e->error ? e->error : ret;
			}
			if (nh->nlmsg_type == NLMSG_DONE)
				return ret;
			if (fn && !ret)
				ret = fn(nh, data);
			if (!(nh->nlmsg_flags & NLM_F_MULTI))
				return ret;
		}
	}
}

static void parse_attrs(struct rtattr *a, int len, struct rtattr **tb, int max)
{
	memset(tb, 0, sizeof(*tb) * (max + 1));
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type <= max)
			tb[a->rta_type] = a;
}

static int parse_route(const struct nlmsghdr *nh, void *data)
{
	const struct rtmsg *rt = NLMSG_DATA(nh);
	struct rtnl_hop *hop = data;
	struct rtattr *tb[RTA_MAX + 1];

	if (nh->nlmsg_type != RTM_NEWROUTE || nh->nlmsg_len < NLMSG_LENGTH(sizeof(*rt)))
		return -EPROTO;
	parse_attrs(RTM_RTA(rt), RTM_PAYLOAD(nh), tb, RTA_MAX);
	hop->type = rt->rtm_type;
	if (tb[RTA_OIF])
		hop->ifindex = *(__u32 *)RTA_DATA(tb[RTA_OIF]);
	if (tb[RTA_GATEWAY])
		memcpy(&hop->via, RTA_DATA(tb[RTA_GATEWAY]), sizeof(hop->via));
	/* An IPv6 gateway (RFC 5549) is a neighbour of the IPv6 table. */
	else if (tb[RTA_VIA])
		return -EAFNOSUPPORT;
	return 0;
}

int rtnl_route_get(struct rtnl *r, __u32 dst, struct rtnl_hop *hop)
{
	struct rtnl_req q;
	int err;

	req_init(&q, RTM_GETROUTE, 0, sizeof(q.rt));
	q.rt.rtm_family = AF_INET;
	q.rt.rtm_dst_len = 32;
	attr_put(&q, RTA_DST, &dst, sizeof(dst));
	memset(hop, 0, sizeof(*hop));
	err = rtnl_talk(r, &q, parse_route, hop);
	if (err)
		return err;
	if (!hop->via)
		hop->via = dst;
	return 0;
}

static int parse_neigh(const struct nlmsghdr *nh, struct rtnl_neigh *n)
{
	const struct ndmsg *nd = NLMSG_DATA(nh);
	struct rtattr *tb[NDA_MAX + 1];

	if (nh->nlmsg_type != RTM_NEWNEIGH || nh->nlmsg_len < NLMSG_LENGTH(sizeof(*nd)))
		return -EPROTO;
	memset(n, 0, sizeof(*n));
	parse_attrs((struct rtattr *)((char *)nd + NLMSG_ALIGN(sizeof(*nd))),
		    nh->nlmsg_len - NLMSG_LENGTH(sizeof(*nd)), tb, NDA_MAX);
	if (nd->ndm_family != AF_INET || !tb[NDA_DST] || RTA_PAYLOAD(tb[NDA_DST]) != 4)
		return -EPROTO;
	n->ifindex = nd->ndm_ifindex;
	n->state = nd->ndm_state;
	n->flags = nd->ndm_flags;
	memcpy(&n->addr, RTA_DATA(tb[NDA_DST]), sizeof(n->addr));
	if (tb[NDA_PROTOCOL])
		n->proto = *(__u8 *)RTA_DATA(tb[NDA_PROTOCOL]);
	if (tb[NDA_FLAGS_EXT])
		n->flags_ext = *(__u32 *)RTA_DATA(tb[NDA_FLAGS_EXT]);
	return 0;
}

static int get_one(const struct nlmsghdr *nh, void *data)
{
	return parse_neigh(nh, data);
}

int rtnl_neigh_get(struct rtnl *r, int ifindex, __u32 addr, struct rtnl_neigh *n)
{
	struct rtnl_req q;

	req_init(&q, RTM_GETNEIGH, 0, sizeof(q.nd));
	q.nd.ndm_family = AF_INET;
	q.nd.ndm_ifindex = ifindex;
	attr_put(&q, NDA_DST, &addr, sizeof(addr));
	return rtnl_talk(r, &q, get_one, n);
}

int rtnl_neigh_set(struct rtnl *r, int ifindex, __u32 addr, bool managed, __u8 proto)
{
	__u32 ext = NTF_EXT_MANAGED;
	struct rtnl_req q;

	/*
	 * NUD_NONE with NTF_USE or NTF_EXT_MANAGED: the kernel keeps the
	 * entry's state and address and only starts a resolution.
	 */
	req_init(&q, RTM_NEWNEIGH, NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, sizeof(q.nd));
	q.nd.ndm_family = AF_INET;
	q.nd.ndm_ifindex = ifindex;
	q.nd.ndm_state = NUD_NONE;
	q.nd.ndm_flags = managed ? 0 : NTF_USE;
	attr_put(&q, NDA_DST, &addr, sizeof(addr));
	attr_put(&q, NDA_PROTOCOL, &proto, sizeof(proto));
	if (managed)
		attr_put(&q, NDA_FLAGS_EXT, &ext, sizeof(ext));
	return rtnl_talk(r, &q, NULL, NULL);
}

int rtnl_neigh_del(struct rtnl *r, int ifindex, __u32 addr)
{
	struct rtnl_req q;

	req_init(&q, RTM_DELNEIGH, NLM_F_ACK, sizeof(q.nd));
	q.nd.ndm_family = AF_INET;
	q.nd.ndm_ifindex = ifindex;
	attr_put(&q, NDA_DST, &addr, sizeof(addr));
	return rtnl_talk(r, &q, NULL, NULL);
}

struct dump_ctx {
	int (*fn)(const struct rtnl_neigh *n, void *data);
	void *data;
};

static int dump_one(const struct nlmsghdr *nh, void *data)
{
	struct dump_ctx *ctx = data;
	struct rtnl_neigh n;

	/* Proxy entries and other families have no business here. */
	if (parse_neigh(nh, &n))
		return 0;
	return ctx->fn(&n, ctx->data);
}

int rtnl_neigh_dump(struct rtnl *r, int (*fn)(const struct rtnl_neigh *n, void *data),
		    void *data)
{
	struct dump_ctx ctx = { .fn = fn, .data = data };
	struct rtnl_req q;

	req_init(&q, RTM_GETNEIGH, NLM_F_DUMP, sizeof(q.nd));
	q.nd.ndm_family = AF_INET;
	return rtnl_talk(r, &q, dump_one, &ctx);
}

int rtnl_link_noarp(struct rtnl *r, int ifindex)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (!if_indextoname(ifindex, ifr.ifr_name))
		return -errno;
	/* Interface ioctls work on any socket of the namespace, this one too. */
	if (ioctl(r->fd, SIOCGIFFLAGS, &ifr))
		return -errno;
	return !!(ifr.ifr_flags & (IFF_NOARP | IFF_LOOPBACK));
}
