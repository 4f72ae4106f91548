// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual services: add, edit, delete, flush, zero, and the global timeouts.
 * A new service's (empty) server list is written before its svc_map entry
 * makes it visible; a deleted one leaves svc_map first.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <bpf/bpf.h>

#include "addrset.h"
#include "log.h"
#include "sched_build.h"
#include "sched_tab.h"
#include "svc.h"
#include "vrrp.h"

#define SVC_KNOWN_FLAGS                                                                    \
	(XVS_SVC_F_PERSISTENT | XVS_SVC_F_HASHED | XVS_SVC_F_ONEPACKET | XVS_SVC_F_SCHED1 | \
	 XVS_SVC_F_SCHED2 | XVS_SVC_F_SCHED3)

int svc_key_from_id(const struct xvs_ctl_svc_id *id, struct xvs_svc_key *key)
{
	if (id->af != AF_INET)
		return -EAFNOSUPPORT;
	memset(key, 0, sizeof(*key));
	if (id->fwmark) {
		/* abi.h: the mark as address, port and protocol 0. */
		key->addr = htonl(id->fwmark);
		return 0;
	}
	if (id->proto == IPPROTO_SCTP)
		return -EOPNOTSUPP;
	if (id->proto != IPPROTO_TCP && id->proto != IPPROTO_UDP)
		return -EINVAL;
	key->addr = id->addr[0];
	key->port = id->port;
	key->proto = id->proto;
	return 0;
}

void svc_id_from_key(const struct xvs_svc_key *key, struct xvs_ctl_svc_id *id)
{
	memset(id, 0, sizeof(*id));
	id->af = AF_INET;
	if (svc_key_is_fwmark(key)) {
		id->fwmark = ntohl(key->addr);
		return;
	}
	id->proto = key->proto;
	id->addr[0] = key->addr;
	id->port = key->port;
}

/* Write (or clear, mark 0) the mark the datapath keys @id's templates with. */
static int write_fwmark(struct xvsd *st, __u32 id, __u32 mark)
{
	if (bpf_map_update_elem(st->maps.svc_fwmark, &id, &mark, BPF_ANY))
		return -errno;
	return 0;
}

/* Everything about a service request but its existence. Fills cfg but id. */
static int check_cfg(const struct xvs_ctl_svc *req, struct xvs_svc *cfg)
{
	if (!memchr(req->sched, '\0', sizeof(req->sched)) ||
	    !memchr(req->pe, '\0', sizeof(req->pe)))
		return -EINVAL;
	if (req->flags & ~SVC_KNOWN_FLAGS)
		return -EINVAL;
	memset(cfg, 0, sizeof(*cfg));
	cfg->flags = req->flags & ~XVS_SVC_F_HASHED;
	cfg->timeout = req->timeout;
	cfg->netmask = req->netmask;
	return 0;
}

/* The scheduler, and no persistence engine (xvs has none, as a kernel
 * without ip_vs_pe_sip): both answer -ENOENT like the kernel. */
static int check_sched(const struct xvs_ctl_svc *req, struct xvs_svc *cfg)
{
	int s;

	if (req->pe[0])
		return -ENOENT;
	s = sched_lookup(req->sched);
	if (s < 0)
		return s;
	cfg->sched = s;
	return 0;
}

/* Lowest free id that no removed server still names (see state_adopt). */
static __u32 alloc_svc_id(struct xvsd *st)
{
	__u32 i;

	for (i = st->svc_id_low ? st->svc_id_low : 1; i < st->max_svc; i++) {
		if (state_svc_id_free(st, i)) {
			st->svc_id_low = i;
			return i;
		}
	}
	return 0;
}

