/* SPDX-License-Identifier: GPL-2.0 */
/* Replies of the read-only commands: GET_INFO, LIST, LIST_CONN. */
#ifndef XVSD_LIST_H
#define XVSD_LIST_H

#include <stddef.h>
#include "ctl_proto.h"
#include "state.h"

#define LIST_VERSION_CODE	0x010201	/* IPVS 1.2.1, as the banner shows */
#define LIST_CONN_TAB_SIZE	4096		/* the kernel's default conn_tab_size */

void list_info(struct xvsd *st, struct xvs_ctl_info *info);

/* All services (id NULL) or one (-ESRCH when absent), each followed by its
 * servers, in list order. *buf is malloc'd. */
int list_services(struct xvsd *st, const struct xvs_ctl_svc_id *id, void **buf, size_t *len);

/* Every connection (XVS_DIR_IN entry) as `ipvsadm -L -c` lists them. */
int list_conns(struct xvsd *st, void **buf, size_t *len);

#endif /* XVSD_LIST_H */
