// SPDX-License-Identifier: GPL-2.0
/*
 * Control socket. Clients are read without blocking (a slow or hostile one
 * cannot stall the datapath's housekeeping) and answered with a bounded
 * blocking write. A frame with a bad magic ends the connection, since the
 * stream cannot be resynchronised; a bad version or oversize length gets an
 * error reply, then the connection ends; a bad command or payload gets an
 * error reply and the connection goes on. Nothing is changed by any of them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libgen.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <arpa/inet.h>

#include "addrset.h"
#include "ctl.h"
#include "ctl_io.h"
#include "list.h"
#include "log.h"
#include "markrule.h"
#include "svc.h"
#include "sync.h"

#define CTL_SEND_TIMEOUT_S 5

struct client {
	struct xvsd *st;
	int fd;
	struct xvs_ctl_hdr hdr;
	size_t hdr_got;
	char *payload;
	size_t payload_got;
};

static int nclients;

/* ---- command dispatch ---------------------------------------------------- */

static int need_len(size_t len, size_t want)
{
	return len == want ? 0 : -EINVAL;
}

static int do_svc_cmd(struct xvsd *st, __u16 cmd, const void *p, size_t len)
{
	struct xvs_ctl_svc svc;
	int err = need_len(len, sizeof(svc));

	if (err)
		return err;
	memcpy(&svc, p, sizeof(svc));
	switch (cmd) {
	case XVS_CMD_ADD_SVC:
		return svc_add(st, &svc);
	case XVS_CMD_EDIT_SVC:
		return svc_edit(st, &svc);
	default:
		return svc_del(st, &svc.id);
	}
}

static int do_dest_cmd(struct xvsd *st, __u16 cmd, const void *p, size_t len)
{
	struct xvs_ctl_svc svc;
	struct xvs_ctl_dest dest;
	int err = need_len(len, sizeof(svc) + sizeof(dest));

	if (err)
		return err;
	memcpy(&svc, p, sizeof(svc));
	memcpy(&dest, (const char *)p + sizeof(svc), sizeof(dest));
	switch (cmd) {
	case XVS_CMD_ADD_DEST:
		return dest_add(st, &svc.id, &dest);
	case XVS_CMD_EDIT_DEST:
		return dest_edit(st, &svc.id, &dest);
	default:
		return dest_del(st, &svc.id, &dest);
	}
}

/* Servers of one service: each one's status in the reply, as separate requests. */
static int do_add_dests(struct xvsd *st, const void *p, size_t len, void **reply,
			size_t *reply_len)
{
	const size_t dsz = sizeof(struct xvs_ctl_dest);
	struct xvs_ctl_dest *reqs;
	struct xvs_ctl_svc svc;
	__s32 *res;
	size_t n;

	if (len < sizeof(svc) + dsz || (len - sizeof(svc)) % dsz)
		return -EINVAL;
	n = (len - sizeof(svc)) / dsz;
	if (n > XVS_CTL_MAX_DESTS)
		return -EINVAL;
	memcpy(&svc, p, sizeof(svc));
	reqs = malloc(n * dsz);
	res = malloc(n * sizeof(*res));
	if (!reqs || !res) {
		free(reqs);
		free(res);
		return -ENOMEM;
	}
	memcpy(reqs, (const char *)p + sizeof(svc), n * dsz);
	dest_add_many(st, &svc.id, reqs, n, res);
	free(reqs);
	*reply = res;
	*reply_len = n * sizeof(*res);
	return 0;
}

/* Copy a fixed-size reply into a malloc'd buffer. */
static int reply_copy(const void *src, size_t size, void **reply, size_t *reply_len)
{
	*reply = malloc(size);
	if (!*reply)
		return -ENOMEM;
	memcpy(*reply, src, size);
	*reply_len = size;
	return 0;
}

/* Commands with an optional service: none (len 0) or one xvs_ctl_svc. */
static int opt_svc(const void *p, size_t len, struct xvs_ctl_svc *svc, bool *given)
{
	*given = len != 0;
	if (!len)
		return 0;
	if (len != sizeof(*svc))
		return -EINVAL;
	memcpy(svc, p, sizeof(*svc));
	return 0;
}

