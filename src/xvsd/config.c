// SPDX-License-Identifier: GPL-2.0
/*
 * Settings parsing: one function per key, used by both the config file and
 * the command line, so both accept exactly the same values and say the same
 * thing about bad ones.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xvs/abi.h>
#include "ctl_proto.h"
#include "config.h"
#include "metrics.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void conf_defaults(struct xvsd_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->datapath = XVSD_DP_XDP;
	c->conn_max = XVS_CONN_DEFAULT;
	c->max_svc = XVS_MAX_SVC - 1;
	c->max_dest = XVS_MAX_DEST - 1;
	snprintf(c->socket, sizeof(c->socket), "%s", XVS_CTL_SOCKET);
	snprintf(c->pin_dir, sizeof(c->pin_dir), "%s", XVSD_PIN_DIR);
}

static int add_iface(struct xvsd_conf *c, const char *name, size_t len, char *err,
		     size_t errlen)
{
	int i;

	if (!len)
		return fail(err, errlen, "empty interface name");
	if (len >= IF_NAMESIZE)
		return fail(err, errlen, "interface name '%.*s' too long (max %d characters)",
			    (int)len, name, IF_NAMESIZE - 1);
	if (memchr(name, '/', len))
		return fail(err, errlen, "invalid interface name '%.*s'", (int)len, name);
	for (i = 0; i < c->nifaces; i++)
		if (strlen(c->ifaces[i]) == len && !memcmp(c->ifaces[i], name, len))
			return fail(err, errlen, "interface '%.*s' given twice", (int)len, name);
	if (c->nifaces == XVSD_MAX_IFACES)
		return fail(err, errlen, "too many interfaces (max %d)", XVSD_MAX_IFACES);
	memcpy(c->ifaces[c->nifaces], name, len);
	c->ifaces[c->nifaces][len] = '\0';
	c->nifaces++;
	return 0;
}

/* A list separated by commas and/or blanks: "eth0,eth1", "eth0 eth1". */
int conf_add_ifaces(struct xvsd_conf *c, const char *list, char *err, size_t errlen)
{
	struct xvsd_conf tmp = *c;
	const char *p = list;
	int err_;

	while (*p) {
		size_t n;

		while (*p == ',' || isblank((unsigned char)*p))
			p++;
		if (!*p)
			break;
		n = strcspn(p, ", \t");
		err_ = add_iface(&tmp, p, n, err, errlen);
		if (err_)
			return err_;
		p += n;
	}
	if (tmp.nifaces == c->nifaces)
		return fail(err, errlen, "no interface named in '%s'", list);
	*c = tmp;
	c->set |= CONF_IFACES;
	return 0;
}

int conf_set_datapath(struct xvsd_conf *c, const char *v, char *err, size_t errlen)
{
	if (!strcmp(v, "xdp"))
		c->datapath = XVSD_DP_XDP;
	else if (!strcmp(v, "tc"))
		c->datapath = XVSD_DP_TC;
	else
		return fail(err, errlen, "invalid datapath '%s' (use xdp or tc)", v);
	c->set |= CONF_DATAPATH;
	return 0;
}

/* A count of 1..limit, or -EINVAL with "invalid KEY 'V' (1..LIMIT WHAT)". */
static int parse_count(const char *key, const char *what, __u32 limit, const char *v,
		       __u32 *out, char *err, size_t errlen)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (!isdigit((unsigned char)*v) || *end || errno || n < 1 || n > limit)
		return fail(err, errlen, "invalid %s '%s' (1..%u %s)", key, v, limit, what);
	*out = n;
	return 0;
}

int conf_set_conn_max(struct xvsd_conf *c, const char *v, char *err, size_t errlen)
{
	int ret = parse_count("conn_max", "connections", XVSD_CONN_MAX_LIMIT, v, &c->conn_max,
			      err, errlen);

	if (!ret)
		c->set |= CONF_CONN_MAX;
	return ret;
}

int conf_set_max_services(struct xvsd_conf *c, const char *v, char *err, size_t errlen)
{
	int ret = parse_count("max_services", "services", XVSD_SVC_LIMIT, v, &c->max_svc,
			      err, errlen);

	if (!ret)
		c->set |= CONF_MAX_SVC;
	return ret;
}

int conf_set_max_servers(struct xvsd_conf *c, const char *v, char *err, size_t errlen)
{
	int ret = parse_count("max_servers", "real servers", XVSD_DEST_LIMIT, v, &c->max_dest,
			      err, errlen);

	if (!ret)
		c->set |= CONF_MAX_DEST;
	return ret;
}

static int set_path(char *dst, size_t size, const char *what, const char *v, char *err,
		    size_t errlen)
{
	if (*v != '/')
		return fail(err, errlen, "%s '%s' must be an absolute path", what, v);
	if (strlen(v) >= size)
		return fail(err, errlen, "%s '%s' too long (max %zu characters)", what, v,
			    size - 1);
	strcpy(dst, v);
	return 0;
}

