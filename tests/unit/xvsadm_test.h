/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the test_xvsadm_*.c tests: a resolver that answers
 * from a fixed table (no DNS), golden-file comparison with a diff on
 * failure, and a fake xvsd (a forked process serving ctl_proto from an
 * in-memory table with the kernel's error codes) to run xvsadm against.
 */
#ifndef XVSADM_TEST_H
#define XVSADM_TEST_H

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "xvs/abi.h"
#include "ctl_io.h"
#include "addr.h"

/* ---- resolver ---------------------------------------------------------- */

static inline const char *fake_host_name(int af, const void *addr)
{
	const struct in_addr *in = addr;

	if (af != AF_INET)
		return NULL;
	if (in->s_addr == inet_addr("10.0.0.9"))
		return "rs9.example";
	if (in->s_addr == inet_addr("10.0.0.10"))
		return "a-very-long-real-server-name.example";
	if (in->s_addr == inet_addr("10.0.0.11"))
		return "a-very-long-virtual-host-name.example";
	return NULL;
}

static inline int fake_host_addr(const char *name, struct in_addr *out)
{
	if (!strcmp(name, "vip.example")) {
		out->s_addr = inet_addr("192.168.1.200");
		return 0;
	}
	return -1;
}

static inline const char *fake_serv_name(unsigned short port, int proto)
{
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return NULL;
	switch (port) {
	case 80:
		return "http";
	case 443:
		return "https";
	case 53:
		return "domain";
	}
	return NULL;
}

static inline int fake_serv_port(const char *name, int proto)
{
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return -1;
	if (!strcmp(name, "http"))
		return 80;
	if (!strcmp(name, "domain"))
		return 53;
	return -1;
}

static const struct addr_resolver test_resolver __attribute__((unused)) = {
	.host_name = fake_host_name,
	.host_addr = fake_host_addr,
	.serv_name = fake_serv_name,
	.serv_port = fake_serv_port,
};

/* ---- golden files ------------------------------------------------------ */

/* tests/golden, found from the test binary's place (build/tests/unit/). */
static inline const char *golden_dir(void)
{
	static char dir[4200];
	char exe[4096];
	ssize_t n;

	if (getenv("XVS_GOLDEN_DIR"))
		return getenv("XVS_GOLDEN_DIR");
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	snprintf(dir, sizeof(dir), "%s/../../../tests/golden", exe);
	return dir;
}

static inline char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;
	FILE *mem;
	int c;

	if (!f)
		return NULL;
	mem = open_memstream(&buf, &cap);
	while ((c = getc(f)) != EOF)
		putc(c, mem);
	fclose(f);
	fclose(mem);
	*len = cap;
	return buf;
}

static inline void write_file(const char *path, const char *buf, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fwrite(buf, 1, len, f);
	fclose(f);
}

/* Compare text with expected bytes; on a difference print diff -u and fail. */
static inline void expect_text(const char *what, const char *expected, size_t elen, const char *actual,
			size_t alen)
{
	char e[] = "/tmp/xvsadm-expected-XXXXXX", a[] = "/tmp/xvsadm-actual-XXXXXX", cmd[256];
	int fe, fa;

	if (elen == alen && !memcmp(expected, actual, alen))
		return;
	fe = mkstemp(e);
	fa = mkstemp(a);
	close(fe);
	close(fa);
	write_file(e, expected, elen);
	write_file(a, actual, alen);
	print_error("%s differs (--- expected, +++ actual):\n", what);
	snprintf(cmd, sizeof(cmd), "diff -u %s %s >&2", e, a);
	if (system(cmd) < 0)
		print_error("cannot run diff\n");
	unlink(e);
	unlink(a);
	fail_msg("%s: output differs", what);
}

static inline void expect_golden(const char *name, const char *actual, size_t alen)
{
	char path[8400];
	size_t elen = 0;
	char *expected;

	snprintf(path, sizeof(path), "%s/%s", golden_dir(), name);
	expected = read_file(path, &elen);
	if (!expected)
		fail_msg("golden file %s missing", path);
	expect_text(name, expected, elen, actual, alen);
	free(expected);
}