/* The sync daemons (sync.h): start, stop, list. */
static int do_daemon_cmd(struct xvsd *st, __u16 cmd, const void *p, size_t len, void **reply,
			 size_t *reply_len)
{
	struct xvs_ctl_daemon d[2];
	size_t n;

	if (!st->sync)
		return -EOPNOTSUPP;
	if (cmd == XVS_CMD_LIST_DAEMON) {
		if (len)
			return -EINVAL;
		n = sync_list(st->sync, d);
		return n ? reply_copy(d, n * sizeof(d[0]), reply, reply_len) : 0;
	}
	if (len != sizeof(d[0]))
		return -EINVAL;
	memcpy(&d[0], p, sizeof(d[0]));
	if (cmd == XVS_CMD_START_DAEMON)
		return sync_start(st->sync, &d[0]);
	return sync_stop(st->sync, d[0].state);
}

int ctl_handle(struct xvsd *st, __u16 cmd, const void *p, size_t len, void **reply,
	       size_t *reply_len)
{
	struct xvs_ctl_timeout t;
	struct xvs_ctl_info info;
	struct xvs_ctl_svc svc;
	bool given;
	int err;

	*reply = NULL;
	*reply_len = 0;
	switch (cmd) {
	case XVS_CMD_GET_INFO:
		if (len)
			return -EINVAL;
		list_info(st, &info);
		return reply_copy(&info, sizeof(info), reply, reply_len);
	case XVS_CMD_ADD_SVC:
	case XVS_CMD_EDIT_SVC:
	case XVS_CMD_DEL_SVC:
		return do_svc_cmd(st, cmd, p, len);
	case XVS_CMD_FLUSH:
		return len ? -EINVAL : svc_flush(st);
	case XVS_CMD_ADD_DEST:
	case XVS_CMD_EDIT_DEST:
	case XVS_CMD_DEL_DEST:
		return do_dest_cmd(st, cmd, p, len);
	case XVS_CMD_ADD_DESTS:
		return do_add_dests(st, p, len, reply, reply_len);
	case XVS_CMD_ZERO:
		err = opt_svc(p, len, &svc, &given);
		return err ? err : svc_zero(st, given ? &svc.id : NULL);
	case XVS_CMD_SET_TIMEOUT:
		if (len != sizeof(t))
			return -EINVAL;
		memcpy(&t, p, sizeof(t));
		return svc_set_timeout(st, &t);
	case XVS_CMD_GET_TIMEOUT:
		if (len)
			return -EINVAL;
		svc_get_timeout(st, &t);
		return reply_copy(&t, sizeof(t), reply, reply_len);
	case XVS_CMD_LIST:
		err = opt_svc(p, len, &svc, &given);
		return err ? err : list_services(st, given ? &svc.id : NULL, reply, reply_len);
	case XVS_CMD_LIST_CONN:
		return len ? -EINVAL : list_conns(st, reply, reply_len);
	case XVS_CMD_START_DAEMON:
	case XVS_CMD_STOP_DAEMON:
	case XVS_CMD_LIST_DAEMON:
		return do_daemon_cmd(st, cmd, p, len, reply, reply_len);
	case XVS_CMD_MARK_LIST:
	case XVS_CMD_MARK_ADD:
	case XVS_CMD_MARK_DEL:
	case XVS_CMD_MARK_SET:
		return markrule_ctl(st, cmd, p, len, reply, reply_len);
	default:
		return -EINVAL;
	}
}

