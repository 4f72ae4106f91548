// SPDX-License-Identifier: GPL-2.0
/*
 * The VRRP follower (vrrp.h): keepalived's notify FIFO on the event loop,
 * the state of each instance, and the STANDBY flag of every service.
 *
 * keepalived creates the FIFO when it is missing, opens it O_RDWR and never
 * blocks on it; it removes a FIFO it created when it exits. xvsd opens it
 * O_RDONLY|O_NONBLOCK: an open with no writer succeeds and reports no hangup
 * until a writer came and went, so EOF means keepalived exited. Without
 * keepalived nothing tells which director holds a VIP, and the peer takes
 * it over within seconds: every instance is then STOP here (standby).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <bpf/bpf.h>

#include "log.h"
#include "state.h"
#include "vrrp.h"
#include "vrrp_syncd.h"

#define VRRP_TICK_MS	1000
#define VRRP_LINE_MAX	512

struct vrrp {
	struct vrrp_conf conf;
	enum vrrp_state state[VRRP_MAX_INST];
	struct xvsd *st;
	struct loop *l;
	int fd;
	dev_t dev;
	ino_t ino;
	int open_err;		/* last open failure logged, to say it once */
	size_t len;
	char buf[VRRP_LINE_MAX];
	int syncd_inst;		/* index of lvs_sync_daemon's instance; -1: none */
	struct vrrp_syncd syncd;
};

static const char *const state_names[] = {
	[VRRP_UNKNOWN] = "UNKNOWN",
	[VRRP_INIT] = "INIT",
	[VRRP_BACKUP] = "BACKUP",
	[VRRP_MASTER] = "MASTER",
	[VRRP_FAULT] = "FAULT",
	[VRRP_STOP] = "STOP",
};

const char *vrrp_state_name(enum vrrp_state s)
{
	return s <= VRRP_STOP ? state_names[s] : "?";
}

int vrrp_parse_line(const char *line, char *name, size_t namelen, enum vrrp_state *state)
{
	const char *q, *p = line;
	char word[32];
	size_t n;
	int i;

	if (strncmp(p, "INSTANCE \"", 10))
		return strncmp(p, "GROUP \"", 7) && strncmp(p, "VS ", 3) &&
		       strncmp(p, "RS ", 3) ? -EINVAL : 0;
	p += 10;
	q = strchr(p, '"');
	if (!q || q == p || (size_t)(q - p) >= namelen || q[1] != ' ')
		return -EINVAL;
	memcpy(name, p, q - p);
	name[q - p] = '\0';
	p = q + 2;
	n = strcspn(p, " ");
	if (!n || n >= sizeof(word))
		return -EINVAL;
	memcpy(word, p, n);
	word[n] = '\0';
	/* keepalived 2.2 also says DELETED for an instance a reload removed. */
	if (!strcmp(word, "DELETED")) {
		*state = VRRP_STOP;
		return 1;
	}
	for (i = VRRP_INIT; i <= VRRP_STOP; i++) {
		if (!strcmp(word, state_names[i])) {
			*state = i;
			return 1;
		}
	}
	return 0;
}

static int inst_index(const struct vrrp *v, const char *name);

struct vrrp *vrrp_new(const struct vrrp_conf *conf)
{
	struct vrrp *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->conf = *conf;
	v->fd = -1;
	v->syncd_inst = conf->syncd.inst[0] ? inst_index(v, conf->syncd.inst) : -1;
	return v;
}

static void fifo_close(struct vrrp *v)
{
	if (v->fd < 0)
		return;
	if (v->l)
		loop_del(v->l, v->fd);
	close(v->fd);
	v->fd = -1;
	v->len = 0;
}

void vrrp_free(struct vrrp *v)
{
	if (!v)
		return;
	/* The loop is gone (it owned our timer and fd handler): close only. */
	v->l = NULL;
	fifo_close(v);
	free(v);
}

static int inst_index(const struct vrrp *v, const char *name)
{
	int i;

	for (i = 0; i < v->conf.ninst; i++)
		if (!strcmp(v->conf.inst[i].name, name))
			return i;
	return -1;
}

enum vrrp_state vrrp_instance_state(const struct vrrp *v, const char *name)
{
	int i = inst_index(v, name);

	return i < 0 ? VRRP_UNKNOWN : v->state[i];
}

static bool inst_has(const struct vrrp_inst_conf *in, __u32 vip)
{
	int i;

	for (i = 0; i < in->naddrs; i++)
		if (in->addrs[i] == vip)
			return true;
	return false;
}

