/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvsadm --json (-j): the listings as JSON documents, printed from the same
 * reply structs the text listings print (list.c), so both always show the
 * same values. The schema is documented in docs/ops.md and is stable: keys
 * are only ever added.
 */
#ifndef XVSADM_JSON_H
#define XVSADM_JSON_H

#include <stdio.h>

#include "list.h"

/* Listing format flag next to xvsadm.h's FMT_*: print JSON instead of text. */
#define FMT_JSON		0x0200

/*
 * -L [-t|-u service]: the table header of *info and every service of *l
 * (already sorted, or not, as the text listing would be) with its servers.
 * Every field is always present, whatever the text format flags select.
 */
void json_services(FILE *f, const struct xvs_ctl_info *info, const struct svc_list *l);

/* -L -c: one object per connection. */
void json_conns(FILE *f, const struct xvs_ctl_conn *conns, size_t n);

/* -L --timeout. */
void json_timeout(FILE *f, const struct xvs_ctl_timeout *t);

/* -L --daemon: xvs runs no sync daemon, so the list is always empty. */
void json_daemons(FILE *f, const struct xvs_ctl_daemon *d, size_t n);

#endif /* XVSADM_JSON_H */