static const char *const cmd_names[XVS_CMD_MAX] = {
	[XVS_CMD_ADD_SVC] = "add service",	 [XVS_CMD_EDIT_SVC] = "edit service",
	[XVS_CMD_DEL_SVC] = "delete service",	 [XVS_CMD_FLUSH] = "flush",
	[XVS_CMD_ADD_DEST] = "add server",	 [XVS_CMD_EDIT_DEST] = "edit server",
	[XVS_CMD_DEL_DEST] = "delete server",	 [XVS_CMD_ZERO] = "zero",
	[XVS_CMD_SET_TIMEOUT] = "set timeouts",
	[XVS_CMD_START_DAEMON] = "start sync daemon", [XVS_CMD_STOP_DAEMON] = "stop sync daemon",
	[XVS_CMD_MARK_ADD] = "add mark rule",	 [XVS_CMD_MARK_DEL] = "delete mark rule",
	[XVS_CMD_MARK_SET] = "replace mark rules",
	[XVS_CMD_ADD_DESTS] = "add servers",
};

static const char *proto_name(__u16 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	case IPPROTO_SCTP:
		return "SCTP";
	}
	return "IP";
}

/*
 * " TCP 192.168.1.200:80" (" FWM 1"), and " -> 10.0.0.2:80" for a server
 * command: what a service or server request names, numeric as ipvsadm -Ln.
 * Empty for other commands and for payloads of the wrong size.
 */
static void req_target(char *buf, size_t len, __u16 cmd, const void *p, size_t plen)
{
	bool dest = cmd == XVS_CMD_ADD_DEST || cmd == XVS_CMD_EDIT_DEST || cmd == XVS_CMD_DEL_DEST;
	char a[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];
	struct xvs_ctl_dest d;
	struct xvs_ctl_svc svc;
	int af;

	*buf = '\0';
	if ((!dest && cmd != XVS_CMD_ADD_SVC && cmd != XVS_CMD_EDIT_SVC &&
	     cmd != XVS_CMD_DEL_SVC) || plen != sizeof(svc) + (dest ? sizeof(d) : 0))
		return;
	memcpy(&svc, p, sizeof(svc));
	af = svc.id.af == AF_INET6 ? AF_INET6 : AF_INET;
	if (svc.id.fwmark)
		snprintf(buf, len, " FWM %u", svc.id.fwmark);
	else if (inet_ntop(af, svc.id.addr, a, sizeof(a)))
		snprintf(buf, len, af == AF_INET6 ? " %s [%s]:%u" : " %s %s:%u",
			 proto_name(svc.id.proto), a, ntohs(svc.id.port));
	if (!dest)
		return;
	memcpy(&d, (const char *)p + sizeof(svc), sizeof(d));
	af = d.af == AF_INET6 ? AF_INET6 : AF_INET;
	if (inet_ntop(af, d.addr, r, sizeof(r)))
		snprintf(buf + strlen(buf), len - strlen(buf),
			 af == AF_INET6 ? " -> [%s]:%u" : " -> %s:%u", r, ntohs(d.port));
}

/*
 * Configuration changes are state changes: log them at info, naming what
 * changed (reads, and refused requests the client is told about, at debug).
 */
static void log_request(__u16 cmd, int status, const void *p, size_t plen)
{
	const char *name = cmd < XVS_CMD_MAX ? cmd_names[cmd] : NULL;
	char target[128];

	if (!name) {
		pr_debug("request %u: %s", cmd, status ? strerror(-status) : "ok");
		return;
	}
	req_target(target, sizeof(target), cmd, p, plen);
	if (status)
		pr_debug("%s%s refused: %s", name, target, strerror(-status));
	else
		pr_info("%s%s done", name, target);
}

/* One line per batch: the service and how many of its servers were added. */
static void log_add_dests(const void *p, size_t plen, const __s32 *res, size_t rlen)
{
	size_t i, n = rlen / sizeof(*res), ok = 0;
	char target[128];

	if (plen < sizeof(struct xvs_ctl_svc))
		return;
	req_target(target, sizeof(target), XVS_CMD_ADD_SVC, p, sizeof(struct xvs_ctl_svc));
	for (i = 0; i < n; i++)
		ok += !res[i];
	pr_info("add servers%s: %zu of %zu done", target, ok, n);
}

/* ---- clients ------------------------------------------------------------- */

