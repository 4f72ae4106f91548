// SPDX-License-Identifier: GPL-2.0
/*
 * Connection sync daemons (sync.h): the master's ring reader, multicast
 * sender and periodic refresh; the backup's receiver and its hand-over to
 * the xvs_sync_in program. Wire format in sync_msg.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "conn_walk.h"
#include "log.h"
#include "state.h"
#include "sync.h"
#include "sync_msg.h"
#include "sync_resolve.h"

#define SYNC_TICK_MS		1000
#define SYNC_RECV_BURST		64	/* datagrams per wakeup: the loop serves others too */

enum { SYNC_MASTER, SYNC_BACKUP };

struct sync_daemon {
	bool on;
	struct xvs_ctl_daemon cfg;	/* as given, IPVS's defaults filled in */
	int fd;
};

struct sync {
	struct loop *l;
	struct xvsd *st;
	struct sync_daemon d[2];
	unsigned int ticks;
	/* master */
	struct ring_buffer *rb;
	size_t cap;			/* records per datagram */
	size_t n;			/* records waiting in out[] */
	bool send_warned;		/* a send failure logged since the start */
	struct sync_conn out[SYNC_MSG_MAX_CONNS];
	/* backup */
	bool bad_warned, unknown_warned;
	struct sync_resolve res;
	struct xvs_sync_req req;
	/* either */
	struct sync_stats stats;	/* since xvsd started, across daemon restarts */
	__u8 buf[65536];
};

/* Tell the datapath whether to feed sync_ring. */
static int set_master(struct xvsd *st, __u32 on)
{
	struct xvs_globals g = st->globals;
	__u32 zero = 0;

	g.sync_master = on;
	if (bpf_map_update_elem(st->maps.globals, &zero, &g, BPF_ANY))
		return -errno;
	st->globals = g;
	return 0;
}

/* ---- master ------------------------------------------------------------ */

static void flush(struct sync *s)
{
	struct sync_daemon *d = &s->d[SYNC_MASTER];
	size_t len;

	if (!s->n)
		return;
	len = sync_msg_encode(s->buf, d->cfg.syncid, s->out, s->n);
	if (send(d->fd, s->buf, len, 0) >= 0) {
		s->stats.msgs_sent++;
		s->stats.conns_sent += s->n;
		s->n = 0;
		return;
	}
	s->n = 0;
	/* A full socket buffer or a link down: the next refresh resends all. */
	s->stats.send_errors++;
	if (!s->send_warned)
		pr_warn("sync: sending on %s: %s", d->cfg.mcast_ifn, strerror(errno));
	s->send_warned = true;
}

/* The datapath's clock (bpf_ktime_get_ns). */
static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void queue(struct sync *s, const struct xvs_conn *cn, __u8 proto)
{
	struct sync_conn *c = &s->out[s->n++];

	sync_record(s->st, cn, proto, mono_ns(), c);
	if (s->n >= s->cap)
		flush(s);
}

static int on_rec(void *ctx, void *data, size_t size)
{
	const struct xvs_sync_rec *r = data;

	if (size >= sizeof(*r))
		queue(ctx, &r->conn, r->proto);
	return 0;
}

static void on_ring(struct loop *l, int fd, uint32_t events, void *data)
{
	struct sync *s = data;

	(void)l;
	(void)fd;
	(void)events;
	ring_buffer__consume(s->rb);
	flush(s);
}

static int refresh_one(const struct xvs_conn_key *k, const struct xvs_conn *v, void *ctx)
{
	if (k->dir == XVS_DIR_IN && !(v->state & XVS_CONN_DEAD))
		queue(ctx, v, k->proto);
	return 0;
}

/* Send every connection and template: a backup that started late learns them. */
static void refresh(struct sync *s)
{
	int err = conn_walk(&s->st->maps, refresh_one, s);

	if (err)
		pr_warn("sync: reading the connection table: %s", strerror(-err));
	flush(s);
}

