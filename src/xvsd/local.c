// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching the director-local client programs (local.h): the namespace
 * cookie first, so the programs never act on another namespace's sockets,
 * then one cgroup link per program.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xvs.skel.h"
#include "local.h"
#include "log.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

void local_skip_load(struct xvs *skel)
{
	bpf_program__set_autoload(skel->progs.xvs_connect4, false);
	bpf_program__set_autoload(skel->progs.xvs_sendmsg4, false);
	bpf_program__set_autoload(skel->progs.xvs_recvmsg4, false);
	bpf_program__set_autoload(skel->progs.xvs_getpeername4, false);
}

/* This process's network namespace, as bpf_get_netns_cookie() names it. */
static int netns_cookie(__u64 *cookie)
{
	socklen_t len = sizeof(*cookie);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, cookie, &len))
		err = -errno;
	close(fd);
	return err;
}

static int attach(struct bpf_link **link, struct bpf_program *prog, int cgfd)
{
	*link = bpf_program__attach_cgroup(prog, cgfd);
	if (*link)
		return 0;
	*link = NULL;
	return -errno;
}

int local_start(struct local *lc, struct xvs *skel, const char *cgroup)
{
	__u32 zero = 0;
	__u64 cookie;
	int cgfd, err;

	memset(lc, 0, sizeof(*lc));
	err = netns_cookie(&cookie);
	if (err) {
		pr_err("local clients: network namespace cookie: %s", strerror(-err));
		return err;
	}
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.local_netns), &zero, &cookie, BPF_ANY)) {
		err = -errno;
		pr_err("local clients: write local_netns: %s", strerror(-err));
		return err;
	}
	cgfd = open(cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0) {
		err = -errno;
		pr_err("local clients: cgroup %s: %s", cgroup, strerror(-err));
		return err;
	}
	err = attach(&lc->connect4, skel->progs.xvs_connect4, cgfd);
	if (!err)
		err = attach(&lc->sendmsg4, skel->progs.xvs_sendmsg4, cgfd);
	if (!err)
		err = attach(&lc->recvmsg4, skel->progs.xvs_recvmsg4, cgfd);
	if (!err)
		err = attach(&lc->getpeername4, skel->progs.xvs_getpeername4, cgfd);
	close(cgfd);
	if (err) {
		pr_err("local clients: attach to cgroup %s: %s", cgroup, strerror(-err));
		local_stop(lc);
		return err;
	}
	pr_info("balancing connections to VIPs from processes in cgroup %s", cgroup);
	return 0;
}

void local_stop(struct local *lc)
{
	bpf_link__destroy(lc->connect4);
	bpf_link__destroy(lc->sendmsg4);
	bpf_link__destroy(lc->recvmsg4);
	bpf_link__destroy(lc->getpeername4);
	memset(lc, 0, sizeof(*lc));
}