static void client_close(struct loop *l, struct client *c)
{
	loop_del(l, c->fd);
	close(c->fd);
	free(c->payload);
	free(c);
	nclients--;
}

/* Run one request, log it, make good a failed addr_set adjustment. */
static int answer_one(struct xvsd *st, __u16 cmd, const void *p, size_t len, void **reply,
		      size_t *reply_len)
{
	int status, err;

	status = ctl_handle(st, cmd, p, len, reply, reply_len);
	if (cmd == XVS_CMD_ADD_DESTS && !status)
		log_add_dests(p, len, *reply, *reply_len);
	else
		log_request(cmd, status, p, len);
	/* The change adjusted addr_set; a failed adjustment is made good now. */
	if (!status && cmd < XVS_CMD_MAX && cmd_names[cmd] && st->addrset_stale) {
		err = addrset_sync(st);
		if (err)
			pr_warn("address sets: %s (the next sweep retries)", strerror(-err));
	}
	if (status) {
		free(*reply);
		*reply = NULL;
		*reply_len = 0;
	}
	return status;
}

/* The next frame of an XVS_CMD_MULTI payload at *off, checked. */
static int multi_next(const char *p, size_t len, size_t *off, struct xvs_ctl_hdr *h)
{
	if (len - *off < sizeof(*h))
		return -EINVAL;
	memcpy(h, p + *off, sizeof(*h));
	*off += sizeof(*h);
	if (h->magic != XVS_CTL_MAGIC || h->version != XVS_CTL_VERSION || h->len > len - *off ||
	    h->cmd == XVS_CMD_MULTI || h->cmd == XVS_CMD_LIST || h->cmd == XVS_CMD_LIST_CONN)
		return -EINVAL;
	return 0;
}

/*
 * Several requests in one (ipvsadm -R: a million lines were 20k round
 * trips): each answered as alone, in order, the answers in one reply. The
 * whole payload is checked first, so a malformed one runs nothing.
 */
static int do_multi(struct xvsd *st, const char *p, size_t len, void **out, size_t *out_len)
{
	struct xvs_ctl_hdr h;
	size_t off = 0, size = 0;
	char *mem = NULL;
	FILE *f;
	int err;

	while (off < len) {
		err = multi_next(p, len, &off, &h);
		if (err)
			return err;
		off += h.len;
	}
	f = open_memstream(&mem, &size);
	if (!f)
		return -ENOMEM;
	/*
	 * addr_set's counts written once for all of them: each service's
	 * servers moved the same keys' counts (a restore's 100 server
	 * addresses in every service), a hash update each. The datapath only
	 * asks whether a key is there (noconn.h), a few milliseconds later.
	 */
	addrset_defer(st);
	for (off = 0; off < len; ) {
		void *reply = NULL;
		size_t reply_len = 0, req_len;

		multi_next(p, len, &off, &h);
		req_len = h.len;
		h.status = answer_one(st, h.cmd, p + off, req_len, &reply, &reply_len);
		h.len = reply_len;
		fwrite(&h, sizeof(h), 1, f);
		if (reply_len)
			fwrite(reply, reply_len, 1, f);
		free(reply);
		off += req_len;
	}
	addrset_flush(st);
	if (fclose(f)) {
		free(mem);
		return -ENOMEM;
	}
	*out = mem;
	*out_len = size;
	return 0;
}

/* Answer the request now complete in c. Returns 0 or -errno of the send. */
static int client_answer(struct client *c)
{
	void *reply = NULL;
	size_t reply_len = 0;
	int status, err;

	if (c->hdr.cmd == XVS_CMD_MULTI)
		status = do_multi(c->st, c->payload, c->hdr.len, &reply, &reply_len);
	else
		status = answer_one(c->st, c->hdr.cmd, c->payload, c->hdr.len, &reply,
				    &reply_len);
	if (status) {
		free(reply);
		reply = NULL;
		reply_len = 0;
	}
	err = ctl_send(c->fd, c->hdr.cmd, status, reply, reply_len);
	free(reply);
	free(c->payload);
	c->payload = NULL;
	c->payload_got = 0;
	c->hdr_got = 0;
	return err;
}

