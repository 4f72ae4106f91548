// SPDX-License-Identifier: GPL-2.0
/*
 * Checker blocks: TCP_CHECK, HTTP_GET, SSL_GET, MISC_CHECK, DNS_CHECK,
 * UDP_CHECK with keepalived 2.2's keywords. The deprecated nb_get_retry is
 * taken as retry, after the warning keepalived 2.2 itself logs for it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

static int c_connect(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_check *c = obj;
	const char *kw = s->argv[0];

	if (!ka_want_args(p, s, 1))
		return 0;
	if (!strcmp(kw, "connect_ip") || !strcmp(kw, "bindto")) {
		__u32 a;

		if (!ka_get_ipv4(s->argv[1], &a)) {
			ka_warn(p, &s->pos, "Invalid %s address %s", kw, s->argv[1]);
			return 0;
		}
		if (kw[0] == 'c')
			c->connect_ip = a;
		else
			c->bindto = a;
		return 0;
	}
	if (!strcmp(kw, "connect_port")) {
		if (ka_get_port(p, s, s->argv[1], &c->connect_port))
			c->set |= KA_SET_PORT;
		return 0;
	}
	ka_get_port(p, s, s->argv[1], &c->bind_port);
	return 0;
}

static int c_timer(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_check *c = obj;
	__u64 ms;

	if (strcmp(s->argv[0], "misc_timeout")) {
		ka_get_timers(p, s, &c->tm, &c->set);
		return 0;
	}
	if (ka_want_args(p, s, 1) && ka_get_timer(p, s, s->argv[1], &ms)) {
		c->misc_timeout_ms = ms;
		c->set |= KA_SET_MISC_TIMEOUT;
	}
	return 0;
}

static int c_retry(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_check *c = obj;

	/* keepalived 2.2 no longer knows it: same warning, but xvs keeps the value */
	if (!strcmp(s->argv[0], "nb_get_retry"))
		ka_warn(p, &s->pos, "Unknown keyword 'nb_get_retry'");
	ka_get_retry(p, s, &c->tm, &c->set);
	return 0;
}

static int c_bool(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_check *c = obj;
	const char *kw = s->argv[0];
	bool v;

	if (!ka_get_bool(p, s, &v))
		return 0;
	if (!strcmp(kw, "alpha")) {
		c->alpha = v;
		c->set |= KA_SET_ALPHA;
	} else if (!strcmp(kw, "log_all_failures")) {
		c->log_all_failures = v;
	} else if (!strcmp(kw, "misc_dynamic")) {
		c->misc_dynamic = v;
	} else if (!strcmp(kw, "enable_sni")) {
		c->enable_sni = v;
	} else if (!strcmp(kw, "require_reply")) {
		c->require_reply = true;
	}
	return 0;
}

static int c_ignore(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	(void)p, (void)s, (void)obj;
	return 0;
}

static int c_unsupported(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	(void)obj;
	ka_warn(p, &s->pos, "%s is not supported by xvs - ignoring", s->argv[0]);
	return 0;
}

#define COMMON_TIMING_KW                                                                  \
	{ "connect_timeout", c_timer }, { "retry", c_retry }, { "nb_get_retry", c_retry }, \
		{ "delay_before_retry", c_timer }, { "warmup", c_timer },                \
		{ "delay_loop", c_timer }, { "alpha", c_bool },                          \
		{ "log_all_failures", c_bool }

#define COMMON_CONN_KW                                                                    \
	{ "connect_ip", c_connect }, { "connect_port", c_connect }, { "bindto", c_connect }, \
		{ "bind_port", c_connect }, { "bind_if", c_unsupported },                \
		{ "fwmark", c_unsupported }

static const struct ka_kw tcp_kw[] = {
	COMMON_TIMING_KW,
	COMMON_CONN_KW,
	{ NULL, NULL },
};

/* ---- HTTP_GET / SSL_GET ------------------------------------------------ */

static void status_set(struct ka_url *u, unsigned int lo, unsigned int hi)
{
	unsigned int i;

	for (i = lo; i <= hi; i++)
		u->status[i / 8] |= 1 << (i % 8);
}

static int u_path(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_url *u = obj;

	if (ka_want_args(p, s, 1))
		ka_set_str(&u->path, s->argv[1]);
	return 0;
}

