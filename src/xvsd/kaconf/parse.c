// SPDX-License-Identifier: GPL-2.0
/*
 * keepalived.conf parser: statements and blocks over the lexer's tokens,
 * value helpers with keepalived's messages, the top level, global_defs and
 * the VRRP blocks (kept for the HA side: instance names, their addresses,
 * sync groups; everything else in them is keepalived's own business and is
 * skipped without a word, since keepalived itself checks it).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "parse.h"

static void add_msg(struct ka_conf *c, const char *text)
{
	struct ka_msg *m = calloc(1, sizeof(*m)), **pp;

	if (!m)
		return;
	m->text = strdup(text);
	if (!m->text) {
		free(m);
		return;
	}
	for (pp = &c->warnings; *pp; pp = &(*pp)->next)
		;
	*pp = m;
	c->nwarnings++;
}

static void vformat(char *buf, size_t len, const struct ka_pos *pos, const char *fmt, va_list ap)
{
	int n = 0;

	if (pos)
		n = snprintf(buf, len, "(%s: Line %d) ", pos->file, pos->line);
	if (n < 0 || (size_t)n >= len)
		n = 0;
	vsnprintf(buf + n, len - n, fmt, ap);
}

void ka_warn(struct ka_parser *p, const struct ka_pos *pos, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vformat(buf, sizeof(buf), pos, fmt, ap);
	va_end(ap);
	add_msg(p->c, buf);
}

int ka_fatal(struct ka_parser *p, const struct ka_pos *pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vformat(p->err, p->errlen, pos, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static struct ka_pos tok_pos(struct ka_parser *p, int i)
{
	struct ka_pos pos = { p->c->files[p->t[i].file], p->t[i].line };

	return pos;
}

static bool is_tok(struct ka_parser *p, const char *s)
{
	return p->i < p->n && !strcmp(p->t[p->i].s, s);
}

/* The statement at p->i: the keyword and its line; '{' after it opens a block. */
static void read_stmt(struct ka_parser *p, struct ka_stmt *s)
{
	int file = p->t[p->i].file, line = p->t[p->i].line;

	memset(s, 0, sizeof(*s));
	s->pos = tok_pos(p, p->i);
	while (p->i < p->n && p->t[p->i].file == file && p->t[p->i].line == line &&
	       strcmp(p->t[p->i].s, "{") && strcmp(p->t[p->i].s, "}")) {
		if (s->argc < KA_MAX_ARGS)
			s->argv[s->argc++] = p->t[p->i].s;
		p->i++;
	}
	if (is_tok(p, "{")) {
		s->block = true;
		p->i++;
	}
}

int ka_skip_block(struct ka_parser *p, const struct ka_pos *pos)
{
	int depth = 1;

	for (; p->i < p->n; p->i++) {
		if (!strcmp(p->t[p->i].s, "{"))
			depth++;
		else if (!strcmp(p->t[p->i].s, "}") && !--depth) {
			p->i++;
			return 0;
		}
	}
	return ka_fatal(p, pos, "missing '}' at the end of the block opened here");
}

/*
 * Statement @s through its keyword's handler in @kw, or warn as keepalived
 * does for an unknown one; a block nobody took is skipped.
 */
static int run_kw(struct ka_parser *p, const struct ka_kw *kw, struct ka_stmt *s, void *obj)
{
	const struct ka_kw *k;
	int ret = 0;

	for (k = kw; k->name; k++)
		if (!strcmp(k->name, s->argv[0]))
			break;
	if (!k->name)
		ka_warn(p, &s->pos, "Unknown keyword '%s'", s->argv[0]);
	else
		ret = k->fn(p, s, obj);
	if (!ret && s->block)
		ret = ka_skip_block(p, &s->pos);
	return ret;
}

int ka_block(struct ka_parser *p, const struct ka_kw *kw, void *obj)
{
	struct ka_pos open = p->i > 0 ? tok_pos(p, p->i - 1) : tok_pos(p, 0);

	while (p->i < p->n) {
		struct ka_stmt s;
		int ret;

		if (is_tok(p, "}")) {
			p->i++;
			return 0;
		}
		if (is_tok(p, "{")) {
			struct ka_pos pos = tok_pos(p, p->i);

			ka_warn(p, &pos, "Unexpected '{' - ignoring block");
			p->i++;
			ret = ka_skip_block(p, &pos);
			if (ret)
				return ret;
			continue;
		}
		read_stmt(p, &s);
		ret = run_kw(p, kw, &s, obj);
		if (ret)
			return ret;
	}
	return ka_fatal(p, &open, "missing '}' at the end of the block opened here");
}

