/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Director-local clients (docs/local-clients.md): xvsd attaches the cgroup
 * programs (bpf/lib/sock_lb.h) to the cgroup it was given and tells them
 * which network namespace is the director's. The links are xvsd's own: the
 * programs detach when xvsd exits.
 */
#ifndef XVSD_LOCAL_H
#define XVSD_LOCAL_H

struct xvs;
struct bpf_link;

struct local {
	struct bpf_link *connect4;
	struct bpf_link *sendmsg4;
	struct bpf_link *recvmsg4;
	struct bpf_link *getpeername4;
};

/* Leave the cgroup programs out of @skel's load (before xvs__load()):
 * verifying them costs seconds at every start, and only local_start()
 * attaches them. */
void local_skip_load(struct xvs *skel);

/* Balance connect() to VIPs of processes in @cgroup (a cgroup2 directory). */
int local_start(struct local *lc, struct xvs *skel, const char *cgroup);

/* Detach; nothing to do when never started. */
void local_stop(struct local *lc);

#endif /* XVSD_LOCAL_H */