int svc_add_origin(struct xvsd *st, const struct xvs_ctl_svc *req, __u32 origin)
{
	struct xvs_svc_dests sd;
	struct xvs_svc_key key;
	struct xvsd_svc *s;
	struct xvs_svc cfg;
	int err;

	err = svc_key_from_id(&req->id, &key);
	if (!err)
		err = check_cfg(req, &cfg);
	if (err)
		return err;
	if (state_find_svc(st, &key))
		return -EEXIST;
	err = check_sched(req, &cfg);
	if (err)
		return err;
	if (vrrp_standby(st->vrrp, key.addr))
		cfg.flags |= XVS_SVC_F_STANDBY;
	cfg.id = alloc_svc_id(st);
	/* Ids held only by removed servers nothing references: free them, as dest.c does. */
	if (!cfg.id && state_trash_reclaim(st))
		cfg.id = alloc_svc_id(st);
	if (!cfg.id)
		return -ENOMEM;
	cfg.origin = origin;
	if (svc_key_is_fwmark(&key))
		cfg.flags |= XVS_SVC_F_FWMARK;
	else if (!key.port)
		cfg.flags |= XVS_SVC_F_PORT0;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;

	memset(&sd, 0, sizeof(sd));
	sched_init(&sd);
	err = state_write_list(st, cfg.id, &sd);
	if (!err)
		err = mapset_stats_zero(&st->maps, st->maps.svc_stats, cfg.id);
	/* Kept when the service goes: its templates may outlive it. */
	if (!err)
		err = write_fwmark(st, cfg.id, req->id.fwmark);
	if (!err && bpf_map_update_elem(st->maps.svc_map, &key, &cfg, BPF_NOEXIST))
		err = -errno;
	if (err) {
		pr_err("add service: map update: %s", strerror(-err));
		free(s);
		return err;
	}
	s->id = cfg.id;
	s->key = key;
	s->cfg = cfg;
	memset(&s->est, 0, sizeof(s->est));
	state_svc_link(st, s);
	addrset_svc(st, s, 1);
	return 0;
}

int svc_add(struct xvsd *st, const struct xvs_ctl_svc *req)
{
	return svc_add_origin(st, req, XVS_ORIGIN_CLI);
}

int svc_edit(struct xvsd *st, const struct xvs_ctl_svc *req)
{
	struct xvs_svc_key key;
	struct xvsd_svc *s;
	struct xvs_svc cfg;
	int err;

	err = svc_key_from_id(&req->id, &key);
	if (!err)
		err = check_cfg(req, &cfg);
	if (err)
		return err;
	s = state_find_svc(st, &key);
	if (!s)
		return -ESRCH;
	err = check_sched(req, &cfg);
	if (err)
		return err;
	cfg.id = s->id;
	cfg.flags |= s->cfg.flags & (XVS_SVC_F_STANDBY | XVS_SVC_F_FWMARK | XVS_SVC_F_PORT0);
	cfg.origin = s->cfg.origin;	/* an edit does not change who owns it */

	/* Another scheduler starts from its initial state; the same keeps its own. */
	if (cfg.sched != s->cfg.sched) {
		struct xvs_svc_dests sd;

		err = state_read_list(st, s->id, &sd);
		if (!err) {
			sched_init(&sd);
			/* state_write_list() goes by the old scheduler's. */
			if (cfg.sched == XVS_SCHED_MH)
				err = sched_tab_mh_maps(&sd, st->maps.dest_info);
		}
		if (!err)
			err = state_write_list(st, s->id, &sd);
	}
	if (!err && bpf_map_update_elem(st->maps.svc_map, &key, &cfg, BPF_EXIST))
		err = -errno;
	if (err) {
		pr_err("edit service: map update: %s", strerror(-err));
		return err;
	}
	s->cfg = cfg;
	return 0;
}

/* Unlink a service: svc_map entry first, then its list, then its servers go
 * to the trash (existing connections to them are then dropped, as in IPVS). */
static int svc_remove(struct xvsd *st, struct xvsd_svc *s)
{
	struct xvs_svc_dests sd, empty;
	struct xvs_dest infos[XVS_MAX_RS];
	__u32 ids[XVS_MAX_RS], i, n = 0, done;
	__u64 now = state_now_ns();
	int err;

	if (bpf_map_delete_elem(st->maps.svc_map, &s->key) && errno != ENOENT)
		return -errno;
	err = state_read_list(st, s->id, &sd);
	if (err)
		return err;
	memset(&empty, 0, sizeof(empty));
	sched_init(&empty);
	err = state_write_list(st, s->id, &empty);
	if (err)
		return err;
	for (i = 0; i < sd.count; i++) {
		struct xvsd_dest *d = sd.dest[i] < st->max_dest ? st->dests[sd.dest[i]] : NULL;

		if (!d)
			continue;
		addrset_dest(st, d, -1);
		d->info.flags &= ~XVS_DEST_F_AVAILABLE;
		ids[n] = d->id;
		infos[n++] = d->info;
		if (!d->trashed)
			state_trash_put(st, d, now);
	}
	/* Their dest_info in one write (-C: a million servers). */
	done = n;
	if (n && bpf_map_update_batch(st->maps.dest_info, ids, infos, &done, NULL))
		done = done < n ? done : 0;
	for (i = done; i < n; i++)
		if (bpf_map_update_elem(st->maps.dest_info, &ids[i], &infos[i], BPF_ANY))
			pr_warn("remove server id %u: %s", ids[i], strerror(errno));
	state_svc_unlink(st, s);
	addrset_svc(st, s, -1);
	free(s);
	return 0;
}