int ka_block_lines(struct ka_parser *p, const struct ka_pos *pos,
		   int (*fn)(struct ka_parser *p, struct ka_stmt *s, void *obj), void *obj)
{
	while (p->i < p->n) {
		struct ka_stmt s;
		int ret;

		if (is_tok(p, "}")) {
			p->i++;
			return 0;
		}
		if (is_tok(p, "{")) {
			struct ka_pos bpos = tok_pos(p, p->i);

			p->i++;
			ret = ka_skip_block(p, &bpos);
		} else {
			read_stmt(p, &s);
			ret = fn(p, &s, obj);
			if (!ret && s.block)
				ret = ka_skip_block(p, &s.pos);
		}
		if (ret)
			return ret;
	}
	return ka_fatal(p, pos, "missing '}' at the end of the block opened here");
}

bool ka_want_block(struct ka_parser *p, struct ka_stmt *s)
{
	if (s->block)
		return true;
	ka_warn(p, &s->pos, "%s: missing '{' - ignoring", s->argv[0]);
	return false;
}

bool ka_want_args(struct ka_parser *p, struct ka_stmt *s, int n)
{
	if (s->argc > n)
		return true;
	ka_warn(p, &s->pos, "%s requires a parameter", s->argv[0]);
	return false;
}

/* ---- values ---------------------------------------------------------- */

bool ka_get_uint(struct ka_parser *p, struct ka_stmt *s, const char *str, __u64 min, __u64 max,
		 __u64 *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(str, &end, 10);
	if (!*str || *end || errno || str[0] == '-') {
		ka_warn(p, &s->pos, "invalid number '%s'", str);
		return false;
	}
	if (v < min || v > max) {
		ka_warn(p, &s->pos, "%s value %s is outside range %llu-%llu", s->argv[0], str,
			(unsigned long long)min, (unsigned long long)max);
		return false;
	}
	*out = v;
	return true;
}

bool ka_get_timer(struct ka_parser *p, struct ka_stmt *s, const char *str, __u64 *ms)
{
	double v;
	char *end;

	errno = 0;
	v = strtod(str, &end);
	if (!*str || *end || errno || v < 0 || v > 4294967.0 || str[0] == '-') {
		ka_warn(p, &s->pos, "%s value '%s' is invalid", s->argv[0], str);
		return false;
	}
	*ms = (__u64)(v * 1000.0 + 0.5);
	return true;
}

void ka_get_timers(struct ka_parser *p, struct ka_stmt *s, struct ka_timers *t, unsigned int *set)
{
	const char *kw = s->argv[0];
	__u64 ms;

	if (!ka_want_args(p, s, 1) || !ka_get_timer(p, s, s->argv[1], &ms))
		return;
	if (!strcmp(kw, "connect_timeout")) {
		t->connect_timeout_ms = ms;
		*set |= KA_SET_CONNECT_TO;
	} else if (!strcmp(kw, "delay_before_retry")) {
		t->delay_before_retry_ms = ms;
		*set |= KA_SET_RETRY_DELAY;
	} else if (!strcmp(kw, "warmup")) {
		t->warmup_ms = ms;
		*set |= KA_SET_WARMUP;
	} else if (ms) {
		t->delay_loop_ms = ms;
		*set |= KA_SET_DELAY_LOOP;
	} else {
		ka_warn(p, &s->pos, "delay_loop value '%s' is invalid", s->argv[1]);
	}
}

void ka_get_retry(struct ka_parser *p, struct ka_stmt *s, struct ka_timers *t, unsigned int *set)
{
	__u64 v;

	if (ka_want_args(p, s, 1) && ka_get_uint(p, s, s->argv[1], 0, UINT32_MAX - 1, &v)) {
		t->retry = v;
		*set |= KA_SET_RETRY;
	}
}

bool ka_get_bool(struct ka_parser *p, struct ka_stmt *s, bool *out)
{
	static const char *const yes[] = { "true", "on", "yes", NULL };
	static const char *const no[] = { "false", "off", "no", NULL };
	int i;

	if (s->argc < 2) {
		*out = true;
		return true;
	}
	for (i = 0; yes[i]; i++)
		if (!strcasecmp(s->argv[1], yes[i])) {
			*out = true;
			return true;
		}
	for (i = 0; no[i]; i++)
		if (!strcasecmp(s->argv[1], no[i])) {
			*out = false;
			return true;
		}
	ka_warn(p, &s->pos, "Invalid %s parameter '%s'", s->argv[0], s->argv[1]);
	return false;
}