static int master_socket(const struct xvs_ctl_daemon *cfg, int ifindex)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = cfg->mcast_port,
				  .sin_addr.s_addr = cfg->mcast_group };
	struct ip_mreqn mr = { .imr_ifindex = ifindex };
	int ttl = cfg->mcast_ttl, loop = 0, fd, err;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop)) ||
	    connect(fd, (struct sockaddr *)&to, sizeof(to))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static int master_start(struct sync *s)
{
	int err;

	s->rb = ring_buffer__new(s->st->maps.sync_ring, on_rec, s, NULL);
	if (!s->rb)
		return -errno;
	s->cap = sync_msg_capacity(s->d[SYNC_MASTER].cfg.sync_maxlen);
	s->n = 0;
	s->send_warned = false;
	/* Records an earlier master left behind are stale: a refresh follows. */
	ring_buffer__consume(s->rb);
	s->n = 0;
	err = loop_add(s->l, ring_buffer__epoll_fd(s->rb), EPOLLIN, on_ring, s);
	if (!err)
		err = set_master(s->st, 1);
	if (err) {
		loop_del(s->l, ring_buffer__epoll_fd(s->rb));
		ring_buffer__free(s->rb);
		s->rb = NULL;
		return err;
	}
	refresh(s);
	return 0;
}

static void master_stop(struct sync *s)
{
	int err = set_master(s->st, 0);

	if (err)
		pr_warn("sync: clearing globals.sync_master: %s", strerror(-err));
	loop_del(s->l, ring_buffer__epoll_fd(s->rb));
	ring_buffer__free(s->rb);
	s->rb = NULL;
}

/* ---- backup ------------------------------------------------------------ */

static void backup_run(struct sync *s)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = &s->req, .data_size_in = sizeof(s->req),
		    .data_out = &s->req, .data_size_out = sizeof(s->req), .repeat = 1);

	if (!s->req.count)
		return;
	s->req.magic = XVS_SYNC_MAGIC;
	if (bpf_prog_test_run_opts(s->st->maps.sync_in_prog, &opts))
		pr_warn("sync: xvs_sync_in: %s", strerror(errno));
	s->req.count = 0;
}

/* Resolve one record to our ids and queue it for xvs_sync_in. */
static void backup_take(struct sync *s, const struct sync_conn *c)
{
	if (sync_resolve(&s->res, c, &s->req.ents[s->req.count])) {
		/* The directors' configurations differ: IPVS drops these too. */
		s->stats.conns_unknown++;
		if (!s->unknown_warned)
			pr_warn("sync: a synced connection names a service or server not here");
		s->unknown_warned = true;
		return;
	}
	if (++s->req.count == XVS_SYNC_BATCH)
		backup_run(s);
}

static void on_backup(struct loop *l, int fd, uint32_t events, void *data)
{
	struct sync *s = data;
	struct sync_daemon *d = &s->d[SYNC_BACKUP];
	ssize_t len;
	__u8 syncid;
	int i, j, n;

	(void)l;
	(void)events;
	sync_resolve_reset(&s->res);	/* the configuration may have changed since */
	for (i = 0; i < SYNC_RECV_BURST; i++) {
		len = recv(fd, s->buf, sizeof(s->buf), 0);
		if (len < 0)
			break;
		n = sync_msg_decode(s->buf, len, &syncid, s->out, SYNC_MSG_MAX_CONNS);
		if (n < 0) {
			s->stats.msgs_malformed++;
			if (!s->bad_warned)
				pr_warn("sync: dropping a malformed message on %s",
					d->cfg.mcast_ifn);
			s->bad_warned = true;
			continue;
		}
		/* IPVS: a backup with syncid 0 takes every master's messages. */
		if (d->cfg.syncid && syncid != d->cfg.syncid) {
			s->stats.msgs_other_syncid++;
			continue;
		}
		s->stats.msgs_received++;
		s->stats.conns_received += n;
		for (j = 0; j < n; j++)
			backup_take(s, &s->out[j]);
	}
	backup_run(s);
}

static int backup_socket(const struct xvs_ctl_daemon *cfg, int ifindex)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = cfg->mcast_port,
				 .sin_addr.s_addr = cfg->mcast_group };
	struct ip_mreqn mr = { .imr_multiaddr.s_addr = cfg->mcast_group,
			       .imr_ifindex = ifindex };
	int one = 1, fd, err;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, cfg->mcast_ifn,
		       strlen(cfg->mcast_ifn)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* ---- both -------------------------------------------------------------- */

static void on_tick(struct loop *l, int fd, uint32_t events, void *data)
{
	struct sync *s = data;

	(void)l;
	(void)fd;
	(void)events;
	if (!s->d[SYNC_MASTER].on)
		return;
	/* The ring wakes us only past a fill mark: collect what is below it. */
	ring_buffer__consume(s->rb);
	flush(s);
	if (++s->ticks % SYNC_REFRESH_S == 0)
		refresh(s);
}

