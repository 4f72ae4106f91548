/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The datapath's lifecycle: open the skeleton, pin (or adopt pinned) maps,
 * load, attach XDP with pinned bpf_links and tc ingress filters so both keep
 * running after xvsd exits, and the explicit --cleanup that removes them.
 */
#ifndef XVSD_LOADER_H
#define XVSD_LOADER_H

#include <limits.h>
#include <stdbool.h>
#include <linux/types.h>

#include "config.h"

/* tc filter identity of xvs_tc on ingress: handle "XV", priority 1. */
#define LOADER_TC_HANDLE	0x5856
#define LOADER_TC_PRIO		1

struct xvs;

struct loader {
	struct xvs *skel;
	char dir[PATH_MAX];	/* <pin-dir>/v<XVS_ABI_VERSION> */
	bool adopted;		/* the maps were pinned already */
};

/* Prepare c's pin dir, check the ABI version, open, size (c's conn_max,
 * max_svc, max_dest; pinned maps keep theirs), pin and load; the
 * director-local client programs only with c's local_cgroup. */
int loader_load(struct loader *ld, const struct xvsd_conf *c);

/* Attach to c's interfaces in c's mode, replacing earlier xvs programs in
 * place, and detach xvs from interfaces no longer named. */
int loader_attach(struct loader *ld, const struct xvsd_conf *c);

/* Close our handles; pinned maps, links and tc filters stay. */
void loader_close(struct loader *ld);

/* Detach every xvs program in this network namespace and remove the pins. */
int loader_cleanup(const char *pin_dir);

#endif /* XVSD_LOADER_H */