static int u_digest(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_url *u = obj;
	size_t i;

	if (!ka_want_args(p, s, 1))
		return 0;
	if (strlen(s->argv[1]) != KA_MD5_HEX - 1) {
		ka_warn(p, &s->pos, "digest %s is not a 32 character hex MD5", s->argv[1]);
		return 0;
	}
	for (i = 0; i < KA_MD5_HEX - 1; i++) {
		if (!isxdigit((unsigned char)s->argv[1][i])) {
			ka_warn(p, &s->pos, "digest %s is not a 32 character hex MD5", s->argv[1]);
			return 0;
		}
		u->digest[i] = tolower((unsigned char)s->argv[1][i]);
	}
	u->digest[i] = '\0';
	return 0;
}

/* status_code 200 | 200-299 ... (several per line) */
static int u_status(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_url *u = obj;
	int i;

	if (!ka_want_args(p, s, 1))
		return 0;
	for (i = 1; i < s->argc; i++) {
		char lo_s[16], *dash;
		__u64 lo, hi;

		snprintf(lo_s, sizeof(lo_s), "%s", s->argv[i]);
		dash = strchr(lo_s, '-');
		if (dash)
			*dash = '\0';
		if (!ka_get_uint(p, s, lo_s, KA_HTTP_STATUS_MIN, KA_HTTP_STATUS_MAX, &lo))
			return 0;
		hi = lo;
		if (dash && !ka_get_uint(p, s, dash + 1, lo, KA_HTTP_STATUS_MAX, &hi))
			return 0;
		status_set(u, lo, hi);
		u->status_set = true;
	}
	return 0;
}

static int u_vhost(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_url *u = obj;

	if (ka_want_args(p, s, 1))
		ka_set_str(&u->virtualhost, s->argv[1]);
	return 0;
}

static const struct ka_kw url_kw[] = {
	{ "path", u_path },
	{ "digest", u_digest },
	{ "status_code", u_status },
	{ "virtualhost", u_vhost },
	{ "regex", c_unsupported },
	{ "regex_no_match", c_unsupported },
	{ "regex_options", c_unsupported },
	{ "regex_stack", c_unsupported },
	{ "regex_min_offset", c_unsupported },
	{ "regex_max_offset", c_unsupported },
	{ NULL, NULL },
};

static int c_url(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_check *c = obj;
	struct ka_url *u, **pp;
	int ret;

	if (!ka_want_block(p, s))
		return 0;
	s->block = false;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	for (pp = &c->urls; *pp; pp = &(*pp)->next)
		;
	*pp = u;
	ret = ka_block(p, url_kw, u);
	if (!ret && !u->path) {
		ka_warn(p, &s->pos, "url block with no path - using /");
		u->path = strdup("/");
	}
	if (!ret && !u->status_set)
		status_set(u, 200, 299);
	return ret;
}

static int c_http_str(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_check *c = obj;
	const char *kw = s->argv[0];

	if (!ka_want_args(p, s, 1))
		return 0;
	if (!strcmp(kw, "virtualhost")) {
		ka_set_str(&c->virtualhost, s->argv[1]);
	} else if (!strcmp(kw, "sni_name")) {
		ka_set_str(&c->sni_name, s->argv[1]);
	} else if (!strcmp(s->argv[1], "1.0")) {
		c->http_protocol = 10;
	} else if (!strcmp(s->argv[1], "1.1")) {
		c->http_protocol = 11;
	} else if (!strcmp(s->argv[1], "1.0C")) {
		c->http_protocol = 100;
	} else {
		ka_warn(p, &s->pos, "Invalid http_protocol %s - ignoring", s->argv[1]);
	}
	return 0;
}

static const struct ka_kw http_kw[] = {
	COMMON_TIMING_KW,
	COMMON_CONN_KW,
	{ "url", c_url },
	{ "virtualhost", c_http_str },
	{ "http_protocol", c_http_str },
	{ "sni_name", c_http_str },
	{ "enable_sni", c_bool },
	{ "fast_recovery", c_ignore },
	{ "tls_compliant", c_ignore },
	{ NULL, NULL },
};

/* ---- MISC_CHECK ------------------------------------------------------- */

static int c_misc_path(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_check *c = obj;

	if (!ka_want_args(p, s, 1))
		return 0;
	free(c->misc_path);
	c->misc_path = ka_strdup_args(s, 1);
	return c->misc_path ? 0 : -ENOMEM;
}

static const struct ka_kw misc_kw[] = {
	COMMON_TIMING_KW,
	{ "misc_path", c_misc_path },
	{ "misc_timeout", c_timer },
	{ "misc_dynamic", c_bool },
	{ "user", c_unsupported },
	{ NULL, NULL },
};

/* ---- DNS_CHECK -------------------------------------------------------- */

