/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few rtnetlink requests neigh.c needs, each one synchronous over one
 * NETLINK_ROUTE socket: the kernel's route to an address, one IPv4
 * neighbour entry read, written or deleted, and a dump of them all.
 * Functions return 0 or a negative errno (the kernel's answer as is).
 */
#ifndef XVSD_RTNL_H
#define XVSD_RTNL_H

#include <stdbool.h>
#include <linux/types.h>

struct rtnl {
	int fd;
	__u32 seq;
	void *buf;		/* receive buffer, RTNL_BUF bytes */
};

/* Where the kernel sends packets for an address. */
struct rtnl_hop {
	__u8 type;		/* RTN_UNICAST, RTN_LOCAL, ... */
	int ifindex;		/* output interface */
	__u32 via;		/* next hop: the gateway, or the address itself; network order */
};

/* One IPv4 neighbour entry as the kernel reports it. */
struct rtnl_neigh {
	int ifindex;
	__u32 addr;		/* network order */
	__u16 state;		/* NUD_* */
	__u8 flags;		/* NTF_* */
	__u32 flags_ext;	/* NTF_EXT_* */
	__u8 proto;		/* NDA_PROTOCOL, 0 when none */
};

int rtnl_open(struct rtnl *r);
void rtnl_close(struct rtnl *r);

/* RTM_GETROUTE for dst. -ENETUNREACH etc. when the kernel has no route. */
int rtnl_route_get(struct rtnl *r, __u32 dst, struct rtnl_hop *hop);

/* One entry by interface and address; -ENOENT when there is none. */
int rtnl_neigh_get(struct rtnl *r, int ifindex, __u32 addr, struct rtnl_neigh *n);

/*
 * Create or update an entry, marked with proto, without touching its state
 * or link-layer address: managed sets NTF_EXT_MANAGED (the kernel keeps it
 * resolved); otherwise NTF_USE, which only asks the kernel to resolve or
 * re-confirm it now, as a packet sent to it would.
 */
int rtnl_neigh_set(struct rtnl *r, int ifindex, __u32 addr, bool managed, __u8 proto);

int rtnl_neigh_del(struct rtnl *r, int ifindex, __u32 addr);

/* Call fn for every IPv4 entry; a non-zero return from fn stops the walk. */
int rtnl_neigh_dump(struct rtnl *r, int (*fn)(const struct rtnl_neigh *n, void *data),
		    void *data);

/* 1 when the interface resolves no neighbours (IFF_NOARP, loopback), 0 if it does. */
int rtnl_link_noarp(struct rtnl *r, int ifindex);

#endif /* XVSD_RTNL_H */