int conf_set_socket(struct xvsd_conf *c, const char *v, char *err, size_t errlen)
{
	int ret = set_path(c->socket, sizeof(c->socket), "socket", v, err, errlen);

	if (!ret)
		c->set |= CONF_SOCKET;
	return ret;
}

int conf_set_local_cgroup(struct xvsd_conf *c, const char *v, char *err, size_t errlen)
{
	int ret = set_path(c->local_cgroup, sizeof(c->local_cgroup), "local_cgroup", v, err,
			   errlen);

	if (!ret)
		c->set |= CONF_LOCAL_CGROUP;
	return ret;
}

int conf_set_pin_dir(struct xvsd_conf *c, const char *v, char *err, size_t errlen)
{
	int ret = set_path(c->pin_dir, sizeof(c->pin_dir), "pin_dir", v, err, errlen);

	if (ret)
		return ret;
	/* "/a/b/" and "/a/b" name the same dir; keep one spelling for messages. */
	while (strlen(c->pin_dir) > 1 && c->pin_dir[strlen(c->pin_dir) - 1] == '/')
		c->pin_dir[strlen(c->pin_dir) - 1] = '\0';
	c->set |= CONF_PIN_DIR;
	return 0;
}

int conf_set_log(struct xvsd_conf *c, const char *v, char *err, size_t errlen)
{
	if (!strcmp(v, "syslog"))
		c->log_syslog = true;
	else if (!strcmp(v, "stderr"))
		c->log_syslog = false;
	else
		return fail(err, errlen, "invalid log '%s' (use stderr or syslog)", v);
	c->set |= CONF_LOG;
	return 0;
}

int conf_set_metrics(struct xvsd_conf *c, const char *v, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len;

	if (metrics_parse_addr(v, &ss, &len))
		return fail(err, errlen, "invalid metrics address '%s' (use ADDR:PORT, "
			    "[ADDR6]:PORT or :PORT, numeric)", v);
	c->metrics = ss;
	c->metrics_len = len;
	c->set |= CONF_METRICS;
	return 0;
}

/* The keepalived.conf whose virtual servers xvsd runs (-f, --use-file). */
int conf_set_keepalived_conf(struct xvsd_conf *c, const char *v, char *err, size_t errlen)
{
	int ret = set_path(c->keepalived_conf, sizeof(c->keepalived_conf), "keepalived_conf", v,
			   err, errlen);

	if (!ret)
		c->set |= CONF_KACONF;
	return ret;
}

int conf_set_vrrp_fifo(struct xvsd_conf *c, const char *v, char *err, size_t errlen)
{
	int ret = vrrp_conf_set_fifo(&c->vrrp, v, err, errlen);

	if (!ret)
		c->set |= CONF_VRRP_FIFO;
	return ret;
}

int conf_add_vrrp_instance(struct xvsd_conf *c, const char *v, char *err, size_t errlen)
{
	int ret = vrrp_conf_add_instance(&c->vrrp, v, err, errlen);

	if (!ret)
		c->set |= CONF_VRRP_INST;
	return ret;
}

struct conf_key {
	const char *name;
	unsigned int bit;
	int (*set)(struct xvsd_conf *c, const char *v, char *err, size_t errlen);
};

static const struct conf_key conf_keys[] = {
	{ "interfaces", CONF_IFACES, conf_add_ifaces },
	{ "datapath", CONF_DATAPATH, conf_set_datapath },
	{ "conn_max", CONF_CONN_MAX, conf_set_conn_max },
	{ "max_services", CONF_MAX_SVC, conf_set_max_services },
	{ "max_servers", CONF_MAX_DEST, conf_set_max_servers },
	{ "socket", CONF_SOCKET, conf_set_socket },
	{ "pin_dir", CONF_PIN_DIR, conf_set_pin_dir },
	{ "log", CONF_LOG, conf_set_log },
	{ "metrics", CONF_METRICS, conf_set_metrics },
	{ "vrrp_notify_fifo", CONF_VRRP_FIFO, conf_set_vrrp_fifo },
	{ "vrrp_instance", CONF_VRRP_INST, conf_add_vrrp_instance },
	{ "keepalived_conf", CONF_KACONF, conf_set_keepalived_conf },
	{ "local_cgroup", CONF_LOCAL_CGROUP, conf_set_local_cgroup },
};

