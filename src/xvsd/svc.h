/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Configuration changes, one function per control command: each validates
 * the whole request first and returns the errno the kernel's IPVS returns
 * for the same mistake (ipvs.md 3.4), changing nothing; only then does it
 * write the maps, in an order the datapath can read at any moment.
 */
#ifndef XVSD_SVC_H
#define XVSD_SVC_H

#include "ctl_proto.h"
#include "state.h"

/* Largest value --set accepts (the kernel's INT_MAX / HZ with HZ = 1000). */
#define SVC_TIMEOUT_MAX (0x7fffffff / 1000)

/* proto+VIP+port (or fwmark, abi.h) of a request, or -EAFNOSUPPORT (IPv6),
 * -EOPNOTSUPP (SCTP), -EINVAL (other protocols). */
int svc_key_from_id(const struct xvs_ctl_svc_id *id, struct xvs_svc_key *key);

/* The request identity of a service's key: the reverse of svc_key_from_id(). */
void svc_id_from_key(const struct xvs_svc_key *key, struct xvs_ctl_svc_id *id);

/* Is @key an fwmark service's (protocol 0)? */
static inline bool svc_key_is_fwmark(const struct xvs_svc_key *key)
{
	return key->proto == 0;
}

int svc_add(struct xvsd *st, const struct xvs_ctl_svc *req);
/* svc_add() for another owner than the control socket (enum xvs_origin). */
int svc_add_origin(struct xvsd *st, const struct xvs_ctl_svc *req, __u32 origin);
int svc_edit(struct xvsd *st, const struct xvs_ctl_svc *req);
int svc_del(struct xvsd *st, const struct xvs_ctl_svc_id *id);
int svc_flush(struct xvsd *st);

int dest_add(struct xvsd *st, const struct xvs_ctl_svc_id *id, const struct xvs_ctl_dest *req);

/*
 * dest_add() of @n servers of one service in order, as @n requests would
 * do them (res[i]: 0 or the -errno dest_add() would return) but with one
 * read and one write of the service's list. Returns how many were added.
 */
int dest_add_many(struct xvsd *st, const struct xvs_ctl_svc_id *id,
		  const struct xvs_ctl_dest *reqs, __u32 n, __s32 *res);
int dest_edit(struct xvsd *st, const struct xvs_ctl_svc_id *id, const struct xvs_ctl_dest *req);
int dest_del(struct xvsd *st, const struct xvs_ctl_svc_id *id, const struct xvs_ctl_dest *req);

/* -Z: one service (id) or everything (id NULL): counters and rates. */
int svc_zero(struct xvsd *st, const struct xvs_ctl_svc_id *id);

/* --set: ESTABLISHED, FIN_WAIT and UDP timeouts; 0 leaves one unchanged. */
int svc_set_timeout(struct xvsd *st, const struct xvs_ctl_timeout *t);
void svc_get_timeout(const struct xvsd *st, struct xvs_ctl_timeout *t);

#endif /* XVSD_SVC_H */