/* ---- fake xvsd ----------------------------------------------------------- */

#define FAKE_MAX_SVC	16
#define FAKE_MAX_DEST	16

struct fake_svc {
	struct xvs_ctl_svc svc;
	struct xvs_ctl_dest dests[FAKE_MAX_DEST];	/* newest first, as the kernel lists */
};

struct fake_state {
	struct fake_svc svcs[FAKE_MAX_SVC];
	int nsvc;
	struct xvs_ctl_timeout timeout;
	struct xvs_ctl_conn conns[8];
	int nconns;
	__u16 fail_cmd;		/* answer this command with fail_err */
	__u16 fail_cmd2;	/* and this one (0: none) */
	int fail_err;
	struct xvs_ctl_daemon daemons[2];	/* [state - 1]; state 0: not running */
};

struct fake_xvsd {
	pid_t pid;
	char path[108];
	int report_fd;		/* one "<requests>\n" line per finished connection */
};

static inline bool id_eq(const struct xvs_ctl_svc_id *a, const struct xvs_ctl_svc_id *b)
{
	return a->af == b->af && a->proto == b->proto && a->port == b->port &&
	       a->fwmark == b->fwmark && !memcmp(a->addr, b->addr, sizeof(a->addr));
}

static inline struct fake_svc *fake_find(struct fake_state *st, const struct xvs_ctl_svc_id *id)
{
	int i;

	for (i = 0; i < st->nsvc; i++)
		if (id_eq(&st->svcs[i].svc.id, id))
			return &st->svcs[i];
	return NULL;
}

static inline int fake_find_dest(struct fake_svc *s, const struct xvs_ctl_dest *d)
{
	__u32 i;

	for (i = 0; i < s->svc.num_dests; i++)
		if (s->dests[i].port == d->port && !memcmp(s->dests[i].addr, d->addr, 16))
			return i;
	return -1;
}

static inline bool fake_sched_ok(const char *s)
{
	return !strcmp(s, "rr") || !strcmp(s, "wrr") || !strcmp(s, "wlc");
}

static inline void fake_put_svc(FILE *out, const struct fake_svc *s)
{
	fwrite(&s->svc, sizeof(s->svc), 1, out);
	fwrite(s->dests, sizeof(s->dests[0]), s->svc.num_dests, out);
}