/* Keys that may be given on several lines, adding up. */
#define CONF_MULTI (CONF_IFACES | CONF_VRRP_INST)

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* One line, already stripped of its comment. Returns 0 or -EINVAL. */
static int parse_line(struct xvsd_conf *c, unsigned int *seen, char *line, char *msg,
		      size_t msglen)
{
	char *eq = strchr(line, '='), *key, *val;
	size_t i;

	if (!eq)
		return fail(msg, msglen, "expected 'key = value', got '%s'", line);
	*eq = '\0';
	key = trim(line);
	val = trim(eq + 1);
	for (i = 0; i < sizeof(conf_keys) / sizeof(conf_keys[0]); i++) {
		const struct conf_key *k = &conf_keys[i];

		if (strcmp(key, k->name))
			continue;
		if (!*val)
			return fail(msg, msglen, "no value for '%s'", key);
		/* interfaces may be spread over several lines; the rest once. */
		if ((*seen & k->bit) && !(k->bit & CONF_MULTI))
			return fail(msg, msglen, "'%s' given twice", key);
		*seen |= k->bit;
		return k->set(c, val, msg, msglen);
	}
	/* IPVS's connection settings: a table of their own (connopt.c). */
	for (i = 0; connopt_key(i); i++) {
		if (strcmp(key, connopt_key(i)))
			continue;
		if (!*val)
			return fail(msg, msglen, "no value for '%s'", key);
		if (c->connopt.set & (1u << i))
			return fail(msg, msglen, "'%s' given twice", key);
		return connopt_parse(&c->connopt, key, val, msg, msglen);
	}
	return fail(msg, msglen, "unknown key '%s'", key);
}

int conf_parse_text(struct xvsd_conf *c, const char *name, const char *text, char *err,
		    size_t errlen)
{
	struct xvsd_conf tmp = *c;
	unsigned int seen = 0;
	const char *p = text;
	int lineno = 0;

	/* A file's interfaces replace earlier ones, as a later -i does. */
	tmp.nifaces = 0;
	/* Its connection settings are its own until merged (twice = in it). */
	tmp.connopt.set = 0;
	while (*p) {
		size_t n = strcspn(p, "\n");
		char msg[256], *line, *hash;
		int ret;

		lineno++;
		line = strndup(p, n);
		if (!line)
			return -ENOMEM;
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		ret = 0;
		if (*trim(line))
			ret = parse_line(&tmp, &seen, trim(line), msg, sizeof(msg));
		free(line);
		if (ret) {
			snprintf(err, errlen, "%s:%d: %s", name, lineno, msg);
			return ret;
		}
		p += n;
		if (*p)
			p++;
	}
	if (!(seen & CONF_IFACES))
		tmp.nifaces = c->nifaces;
	connopt_merge(&c->connopt, &tmp.connopt);
	tmp.connopt = c->connopt;
	*c = tmp;
	return 0;
}

int conf_parse_file(struct xvsd_conf *c, const char *path, char *err, size_t errlen)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f, *mem;
	int ret, ch;

	f = fopen(path, "r");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	mem = open_memstream(&text, &size);
	if (!mem) {
		fclose(f);
		return -ENOMEM;
	}
	while ((ch = getc(f)) != EOF) {
		if (ch == '\0') {
			fclose(mem);
			free(text);
			fclose(f);
			snprintf(err, errlen, "%s: not a text file", path);
			return -EINVAL;
		}
		putc(ch, mem);
	}
	ret = ferror(f) ? -EIO : 0;
	fclose(f);
	fclose(mem);
	if (ret)
		snprintf(err, errlen, "%s: read error", path);
	else
		ret = conf_parse_text(c, path, text, err, errlen);
	free(text);
	return ret;
}

void conf_merge(struct xvsd_conf *dst, const struct xvsd_conf *src)
{
	if (src->set & CONF_IFACES) {
		dst->nifaces = src->nifaces;
		memcpy(dst->ifaces, src->ifaces, sizeof(dst->ifaces));
	}
	if (src->set & CONF_DATAPATH)
		dst->datapath = src->datapath;
	if (src->set & CONF_CONN_MAX)
		dst->conn_max = src->conn_max;
	if (src->set & CONF_MAX_SVC)
		dst->max_svc = src->max_svc;
	if (src->set & CONF_MAX_DEST)
		dst->max_dest = src->max_dest;
	if (src->set & CONF_SOCKET)
		strcpy(dst->socket, src->socket);
	if (src->set & CONF_PIN_DIR)
		strcpy(dst->pin_dir, src->pin_dir);
	if (src->set & CONF_LOG)
		dst->log_syslog = src->log_syslog;
	if (src->set & CONF_METRICS) {
		dst->metrics = src->metrics;
		dst->metrics_len = src->metrics_len;
	}
	if (src->set & CONF_VRRP_FIFO)
		strcpy(dst->vrrp.fifo, src->vrrp.fifo);
	if (src->set & CONF_KACONF)
		strcpy(dst->keepalived_conf, src->keepalived_conf);
	if (src->set & CONF_LOCAL_CGROUP)
		strcpy(dst->local_cgroup, src->local_cgroup);
	if (src->set & CONF_VRRP_INST) {
		dst->vrrp.ninst = src->vrrp.ninst;
		memcpy(dst->vrrp.inst, src->vrrp.inst, sizeof(dst->vrrp.inst));
	}
	connopt_merge(&dst->connopt, &src->connopt);
	dst->set |= src->set;
}