bool ka_get_ipv4(const char *str, __u32 *addr)
{
	struct in_addr a;

	if (inet_pton(AF_INET, str, &a) != 1)
		return false;
	*addr = a.s_addr;
	return true;
}

bool ka_get_port(struct ka_parser *p, struct ka_stmt *s, const char *str, __u16 *port)
{
	__u64 v;

	if (!ka_get_uint(p, s, str, 0, 65535, &v))
		return false;
	*port = htons((__u16)v);
	return true;
}

char *ka_strdup_args(struct ka_stmt *s, int from)
{
	size_t len = 1;
	char *r;
	int i;

	for (i = from; i < s->argc; i++)
		len += strlen(s->argv[i]) + 1;
	r = calloc(1, len);
	if (!r)
		return NULL;
	for (i = from; i < s->argc; i++) {
		if (i > from)
			strcat(r, " ");
		strcat(r, s->argv[i]);
	}
	return r;
}

void ka_set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = src ? strdup(src) : NULL;
}

static void set_name(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src);
}

/* ---- global_defs ------------------------------------------------------ */

static int g_router_id(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_global *g = obj;

	if (ka_want_args(p, s, 1))
		set_name(g->router_id, sizeof(g->router_id), s->argv[1]);
	return 0;
}

static int g_fifo(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_global *g = obj;
	char **dst = !strcmp(s->argv[0], "notify_fifo")	     ? &g->notify_fifo :
		     !strcmp(s->argv[0], "vrrp_notify_fifo") ? &g->vrrp_notify_fifo :
							       &g->lvs_notify_fifo;

	if (ka_want_args(p, s, 1))
		ka_set_str(dst, s->argv[1]);
	return 0;
}

static int g_lvs_timeouts(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_global *g = obj;
	struct ka_global t = *g;
	int i;

	if (!ka_want_args(p, s, 2))
		return 0;
	for (i = 1; i + 1 < s->argc; i += 2) {
		__u32 *dst = !strcmp(s->argv[i], "tcp")	   ? &t.lvs_tcp :
			     !strcmp(s->argv[i], "tcpfin") ? &t.lvs_tcpfin :
			     !strcmp(s->argv[i], "udp")	   ? &t.lvs_udp :
							     NULL;
		__u64 v;

		if (!dst) {
			ka_warn(p, &s->pos, "Unknown option %s specified for lvs_timeouts", s->argv[i]);
			return 0;
		}
		if (!ka_get_uint(p, s, s->argv[i + 1], 1, 86400 * 31, &v))
			return 0;
		*dst = v;
	}
	if (i < s->argc) {
		ka_warn(p, &s->pos, "No value specified for lvs_timeout %s", s->argv[i]);
		return 0;
	}
	t.lvs_timeouts_set = true;
	*g = t;
	return 0;
}

static int g_lvs_flush(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_global *g = obj;

	(void)p, (void)s;
	g->lvs_flush = true;
	return 0;
}

static int g_log_all(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_global *g = obj;

	ka_get_bool(p, s, &g->checker_log_all_failures);
	return 0;
}

/*
 * global_defs holds many keepalived keywords xvs has no use for (mail, SNMP,
 * VRRP, scripts, process tuning): they are valid keepalived, so no warning.
 */