/*
 * A complete header: is the frame acceptable? Returns 0, or an -errno to
 * answer before closing, or -ECONNABORTED to close without an answer.
 */
static int check_hdr(struct client *c)
{
	if (c->hdr.magic != XVS_CTL_MAGIC)
		return -ECONNABORTED;
	if (c->hdr.version != XVS_CTL_VERSION)
		return -EPROTO;
	if (c->hdr.len > XVS_CTL_MAX_REQ)
		return -EMSGSIZE;
	if (c->hdr.len) {
		c->payload = malloc(c->hdr.len);
		if (!c->payload)
			return -ENOMEM;
	}
	return 0;
}

/* Read what is there; returns 0 to keep the client, -1 to close it. */
static int client_read(struct client *c)
{
	for (;;) {
		char *dst;
		size_t want;
		ssize_t n;
		int err;

		if (c->hdr_got < sizeof(c->hdr)) {
			dst = (char *)&c->hdr + c->hdr_got;
			want = sizeof(c->hdr) - c->hdr_got;
		} else {
			dst = c->payload + c->payload_got;
			want = c->hdr.len - c->payload_got;
		}
		n = want ? recv(c->fd, dst, want, MSG_DONTWAIT) : 0;
		if (want && n == 0)
			return -1;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		if (c->hdr_got < sizeof(c->hdr)) {
			c->hdr_got += n;
			if (c->hdr_got < sizeof(c->hdr))
				continue;
			err = check_hdr(c);
			if (err == -ECONNABORTED) {
				pr_debug("control client sent a bad frame: closing");
				return -1;
			}
			if (err) {
				ctl_send(c->fd, c->hdr.cmd, err, NULL, 0);
				return -1;
			}
		} else {
			c->payload_got += n;
		}
		if (c->payload_got == c->hdr.len && client_answer(c))
			return -1;
	}
}

static void on_client(struct loop *l, int fd, uint32_t events, void *data)
{
	struct client *c = data;

	(void)fd;
	if ((events & EPOLLIN) && !client_read(c))
		return;
	if (!(events & EPOLLIN) && !(events & (EPOLLHUP | EPOLLERR)))
		return;
	client_close(l, c);
}

static void on_accept(struct loop *l, int lfd, uint32_t events, void *data)
{
	struct timeval tv = { .tv_sec = CTL_SEND_TIMEOUT_S };
	struct client *c;
	int fd;

	(void)events;
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (nclients >= CTL_MAX_CLIENTS) {
		pr_warn("control socket: %d clients already, refusing one", nclients);
		close(fd);
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->st = data;
	c->fd = fd;
	if (loop_add(l, fd, EPOLLIN | EPOLLRDHUP, on_client, c)) {
		close(fd);
		free(c);
		return;
	}
	nclients++;
}

int ctl_serve(struct loop *l, int listen_fd, struct xvsd *st)
{
	return loop_add(l, listen_fd, EPOLLIN, on_accept, st);
}

/* ---- listen socket -------------------------------------------------------- */

bool ctl_in_use(const char *path)
{
	int fd = ctl_connect(path);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static int mkdir_p(const char *dir, mode_t mode)
{
	char buf[sizeof(((struct sockaddr_un *)0)->sun_path)], *p;

	if (strlen(dir) >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, dir);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

int ctl_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)];
	mode_t old;
	int fd, err;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	if (ctl_in_use(path))
		return -EADDRINUSE;
	/* Nobody answers: whatever is there is a leftover of a dead xvsd. */
	if (unlink(path) && errno != ENOENT)
		return -errno;
	strcpy(dir, path);
	err = mkdir_p(dirname(dir), 0755);
	if (err)
		return err;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	old = umask(0177);
	err = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ? -errno : 0;
	umask(old);
	if (!err && chmod(path, 0600))
		err = -errno;
	if (!err && listen(fd, 64))
		err = -errno;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}