int svc_del(struct xvsd *st, const struct xvs_ctl_svc_id *id)
{
	struct xvs_svc_key key;
	struct xvsd_svc *s;
	int err;

	err = svc_key_from_id(id, &key);
	if (err)
		return err;
	s = state_find_svc(st, &key);
	if (!s)
		return -ESRCH;
	/* Its servers' addr_set counts in one write. */
	addrset_defer(st);
	err = svc_remove(st, s);
	addrset_flush(st);
	return err;
}

int svc_flush(struct xvsd *st)
{
	__u32 i;
	int err = 0;

	addrset_defer(st);
	for (i = 1; i < st->max_svc && !err; i++)
		if (st->svcs[i])
			err = svc_remove(st, st->svcs[i]);
	addrset_flush(st);
	return err;
}

static void zero_one(struct xvsd *st, int fd, __u32 id, struct est *e)
{
	static const struct xvs_stats zero;
	int err = mapset_stats_zero(&st->maps, fd, id);

	if (err)
		pr_warn("zero counters of id %u: %s", id, strerror(-err));
	est_reset(e, &zero);
}

static void zero_svc(struct xvsd *st, struct xvsd_svc *s)
{
	struct xvs_svc_dests sd;
	__u32 i;

	zero_one(st, st->maps.svc_stats, s->id, &s->est);
	if (state_read_list(st, s->id, &sd))
		return;
	for (i = 0; i < sd.count; i++)
		if (sd.dest[i] < st->max_dest && st->dests[sd.dest[i]])
			zero_one(st, st->maps.dest_stats, sd.dest[i], &st->dests[sd.dest[i]]->est);
}

int svc_zero(struct xvsd *st, const struct xvs_ctl_svc_id *id)
{
	struct xvs_svc_key key;
	struct xvsd_svc *s;
	__u32 i;
	int err;

	if (id) {
		err = svc_key_from_id(id, &key);
		if (err)
			return err;
		s = state_find_svc(st, &key);
		if (!s)
			return -ESRCH;
		zero_svc(st, s);
		return 0;
	}
	for (i = 1; i < st->max_svc; i++)
		if (st->svcs[i])
			zero_svc(st, st->svcs[i]);
	zero_one(st, st->maps.glob_stats, 0, &st->est_total);
	return 0;
}

int svc_set_timeout(struct xvsd *st, const struct xvs_ctl_timeout *t)
{
	struct xvs_globals g = st->globals;
	__u32 zero = 0;

	if (t->tcp > SVC_TIMEOUT_MAX || t->tcp_fin > SVC_TIMEOUT_MAX || t->udp > SVC_TIMEOUT_MAX)
		return -EINVAL;
	if (t->tcp)
		g.timeout[XVS_TCP_S_ESTABLISHED] = t->tcp;
	if (t->tcp_fin)
		g.timeout[XVS_TCP_S_FIN_WAIT] = t->tcp_fin;
	if (t->udp)
		g.timeout[XVS_S_UDP] = t->udp;
	if (bpf_map_update_elem(st->maps.globals, &zero, &g, BPF_ANY))
		return -errno;
	st->globals = g;
	return 0;
}

void svc_get_timeout(const struct xvsd *st, struct xvs_ctl_timeout *t)
{
	t->tcp = st->globals.timeout[XVS_TCP_S_ESTABLISHED];
	t->tcp_fin = st->globals.timeout[XVS_TCP_S_FIN_WAIT];
	t->udp = st->globals.timeout[XVS_S_UDP];
}