struct sync *sync_new(struct loop *l, struct xvsd *st)
{
	struct sync *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return NULL;
	s->l = l;
	s->st = st;
	s->res.st = st;
	s->d[SYNC_MASTER].fd = -1;
	s->d[SYNC_BACKUP].fd = -1;
	err = loop_add_timer(l, SYNC_TICK_MS, on_tick, s);
	if (!err && st->globals.sync_master)
		err = set_master(st, 0);	/* no daemon survives its xvsd */
	if (err) {
		pr_err("sync: %s", strerror(-err));
		free(s);
		return NULL;
	}
	return s;
}

/* Check @cfg and fill in IPVS's defaults. */
static int fill_cfg(struct xvs_ctl_daemon *cfg)
{
	struct in_addr group;

	if (cfg->syncid > 255 || !memchr(cfg->mcast_ifn, 0, sizeof(cfg->mcast_ifn)) ||
	    !cfg->mcast_ifn[0] || cfg->sync_maxlen > 65507)
		return -EINVAL;
	if (!cfg->mcast_group) {
		inet_pton(AF_INET, SYNC_DEF_GROUP, &group);
		cfg->mcast_group = group.s_addr;
	}
	if (!IN_MULTICAST(ntohl(cfg->mcast_group)))
		return -EINVAL;
	if (!cfg->mcast_port)
		cfg->mcast_port = htons(SYNC_DEF_PORT);
	if (!cfg->mcast_ttl)
		cfg->mcast_ttl = SYNC_DEF_TTL;
	if (!cfg->sync_maxlen)
		cfg->sync_maxlen = SYNC_DEF_MAXLEN;
	return 0;
}

int sync_start(struct sync *s, const struct xvs_ctl_daemon *in)
{
	struct xvs_ctl_daemon cfg = *in;
	struct sync_daemon *d;
	int ifindex, fd, err;
	char group[INET_ADDRSTRLEN];

	if (cfg.state != XVS_DAEMON_MASTER && cfg.state != XVS_DAEMON_BACKUP)
		return -EINVAL;
	d = &s->d[cfg.state == XVS_DAEMON_MASTER ? SYNC_MASTER : SYNC_BACKUP];
	if (d->on)
		return -EEXIST;
	err = fill_cfg(&cfg);
	if (err)
		return err;
	ifindex = if_nametoindex(cfg.mcast_ifn);
	if (!ifindex)
		return -ENODEV;
	fd = cfg.state == XVS_DAEMON_MASTER ? master_socket(&cfg, ifindex) :
					      backup_socket(&cfg, ifindex);
	if (fd < 0)
		return fd;
	d->cfg = cfg;
	d->fd = fd;
	d->on = true;
	if (cfg.state == XVS_DAEMON_MASTER)
		err = master_start(s);
	else
		err = loop_add(s->l, fd, EPOLLIN, on_backup, s);
	if (err) {
		d->on = false;
		d->fd = -1;
		close(fd);
		return err;
	}
	inet_ntop(AF_INET, &cfg.mcast_group, group, sizeof(group));
	pr_info("sync: %s daemon started (mcast=%s, syncid=%u, group=%s:%u)",
		cfg.state == XVS_DAEMON_MASTER ? "master" : "backup", cfg.mcast_ifn,
		cfg.syncid, group, ntohs(cfg.mcast_port));
	return 0;
}

int sync_stop(struct sync *s, __u32 state)
{
	struct sync_daemon *d;

	if (state != XVS_DAEMON_MASTER && state != XVS_DAEMON_BACKUP)
		return -EINVAL;
	d = &s->d[state == XVS_DAEMON_MASTER ? SYNC_MASTER : SYNC_BACKUP];
	if (!d->on)
		return -ESRCH;
	if (state == XVS_DAEMON_MASTER)
		master_stop(s);
	else
		loop_del(s->l, d->fd);
	close(d->fd);
	d->fd = -1;
	d->on = false;
	pr_info("sync: %s daemon stopped", state == XVS_DAEMON_MASTER ? "master" : "backup");
	return 0;
}

size_t sync_list(const struct sync *s, struct xvs_ctl_daemon *out)
{
	size_t i, n = 0;

	for (i = 0; i < 2; i++)
		if (s->d[i].on)
			out[n++] = s->d[i].cfg;
	return n;
}

void sync_get_stats(const struct sync *s, struct sync_stats *out)
{
	*out = s->stats;
}

void sync_free(struct sync *s)
{
	if (!s)
		return;
	if (s->d[SYNC_MASTER].on)
		sync_stop(s, XVS_DAEMON_MASTER);
	if (s->d[SYNC_BACKUP].on)
		sync_stop(s, XVS_DAEMON_BACKUP);
	free(s);
}
