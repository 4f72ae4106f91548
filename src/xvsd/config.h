/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvsd's settings: defaults, the `key = value` file (/etc/xvs/xvsd.conf, see
 * xvsd.conf(5)) and the command line, merged so the command line wins.
 */
#ifndef XVSD_CONFIG_H
#define XVSD_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/types.h>

#include "connopt.h"
#include "vrrp_conf.h"

#define XVSD_CONF_FILE		"/etc/xvs/xvsd.conf"
#define XVSD_PIN_DIR		"/sys/fs/bpf/xvs"
#define XVSD_MAX_IFACES		32
#define XVSD_CONN_MAX_LIMIT	(1u << 24)
#define XVSD_SVC_LIMIT		65535		/* --max-services: ids fit svc_dests' u32 keys */
#define XVSD_DEST_LIMIT		((1u << 22) - 1)	/* --max-servers: 4M - 1 */

enum xvsd_datapath {
	XVSD_DP_XDP = 0,	/* XDP on each interface, tc ingress beside it */
	XVSD_DP_TC,		/* tc ingress only */
};

/* Bits of xvsd_conf.set: which settings were given explicitly. */
enum {
	CONF_IFACES = 1 << 0,
	CONF_DATAPATH = 1 << 1,
	CONF_CONN_MAX = 1 << 2,
	CONF_SOCKET = 1 << 3,
	CONF_PIN_DIR = 1 << 4,
	CONF_LOG = 1 << 5,
	CONF_METRICS = 1 << 6,
	CONF_VRRP_FIFO = 1 << 7,
	CONF_VRRP_INST = 1 << 8,
	CONF_KACONF = 1 << 9,
	CONF_LOCAL_CGROUP = 1 << 10,
	CONF_MAX_SVC = 1 << 11,
	CONF_MAX_DEST = 1 << 12,
};

struct xvsd_conf {
	unsigned int set;
	int nifaces;
	char ifaces[XVSD_MAX_IFACES][IF_NAMESIZE];
	enum xvsd_datapath datapath;
	__u32 conn_max;
	__u32 max_svc;		/* services (svc_dests holds max_svc + 1 ids) */
	__u32 max_dest;		/* real servers, live and removed (dest_info: + 1) */
	char socket[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char pin_dir[PATH_MAX];
	bool log_syslog;
	struct sockaddr_storage metrics;	/* Prometheus endpoint (metrics.h) */
	socklen_t metrics_len;			/* 0: off, the default */
	struct vrrp_conf vrrp;			/* following keepalived (docs/ha.md) */
	struct connopt connopt;			/* IPVS's connection sysctls */
	char keepalived_conf[PATH_MAX];		/* "": none (docs/keepalived.md) */
	char local_cgroup[PATH_MAX];		/* "": local clients not balanced (docs/local-clients.md) */
};

/* Defaults: no interface, xdp, XVS_CONN_DEFAULT, XVS_MAX_SVC/XVS_MAX_DEST's ids,
 * the default socket and pin dir. */
void conf_defaults(struct xvsd_conf *c);

/*
 * Parsers of single values, shared by the file and the command line. Each
 * returns 0 or -EINVAL with a message (no file/line prefix) in err.
 */
int conf_add_ifaces(struct xvsd_conf *c, const char *list, char *err, size_t errlen);
int conf_set_datapath(struct xvsd_conf *c, const char *v, char *err, size_t errlen);
int conf_set_conn_max(struct xvsd_conf *c, const char *v, char *err, size_t errlen);
int conf_set_max_services(struct xvsd_conf *c, const char *v, char *err, size_t errlen);
int conf_set_max_servers(struct xvsd_conf *c, const char *v, char *err, size_t errlen);
int conf_set_socket(struct xvsd_conf *c, const char *v, char *err, size_t errlen);
int conf_set_pin_dir(struct xvsd_conf *c, const char *v, char *err, size_t errlen);
int conf_set_local_cgroup(struct xvsd_conf *c, const char *v, char *err, size_t errlen);
int conf_set_log(struct xvsd_conf *c, const char *v, char *err, size_t errlen);
int conf_set_metrics(struct xvsd_conf *c, const char *v, char *err, size_t errlen);
int conf_set_keepalived_conf(struct xvsd_conf *c, const char *v, char *err, size_t errlen);
int conf_set_vrrp_fifo(struct xvsd_conf *c, const char *v, char *err, size_t errlen);
int conf_add_vrrp_instance(struct xvsd_conf *c, const char *v, char *err, size_t errlen);

/*
 * Parse a config file into c (only the keys it names are set). A missing file
 * is -ENOENT with nothing changed; any other error is -EINVAL (or -errno of
 * the read) with "FILE:LINE: message" in err.
 */
int conf_parse_file(struct xvsd_conf *c, const char *path, char *err, size_t errlen);

/* Parse config text (the file's contents); name is used in messages. */
int conf_parse_text(struct xvsd_conf *c, const char *name, const char *text, char *err,
		    size_t errlen);

/* dst = dst with every setting that src has explicitly set taken from src. */
void conf_merge(struct xvsd_conf *dst, const struct xvsd_conf *src);

#endif /* XVSD_CONFIG_H */