/* One request: returns the status and writes the reply payload to out. */
static inline int fake_handle(struct fake_state *st, __u16 cmd, const void *p, size_t len, FILE *out)
{
	const struct xvs_ctl_svc *req = p;
	const struct xvs_ctl_dest *rd = len >= sizeof(*req) + sizeof(*rd) ?
		(const void *)((const char *)p + sizeof(*req)) : NULL;
	struct fake_svc *s = len >= sizeof(*req) ? fake_find(st, &req->id) : NULL;
	struct xvs_ctl_info info = { .version_code = 0x010201, .conn_tab_size = 4096 };
	int i;

	if (cmd == st->fail_cmd || (st->fail_cmd2 && cmd == st->fail_cmd2))
		return -st->fail_err;
	switch (cmd) {
	case XVS_CMD_GET_INFO:
		info.num_services = st->nsvc;
		fwrite(&info, sizeof(info), 1, out);
		return 0;
	case XVS_CMD_ADD_SVC:
		if (s)
			return -EEXIST;
		if (!fake_sched_ok(req->sched))
			return -ENOENT;
		s = &st->svcs[st->nsvc++];
		memset(s, 0, sizeof(*s));
		s->svc = *req;
		s->svc.num_dests = 0;
		return 0;
	case XVS_CMD_EDIT_SVC:
		if (!s)
			return -ESRCH;
		if (!fake_sched_ok(req->sched))
			return -ENOENT;
		memcpy(s->svc.sched, req->sched, sizeof(req->sched));
		s->svc.flags = req->flags;
		s->svc.timeout = req->timeout;
		s->svc.netmask = req->netmask;
		return 0;
	case XVS_CMD_DEL_SVC:
		if (!s)
			return -ESRCH;
		*s = st->svcs[--st->nsvc];
		return 0;
	case XVS_CMD_FLUSH:
		st->nsvc = 0;
		return 0;
	case XVS_CMD_ADD_DEST:
	case XVS_CMD_EDIT_DEST:
	case XVS_CMD_DEL_DEST:
		if (!s)
			return -ESRCH;
		i = fake_find_dest(s, rd);
		if (cmd == XVS_CMD_ADD_DEST && i >= 0)
			return -EEXIST;
		if (cmd != XVS_CMD_ADD_DEST && i < 0)
			return -ENOENT;
		if (cmd != XVS_CMD_DEL_DEST && rd->l_threshold > rd->u_threshold)
			return -ERANGE;
		if (cmd == XVS_CMD_DEL_DEST) {
			memmove(&s->dests[i], &s->dests[i + 1],
				(--s->svc.num_dests - i) * sizeof(s->dests[0]));
		} else if (cmd == XVS_CMD_ADD_DEST) {
			memmove(&s->dests[1], &s->dests[0], s->svc.num_dests++ * sizeof(s->dests[0]));
			s->dests[0] = *rd;
		} else {
			s->dests[i].weight = rd->weight;
			s->dests[i].fwd = rd->fwd;
			s->dests[i].u_threshold = rd->u_threshold;
			s->dests[i].l_threshold = rd->l_threshold;
		}
		return 0;
	case XVS_CMD_ADD_DESTS: {
		/* Each server as its own XVS_CMD_ADD_DEST, statuses in the reply. */
		char one[sizeof(*req) + sizeof(*rd)];
		size_t n = (len - sizeof(*req)) / sizeof(*rd), k;
		__s32 r;

		if (!rd || (len - sizeof(*req)) % sizeof(*rd) || n > XVS_CTL_MAX_DESTS)
			return -EINVAL;
		memcpy(one, req, sizeof(*req));
		for (k = 0; k < n; k++) {
			memcpy(one + sizeof(*req), &rd[k], sizeof(*rd));
			r = fake_handle(st, XVS_CMD_ADD_DEST, one, sizeof(one), out);
			fwrite(&r, sizeof(r), 1, out);
		}
		return 0;
	}
	case XVS_CMD_MULTI: {
		/* Each frame as its own request, the answers as frames. */
		const char *q = p;
		size_t off;
		struct xvs_ctl_hdr h;

		for (off = 0; off < len; off += h.len) {
			char *buf = NULL;
			size_t blen = 0;
			FILE *one;

			if (len - off < sizeof(h))
				return -EINVAL;
			memcpy(&h, q + off, sizeof(h));
			off += sizeof(h);
			if (h.len > len - off || h.cmd == XVS_CMD_MULTI)
				return -EINVAL;
			one = open_memstream(&buf, &blen);
			h.status = fake_handle(st, h.cmd, q + off, h.len, one);
			fclose(one);
			h.len = h.status ? 0 : blen;
			fwrite(&h, sizeof(h), 1, out);
			fwrite(buf, 1, h.len, out);
			free(buf);
			memcpy(&h, q + off - sizeof(h), sizeof(h));
		}
		return 0;
	}
	case XVS_CMD_ZERO:
		if (len && !s)
			return -ESRCH;
		return 0;
	case XVS_CMD_SET_TIMEOUT: {
		const struct xvs_ctl_timeout *t = p;

		if (t->tcp)
			st->timeout.tcp = t->tcp;
		if (t->tcp_fin)
			st->timeout.tcp_fin = t->tcp_fin;
		if (t->udp)
			st->timeout.udp = t->udp;
		return 0;
	}
	case XVS_CMD_GET_TIMEOUT:
		fwrite(&st->timeout, sizeof(st->timeout), 1, out);
		return 0;
	case XVS_CMD_LIST:
		if (len) {
			if (!s)
				return -ESRCH;
			fake_put_svc(out, s);
			return 0;
		}
		for (i = 0; i < st->nsvc; i++)
			fake_put_svc(out, &st->svcs[i]);
		return 0;
	case XVS_CMD_LIST_CONN:
		fwrite(st->conns, sizeof(st->conns[0]), st->nconns, out);
		return 0;
	case XVS_CMD_START_DAEMON:
	case XVS_CMD_STOP_DAEMON: {
		const struct xvs_ctl_daemon *d = p;

		if (len != sizeof(*d) || d->state < 1 || d->state > 2)
			return -EINVAL;
		if (cmd == XVS_CMD_START_DAEMON && st->daemons[d->state - 1].state)
			return -EEXIST;
		if (cmd == XVS_CMD_STOP_DAEMON && !st->daemons[d->state - 1].state)
			return -ESRCH;
		if (cmd == XVS_CMD_START_DAEMON)
			st->daemons[d->state - 1] = *d;
		else
			memset(&st->daemons[d->state - 1], 0, sizeof(*d));
		return 0;
	}
	case XVS_CMD_LIST_DAEMON:
		for (i = 0; i < 2; i++)
			if (st->daemons[i].state)
				fwrite(&st->daemons[i], sizeof(st->daemons[i]), 1, out);
		return 0;
	}
	return -EINVAL;
}