static bool global_ignored(const char *kw)
{
	static const char *const prefixes[] = {
		"vrrp_", "smtp_", "notification_", "snmp_", "enable_", "script_", "lvs_",
		"checker_", "bfd_", "dynamic_", "max_auto_", "min_auto_", "process_",
		"linkbeat_", "nftables", "iptables", "ipset", "fifo_", "notify_fifo_",
		"no_", "use_", "rs_init_", "tmp_config_", "random_seed", "reload_",
		"startup_", "shutdown_", "network_namespace", "namespace_", "instance",
		"net_namespace", "local_name", "default_interface", "data_use_",
		"dbus", "json", "uid_", "child_", "ip_", NULL,
	};
	int i;

	for (i = 0; prefixes[i]; i++)
		if (!strncmp(kw, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

static const struct ka_kw global_kw[] = {
	{ "router_id", g_router_id },
	{ "lvs_id", g_router_id },
	{ "notify_fifo", g_fifo },
	{ "vrrp_notify_fifo", g_fifo },
	{ "lvs_notify_fifo", g_fifo },
	{ "lvs_timeouts", g_lvs_timeouts },
	{ "lvs_flush", g_lvs_flush },
	{ "lvs_sync_daemon", ka_parse_lvs_syncd },
	{ "checker_log_all_failures", g_log_all },
	{ NULL, NULL },
};

static int parse_global(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_pos open = s->pos;

	(void)obj;
	if (!ka_want_block(p, s))
		return 0;
	s->block = false;
	while (p->i < p->n) {
		const struct ka_kw *k;
		struct ka_stmt st;
		int ret = 0;

		if (is_tok(p, "}")) {
			p->i++;
			return 0;
		}
		if (is_tok(p, "{")) {
			struct ka_pos pos = tok_pos(p, p->i);

			p->i++;
			ret = ka_skip_block(p, &pos);
			if (ret)
				return ret;
			continue;
		}
		read_stmt(p, &st);
		for (k = global_kw; k->name; k++)
			if (!strcmp(k->name, st.argv[0]))
				break;
		if (k->name)
			ret = k->fn(p, &st, &p->c->global);
		else if (!global_ignored(st.argv[0]))
			ka_warn(p, &st.pos, "Unknown keyword '%s'", st.argv[0]);
		if (!ret && st.block)
			ret = ka_skip_block(p, &st.pos);
		if (ret)
			return ret;
	}
	return ka_fatal(p, &open, "missing '}' at the end of the block opened here");
}

/* ---- vrrp_instance / vrrp_sync_group (for the HA side) -------------- */

/* "192.168.1.200", "192.168.1.200/32", "... dev eth0 label ..." */
static int vip_line(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_vip **list = obj, *v, **pp;
	char addr[64], *slash;
	int i;

	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->prefix = -1;
	v->pos = s->pos;
	snprintf(addr, sizeof(addr), "%s", s->argv[0]);
	slash = strchr(addr, '/');
	if (slash) {
		*slash = '\0';
		v->prefix = atoi(slash + 1);
	}
	if (inet_pton(AF_INET, addr, v->addr) == 1) {
		v->af = AF_INET;
	} else if (inet_pton(AF_INET6, addr, v->addr) == 1) {
		v->af = AF_INET6;
	} else {
		ka_warn(p, &s->pos, "Invalid address '%s' for ip address", s->argv[0]);
		free(v);
		return 0;
	}
	for (i = 1; i + 1 < s->argc; i++)
		if (!strcmp(s->argv[i], "dev"))
			snprintf(v->dev, sizeof(v->dev), "%s", s->argv[i + 1]);
	for (pp = list; *pp; pp = &(*pp)->next)
		;
	*pp = v;
	return 0;
}

static int vrrp_kw(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_vrrp *v = obj;
	const char *kw = s->argv[0];

	if (!strcmp(kw, "virtual_ipaddress") || !strcmp(kw, "virtual_ipaddress_excluded")) {
		if (!ka_want_block(p, s))
			return 0;
		s->block = false;
		return ka_block_lines(p, &s->pos, vip_line,
				      kw[17] ? &v->vips_excluded : &v->vips);
	}
	if (s->argc < 2)
		return 0;
	if (!strcmp(kw, "state"))
		v->state = !strcmp(s->argv[1], "MASTER") ? KA_VRRP_MASTER : KA_VRRP_BACKUP;
	else if (!strcmp(kw, "interface"))
		snprintf(v->interface, sizeof(v->interface), "%s", s->argv[1]);
	else if (!strcmp(kw, "virtual_router_id"))
		v->vrid = atoi(s->argv[1]);
	else if (!strcmp(kw, "priority"))
		v->priority = atoi(s->argv[1]);
	return 0;
}

static int parse_vrrp(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_vrrp *v, **pp;
	struct ka_pos open = s->pos;

	(void)obj;
	if (!ka_want_args(p, s, 1) || !ka_want_block(p, s))
		return 0;
	s->block = false;
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	set_name(v->name, sizeof(v->name), s->argv[1]);
	v->vrid = -1;
	v->priority = -1;
	v->pos = s->pos;
	for (pp = &p->c->vrrp; *pp; pp = &(*pp)->next)
		;
	*pp = v;
	return ka_block_lines(p, &open, vrrp_kw, v);
}

static int add_member(struct ka_sync_group *g, const char *name)
{
	char (*n)[KA_NAME_LEN] = realloc(g->instances, (g->ninstances + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	g->instances = n;
	set_name(n[g->ninstances++], KA_NAME_LEN, name);
	return 0;
}

static int group_members(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	int i, ret = 0;

	(void)p;
	for (i = 0; i < s->argc && !ret; i++)
		ret = add_member(obj, s->argv[i]);
	return ret;
}

/* Members in `group { VI_1 VI_2 }`; keepalived 1.x listed them bare. */
static int sync_line(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_sync_group *g = obj;
	const char *kw = s->argv[0];

	if (!strcmp(kw, "group")) {
		if (!ka_want_block(p, s))
			return 0;
		s->block = false;
		return ka_block_lines(p, &s->pos, group_members, g);
	}
	if (!strncmp(kw, "notify", 6) || !strncmp(kw, "track_", 6) || !strcmp(kw, "smtp_alert") ||
	    !strcmp(kw, "global_tracking") || !strcmp(kw, "sync_group_tracking_weight"))
		return 0;
	return group_members(p, s, g);
}

static int parse_sync_group(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_sync_group *g, **pp;

	(void)obj;
	if (!ka_want_args(p, s, 1) || !ka_want_block(p, s))
		return 0;
	s->block = false;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	set_name(g->name, sizeof(g->name), s->argv[1]);
	g->pos = s->pos;
	for (pp = &p->c->sync_groups; *pp; pp = &(*pp)->next)
		;
	*pp = g;
	return ka_block_lines(p, &s->pos, sync_line, g);
}

/* keepalived's other top-level blocks: VRRP helpers, static addresses. */
static int skip_known(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	(void)p, (void)s, (void)obj;
	return 0;
}

static const struct ka_kw top_kw[] = {
	{ "global_defs", parse_global },
	{ "vrrp_instance", parse_vrrp },
	{ "vrrp_sync_group", parse_sync_group },
	{ "virtual_server", ka_parse_vs },
	{ "virtual_server_group", ka_parse_vsg },
	{ "vrrp_script", skip_known },
	{ "vrrp_track_process", skip_known },
	{ "vrrp_track_file", skip_known },
	{ "track_file", skip_known },
	{ "static_ipaddress", skip_known },
	{ "static_routes", skip_known },
	{ "static_rules", skip_known },
	{ "linkbeat_interfaces", skip_known },
	{ "garp_group", skip_known },
	{ "bfd_instance", skip_known },
	{ "SSL", skip_known },
	{ "net_namespace", skip_known },
	{ NULL, NULL },
};

static struct ka_conf *parse_tokens(struct ka_parser *p)
{
	while (p->i < p->n) {
		struct ka_stmt s;
		int ret;

		if (is_tok(p, "}") || is_tok(p, "{")) {
			struct ka_pos pos = tok_pos(p, p->i);

			ka_fatal(p, &pos, "unexpected '%s'", p->t[p->i].s);
			return NULL;
		}
		read_stmt(p, &s);
		ret = run_kw(p, top_kw, &s, NULL);
		if (ret) {
			if (ret == -ENOMEM)
				snprintf(p->err, p->errlen, "out of memory");
			errno = -ret;
			return NULL;
		}
	}
	return p->c;
}

static struct ka_conf *run(const char *name, const char *text, char *err, size_t errlen)
{
	struct ka_parser p = { .err = err, .errlen = errlen };
	struct ka_conf *ret = NULL;
	int i, r;

	err[0] = '\0';
	p.c = calloc(1, sizeof(*p.c));
	if (!p.c)
		return NULL;
	r = text ? ka_lex_text(&p, name, text, 0) : ka_lex_file(&p, name, 0);
	if (!r)
		ret = parse_tokens(&p);
	if (ret)
		ka_resolve_syncd(&p);
	if (r)
		errno = -r;
	for (i = 0; i < p.n; i++)
		free(p.t[i].s);
	free(p.t);
	if (!ret) {
		int e = errno ? errno : EINVAL;

		if (!err[0])
			snprintf(err, errlen, "%s: %s", name, strerror(e));
		kaconf_free(p.c);
		errno = e;
	}
	return ret;
}

struct ka_conf *kaconf_load(const char *path, char *err, size_t errlen)
{
	return run(path, NULL, err, errlen);
}

struct ka_conf *kaconf_parse(const char *name, const char *text, char *err, size_t errlen)
{
	return run(name, text, err, errlen);
}
