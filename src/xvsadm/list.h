/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipvsadm's listings, byte for byte: banner, titles, service and server
 * lines of every format (default, --stats, --rate, --thresholds,
 * --persistent-conn, --tun-info, --exact), -c rows, --timeout, and the
 * sort order. Pure: they print reply structs to a FILE*.
 */
#ifndef XVSADM_LIST_H
#define XVSADM_LIST_H

#include <stdio.h>

#include "xvsadm.h"

/* One service of a LIST reply with its real servers (svc.num_dests of them). */
struct list_svc {
	struct xvs_ctl_svc svc;
	struct xvs_ctl_dest *dests;
};

struct svc_list {
	struct list_svc *svcs;
	size_t n;
};

/*
 * Split a LIST reply (per service: xvs_ctl_svc, then num_dests
 * xvs_ctl_dest) into *l. Returns 0, or -EBADMSG when the lengths do not add up.
 */
int svc_list_parse(const void *buf, size_t len, struct svc_list *l);
void svc_list_free(struct svc_list *l);

/* Sort services, and each service's servers, as ipvsadm does (unless FMT_NOSORT). */
void list_sort(struct svc_list *l);
void list_sort_dests(struct list_svc *s);

void list_banner(FILE *f, const struct xvs_ctl_info *info);
void list_title(FILE *f, unsigned int format);
void list_service(FILE *f, const struct list_svc *s, unsigned int format,
		  const struct addr_resolver *res);
void list_largenum(FILE *f, unsigned long long v, unsigned int format);
void list_timeout(FILE *f, const struct xvs_ctl_timeout *t);
/* `-L --daemon`: ipvsadm's line per running sync daemon. */
void list_daemons(FILE *f, const struct xvs_ctl_daemon *d, size_t n);
void list_conn_title(FILE *f, unsigned int format);
void list_conn(FILE *f, const struct xvs_ctl_conn *c, unsigned int format,
	       const struct addr_resolver *res);

/* The "-t addr:port" / "TCP  addr:port" words of a service; rule: -S form. */
void list_svc_name(char *buf, size_t len, const struct xvs_ctl_svc *svc, unsigned int format,
		   const struct addr_resolver *res);

/* "-b"/"(...)" text of the scheduler flags, "" when none. */
void list_sched_flags(char *buf, size_t len, const struct xvs_ctl_svc *svc);

/* "TCP", "Masq", "TIME_WAIT": the words the listings print. */
const char *list_proto_name(int proto);
const char *list_fwd_name(__u32 fwd);
const char *list_conn_state_name(const struct xvs_ctl_conn *c);

/* -S: the rules that recreate the services (save.c). */
void save_service(FILE *f, const struct list_svc *s, unsigned int format,
		  const struct addr_resolver *res);

#endif /* XVSADM_LIST_H */