static int c_dns(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	static const struct {
		const char *name;
		__u16 type;
	} types[] = {
		{ "A", KA_DNS_A },	{ "NS", KA_DNS_NS },   { "CNAME", KA_DNS_CNAME },
		{ "SOA", KA_DNS_SOA },	{ "MX", KA_DNS_MX },   { "TXT", KA_DNS_TXT },
		{ "AAAA", KA_DNS_AAAA },
	};
	struct ka_check *c = obj;
	size_t i;

	if (!ka_want_args(p, s, 1))
		return 0;
	if (!strcmp(s->argv[0], "name")) {
		ka_set_str(&c->dns_name, s->argv[1]);
		return 0;
	}
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcasecmp(types[i].name, s->argv[1])) {
			c->dns_type = types[i].type;
			return 0;
		}
	ka_warn(p, &s->pos, "DNS_CHECK: Unknown type %s - ignoring", s->argv[1]);
	return 0;
}

static const struct ka_kw dns_kw[] = {
	COMMON_TIMING_KW,
	COMMON_CONN_KW,
	{ "type", c_dns },
	{ "name", c_dns },
	{ NULL, NULL },
};

/* ---- UDP_CHECK -------------------------------------------------------- */

static bool get_hex(const char *s, __u8 **out, size_t *len)
{
	size_t n = strlen(s), i;
	__u8 *b;

	if (!n || n % 2)
		return false;
	b = malloc(n / 2);
	if (!b)
		return false;
	for (i = 0; i < n / 2; i++) {
		char two[3] = { s[2 * i], s[2 * i + 1], 0 };

		if (!isxdigit((unsigned char)two[0]) || !isxdigit((unsigned char)two[1])) {
			free(b);
			return false;
		}
		b[i] = strtoul(two, NULL, 16);
	}
	free(*out);
	*out = b;
	*len = n / 2;
	return true;
}

static int c_udp(struct ka_parser *p, struct ka_stmt *s, void *obj)
{
	struct ka_check *c = obj;
	const char *kw = s->argv[0];
	__u64 v;

	if (!strcmp(kw, "require_reply")) {
		c->require_reply = true;
		if (s->argc > 1 && !get_hex(s->argv[1], &c->reply, &c->reply_len))
			ka_warn(p, &s->pos, "require_reply %s is not hex - any reply will do",
				s->argv[1]);
		return 0;
	}
	if (!ka_want_args(p, s, 1))
		return 0;
	if (!strcmp(kw, "payload")) {
		if (!get_hex(s->argv[1], &c->payload, &c->payload_len))
			ka_warn(p, &s->pos, "payload %s is not hex - ignoring", s->argv[1]);
	} else if (ka_get_uint(p, s, s->argv[1], 0, 65535, &v)) {
		if (!strcmp(kw, "min_reply_length"))
			c->min_reply_len = v;
		else
			c->max_reply_len = v;
	}
	return 0;
}

static const struct ka_kw udp_kw[] = {
	COMMON_TIMING_KW,
	COMMON_CONN_KW,
	{ "payload", c_udp },
	{ "require_reply", c_udp },
	{ "min_reply_length", c_udp },
	{ "max_reply_length", c_udp },
	{ NULL, NULL },
};

static const struct ka_kw *const check_kw[KA_CHECK_MAX] = {
	[KA_CHECK_TCP] = tcp_kw,   [KA_CHECK_HTTP] = http_kw, [KA_CHECK_SSL] = http_kw,
	[KA_CHECK_MISC] = misc_kw, [KA_CHECK_DNS] = dns_kw,   [KA_CHECK_UDP] = udp_kw,
};

int ka_parse_check(struct ka_parser *p, struct ka_stmt *s, struct ka_rs *rs,
		   enum ka_check_type type)
{
	struct ka_check *c, **pp;
	int ret;

	if (!ka_want_block(p, s))
		return 0;
	s->block = false;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->type = type;
	c->pos = s->pos;
	c->max_reply_len = 255;
	for (pp = &rs->checks; *pp; pp = &(*pp)->next)
		;
	*pp = c;
	rs->nchecks++;
	ret = ka_block(p, check_kw[type], c);
	if (!ret && type == KA_CHECK_MISC && !c->misc_path)
		ka_warn(p, &s->pos, "MISC_CHECK with no misc_path - the check always fails");
	if (!ret && (type == KA_CHECK_HTTP || type == KA_CHECK_SSL) && !c->urls)
		ka_warn(p, &s->pos, "%s with no url - the check always fails", s->argv[0]);
	return ret;
}