static inline void fake_serve(int lfd, int report, struct fake_state *st)
{
	for (;;) {
		int fd = accept(lfd, NULL, NULL), nreq = 0;
		struct xvs_ctl_hdr hdr;
		char line[32];
		void *payload;

		if (fd < 0)
			_exit(1);
		while (!ctl_recv(fd, &hdr, &payload, XVS_CTL_MAX_REQ)) {
			char *buf = NULL;
			size_t blen = 0;
			FILE *out = open_memstream(&buf, &blen);
			int status = fake_handle(st, hdr.cmd, payload, hdr.len, out);

			fclose(out);
			ctl_send(fd, hdr.cmd, status, status ? NULL : buf, status ? 0 : blen);
			free(buf);
			free(payload);
			nreq++;
		}
		close(fd);
		snprintf(line, sizeof(line), "%d\n", nreq);
		if (write(report, line, strlen(line)) < 0)
			_exit(1);
	}
}

static inline void fake_start(struct fake_xvsd *f, const struct fake_state *init)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct fake_state st = *init;
	int lfd, pfd[2];

	snprintf(f->path, sizeof(f->path), "/tmp/xvsadm-test-%d.sock", (int)getpid());
	unlink(f->path);
	strcpy(sa.sun_path, f->path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 8), 0);
	assert_int_equal(pipe(pfd), 0);
	fflush(NULL);
	f->pid = fork();
	assert_true(f->pid >= 0);
	if (!f->pid) {
		close(pfd[0]);
		alarm(60);	/* never outlive a stuck test */
		fake_serve(lfd, pfd[1], &st);
	}
	close(lfd);
	close(pfd[1]);
	f->report_fd = pfd[0];
}

static inline void fake_stop(struct fake_xvsd *f)
{
	kill(f->pid, SIGTERM);
	waitpid(f->pid, NULL, 0);
	close(f->report_fd);
	unlink(f->path);
}

/* Requests served on the connection that finished last (waits up to 2 s). */
static inline int fake_last_conn_requests(struct fake_xvsd *f)
{
	struct pollfd p = { .fd = f->report_fd, .events = POLLIN };
	char line[32];
	ssize_t n;

	if (poll(&p, 1, 2000) != 1)
		return -1;
	n = read(f->report_fd, line, sizeof(line) - 1);
	if (n <= 0)
		return -1;
	line[n] = '\0';
	return atoi(line);
}

/* Number of finished connections reported so far without waiting. */
static inline int fake_drain_reports(struct fake_xvsd *f)
{
	struct pollfd p = { .fd = f->report_fd, .events = POLLIN };
	char buf[256];
	int lines = 0;
	ssize_t n, i;

	while (poll(&p, 1, 100) == 1) {
		n = read(f->report_fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (i = 0; i < n; i++)
			lines += buf[i] == '\n';
	}
	return lines;
}

#endif /* XVSADM_TEST_H */