bool vrrp_owned(const struct vrrp *v, __u32 vip)
{
	int i;

	for (i = 0; v && i < v->conf.ninst; i++)
		if (inst_has(&v->conf.inst[i], vip))
			return true;
	return false;
}

bool vrrp_standby(const struct vrrp *v, __u32 vip)
{
	bool owned = false;
	int i;

	if (!v)
		return false;
	for (i = 0; i < v->conf.ninst; i++) {
		if (!inst_has(&v->conf.inst[i], vip))
			continue;
		if (v->state[i] == VRRP_MASTER)
			return false;
		owned = true;
	}
	/* A VIP no instance holds has nobody to follow: served, as by IPVS. */
	return owned;
}

static void svc_name(const struct xvsd_svc *s, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &s->key.addr, a, sizeof(a));
	snprintf(buf, len, "%s %s:%u", s->key.proto == IPPROTO_UDP ? "UDP" : "TCP", a,
		 ntohs(s->key.port));
}

int vrrp_apply(struct vrrp *v, struct xvsd *st)
{
	int ret = 0;
	__u32 i;

	for (i = 1; i < st->max_svc; i++) {
		struct xvsd_svc *s = st->svcs[i];
		struct xvs_svc cfg;
		bool standby;
		char name[64];

		if (!s)
			continue;
		standby = vrrp_standby(v, s->key.addr);
		if (standby == !!(s->cfg.flags & XVS_SVC_F_STANDBY))
			continue;
		cfg = s->cfg;
		cfg.flags ^= XVS_SVC_F_STANDBY;
		svc_name(s, name, sizeof(name));
		if (bpf_map_update_elem(st->maps.svc_map, &s->key, &cfg, BPF_EXIST)) {
			pr_err("VRRP: %s: set %s: %s", name, standby ? "standby" : "serving",
			       strerror(errno));
			if (!ret)
				ret = -errno;
			continue;
		}
		s->cfg = cfg;
		pr_info("VRRP: %s %s", name, standby ? "standby: no new connections" : "serving");
	}
	return ret;
}

static void set_state(struct vrrp *v, int i, enum vrrp_state s, const char *why)
{
	if (v->state[i] == s)
		return;
	pr_info("VRRP instance %s: %s -> %s%s", v->conf.inst[i].name,
		vrrp_state_name(v->state[i]), vrrp_state_name(s), why);
	v->state[i] = s;
	if (i == v->syncd_inst && v->st)
		vrrp_syncd_follow(&v->syncd, &v->conf.syncd, v->st->sync, s);
}

int vrrp_line(struct vrrp *v, struct xvsd *st, const char *line)
{
	char name[VRRP_NAME_LEN];
	enum vrrp_state s;
	int i, ret;

	ret = vrrp_parse_line(line, name, sizeof(name), &s);
	if (ret < 0)
		pr_warn("VRRP FIFO %s: unexpected line '%.80s'", v->conf.fifo, line);
	if (ret <= 0)
		return 0;
	i = inst_index(v, name);
	if (i < 0) {
		pr_debug("VRRP instance %s: %s (holds no VIP xvsd knows)", name,
			 vrrp_state_name(s));
		return 0;
	}
	if (v->state[i] == s)
		return 0;
	set_state(v, i, s, "");
	vrrp_apply(v, st);
	return 1;
}

/* keepalived is gone: nobody says which director should serve. */
static void all_stop(struct vrrp *v, const char *why)
{
	int i, changed = 0;

	for (i = 0; i < v->conf.ninst; i++) {
		changed |= v->state[i] != VRRP_STOP;
		set_state(v, i, VRRP_STOP, why);
	}
	if (changed)
		vrrp_apply(v, v->st);
}

static void on_fifo(struct loop *l, int fd, uint32_t events, void *data)
{
	struct vrrp *v = data;
	ssize_t n;
	char *nl;

	(void)l, (void)fd;
	for (;;) {
		if (v->len == sizeof(v->buf) - 1) {
			pr_warn("VRRP FIFO %s: line too long, dropped", v->conf.fifo);
			v->len = 0;
		}
		n = read(v->fd, v->buf + v->len, sizeof(v->buf) - 1 - v->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0)
			break;
		v->len += n;
		v->buf[v->len] = '\0';
		while ((nl = strchr(v->buf, '\n'))) {
			*nl = '\0';
			vrrp_line(v, v->st, v->buf);
			v->len -= nl + 1 - v->buf;
			memmove(v->buf, nl + 1, v->len + 1);
		}
	}
	/*
	 * EOF: no writer. It means keepalived exited only with a hangup: a
	 * FIFO opened while no writer had it reads EOF too, with no hangup.
	 */
	if (!n && !(events & EPOLLHUP))
		return;
	if (n < 0)
		pr_warn("VRRP FIFO %s: read: %s", v->conf.fifo, strerror(errno));
	else
		pr_info("VRRP FIFO %s: keepalived closed it", v->conf.fifo);
	fifo_close(v);
	all_stop(v, " (keepalived gone)");
}

