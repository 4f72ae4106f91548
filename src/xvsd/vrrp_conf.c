// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing of the VRRP settings (vrrp_conf.h): the FIFO path and the
 * instance -> VIP lists, shared by the settings file and the command line.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaconf/kaconf.h"
#include "log.h"
#include "vrrp_conf.h"

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

int vrrp_conf_set_fifo(struct vrrp_conf *v, const char *path, char *err, size_t errlen)
{
	if (*path != '/')
		return fail(err, errlen, "vrrp_notify_fifo '%s' must be an absolute path", path);
	if (strlen(path) >= sizeof(v->fifo))
		return fail(err, errlen, "vrrp_notify_fifo '%s' too long", path);
	strcpy(v->fifo, path);
	return 0;
}

static struct vrrp_inst_conf *find_or_add(struct vrrp_conf *v, const char *name, size_t len)
{
	int i;

	for (i = 0; i < v->ninst; i++)
		if (strlen(v->inst[i].name) == len && !memcmp(v->inst[i].name, name, len))
			return &v->inst[i];
	if (v->ninst == VRRP_MAX_INST)
		return NULL;
	memset(&v->inst[v->ninst], 0, sizeof(v->inst[0]));
	memcpy(v->inst[v->ninst].name, name, len);
	return &v->inst[v->ninst++];
}

/* One address word: dotted quad, optionally /0..32. */
static int parse_addr(const char *w, size_t n, __u32 *addr)
{
	char buf[32], *slash;
	struct in_addr in;

	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, w, n);
	buf[n] = '\0';
	slash = strchr(buf, '/');
	if (slash) {
		char *end;
		long len = strtol(slash + 1, &end, 10);

		if (slash[1] == '\0' || *end || len < 0 || len > 32)
			return -EINVAL;
		*slash = '\0';
	}
	if (inet_pton(AF_INET, buf, &in) != 1)
		return -EINVAL;
	*addr = in.s_addr;
	return 0;
}

int vrrp_conf_add_instance(struct vrrp_conf *v, const char *spec, char *err, size_t errlen)
{
	struct vrrp_conf tmp = *v;
	struct vrrp_inst_conf *in;
	const char *p = spec;
	size_t n;
	int added = 0;

	n = strcspn(p, "= \t");
	if (!n)
		return fail(err, errlen, "vrrp_instance '%s': no instance name", spec);
	if (n >= VRRP_NAME_LEN)
		return fail(err, errlen, "vrrp_instance name '%.*s' too long (max %d characters)",
			    (int)n, p, VRRP_NAME_LEN - 1);
	in = find_or_add(&tmp, p, n);
	if (!in)
		return fail(err, errlen, "too many VRRP instances (max %d)", VRRP_MAX_INST);
	p += n;
	for (;;) {
		__u32 addr;
		int i;

		while (*p == '=' || *p == ',' || isblank((unsigned char)*p))
			p++;
		if (!*p)
			break;
		n = strcspn(p, ", \t");
		if (parse_addr(p, n, &addr))
			return fail(err, errlen, "vrrp_instance %s: invalid IPv4 address '%.*s'",
				    in->name, (int)n, p);
		p += n;
		added++;
		for (i = 0; i < in->naddrs; i++)
			if (in->addrs[i] == addr)
				break;
		if (i < in->naddrs)
			continue;
		if (in->naddrs == VRRP_MAX_ADDRS)
			return fail(err, errlen, "vrrp_instance %s: too many addresses (max %d)",
				    in->name, VRRP_MAX_ADDRS);
		in->addrs[in->naddrs++] = addr;
	}
	if (!added)
		return fail(err, errlen, "vrrp_instance %s: no address", in->name);
	*v = tmp;
	return 0;
}

/* lvs_sync_daemon's settings as ipvsadm --start-daemon would give them. */
static int syncd_from_kaconf(struct vrrp_conf *v, const struct ka_syncd *d, char *err,
			     size_t errlen)
{
	struct vrrp_syncd_conf *c = &v->syncd;

	if (!find_or_add(v, d->vrrp, strlen(d->vrrp)))
		return fail(err, errlen, "too many VRRP instances (max %d)", VRRP_MAX_INST);
	memset(c, 0, sizeof(*c));
	snprintf(c->inst, sizeof(c->inst), "%s", d->vrrp);
	snprintf(c->cfg.mcast_ifn, sizeof(c->cfg.mcast_ifn), "%s", d->ifname);
	c->cfg.syncid = d->syncid;
	c->cfg.mcast_group = d->group;
	c->cfg.mcast_port = htons(d->port);
	c->cfg.mcast_ttl = d->ttl;
	c->cfg.sync_maxlen = d->maxlen;
	c->cfg.set = (d->group ? XVS_DAEMON_SET_GROUP : 0) | (d->port ? XVS_DAEMON_SET_PORT : 0) |
		     (d->ttl ? XVS_DAEMON_SET_TTL : 0) | (d->maxlen ? XVS_DAEMON_SET_MAXLEN : 0);
	return 0;
}

int vrrp_conf_from_kaconf(struct vrrp_conf *v, const struct ka_conf *k, char *err,
			  size_t errlen)
{
	const char *fifo = k->global.vrrp_notify_fifo ? k->global.vrrp_notify_fifo :
							k->global.notify_fifo;
	struct vrrp_conf tmp = *v;
	const struct ka_vrrp *in;
	int ret;

	if (!tmp.fifo[0] && fifo) {
		ret = vrrp_conf_set_fifo(&tmp, fifo, err, errlen);
		if (ret)
			return ret;
	}
	for (in = k->vrrp; in; in = in->next) {
		const struct ka_vip *vip;
		char spec[VRRP_NAME_LEN + 20];

		for (vip = in->vips; vip; vip = vip->next) {
			if (vip->af != AF_INET)
				continue;
			snprintf(spec, sizeof(spec), "%s ", in->name);
			inet_ntop(AF_INET, &vip->addr[0], spec + strlen(spec),
				  sizeof(spec) - strlen(spec));
			ret = vrrp_conf_add_instance(&tmp, spec, err, errlen);
			if (ret)
				return ret;
		}
	}
	if (k->global.syncd.ifname[0]) {
		ret = syncd_from_kaconf(&tmp, &k->global.syncd, err, errlen);
		if (ret)
			return ret;
		if (!tmp.fifo[0])
			pr_warn("lvs_sync_daemon: no vrrp_notify_fifo tells the state of %s: "
				"no sync daemon runs", tmp.syncd.inst);
	}
	*v = tmp;
	return 0;
}