/* Open the FIFO if it exists and is not the one already open. */
static void fifo_check(struct vrrp *v)
{
	struct stat sb;
	int fd, err;

	if (stat(v->conf.fifo, &sb)) {
		err = -errno;
		goto fail;
	}
	if (v->fd >= 0 && sb.st_dev == v->dev && sb.st_ino == v->ino)
		return;
	if (!S_ISFIFO(sb.st_mode)) {
		err = -ENOTSUP;
		goto fail;
	}
	if (v->fd >= 0) {
		/* keepalived made a new one: what is left in the old is stale. */
		pr_info("VRRP FIFO %s was recreated: reopening", v->conf.fifo);
		fifo_close(v);
	}
	fd = open(v->conf.fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb)) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		goto fail;
	}
	err = loop_add(v->l, fd, EPOLLIN, on_fifo, v);
	if (err) {
		close(fd);
		goto fail;
	}
	v->fd = fd;
	v->dev = sb.st_dev;
	v->ino = sb.st_ino;
	v->len = 0;
	v->open_err = 0;
	pr_info("VRRP: following keepalived through %s", v->conf.fifo);
	/* Lines written before we opened it are waiting there. */
	on_fifo(v->l, fd, 0, v);
	return;
fail:
	/* A missing FIFO is normal before keepalived starts: say each cause once. */
	if (err != v->open_err)
		pr_warn("VRRP FIFO %s: %s%s", v->conf.fifo,
			err == -ENOTSUP ? "not a FIFO" : strerror(-err),
			err == -ENOENT ? " (keepalived creates it; checking every second)" : "");
	v->open_err = err;
}

static void on_tick(struct loop *l, int fd, uint32_t events, void *data)
{
	struct vrrp *v = data;

	(void)l, (void)fd, (void)events;
	fifo_check(v);
	/* The first call after xvsd's sync holder exists, and retries. */
	if (v->syncd_inst >= 0)
		vrrp_syncd_follow(&v->syncd, &v->conf.syncd, v->st->sync,
				  v->state[v->syncd_inst]);
}

void vrrp_reload_syncd(struct vrrp *v, const struct ka_conf *k)
{
	struct vrrp_conf tmp = v->conf;
	struct sync *sync = v->st ? v->st->sync : NULL;
	char err[256];
	int i;

	memset(&tmp.syncd, 0, sizeof(tmp.syncd));
	if (vrrp_conf_from_kaconf(&tmp, k, err, sizeof(err))) {
		pr_err("lvs_sync_daemon not reloaded: %s", err);
		return;
	}
	if (!vrrp_syncd_reload(&v->syncd, &v->conf.syncd, &tmp.syncd, sync))
		return;
	i = tmp.syncd.inst[0] ? inst_index(v, tmp.syncd.inst) : -1;
	/* An instance no VIP of ours names: followed all the same (vrrp_conf.h). */
	if (tmp.syncd.inst[0] && i < 0 && v->conf.ninst < VRRP_MAX_INST) {
		i = v->conf.ninst++;
		memset(&v->conf.inst[i], 0, sizeof(v->conf.inst[i]));
		snprintf(v->conf.inst[i].name, sizeof(v->conf.inst[i].name), "%s", tmp.syncd.inst);
		v->state[i] = VRRP_UNKNOWN;
	}
	v->syncd_inst = i;
	if (i >= 0 && v->st)
		vrrp_syncd_follow(&v->syncd, &v->conf.syncd, sync, v->state[i]);
}

int vrrp_serve(struct vrrp *v, struct loop *l, struct xvsd *st)
{
	__u32 i;
	int j;

	v->l = l;
	v->st = st;
	for (i = 1; i < st->max_svc; i++) {
		const struct xvsd_svc *s = st->svcs[i];

		if (!s || (s->cfg.flags & XVS_SVC_F_STANDBY))
			continue;
		for (j = 0; j < v->conf.ninst; j++)
			if (inst_has(&v->conf.inst[j], s->key.addr))
				set_state(v, j, VRRP_MASTER, " (adopted: its VIP was served)");
	}
	vrrp_apply(v, st);
	fifo_check(v);
	return loop_add_timer(l, VRRP_TICK_MS, on_tick, v);
}
