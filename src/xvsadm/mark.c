// SPDX-License-Identifier: GPL-2.0
/*
 * `xvsadm mark`: parsing iptables' MARK rule words into xvs mark rules,
 * printing them back the way iptables-save does, and the commands (append,
 * insert, delete, flush, list, save, restore) against xvsd. Exit statuses
 * as iptables': 0 ok, 1 refused, 2 bad usage.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "xvs/abi.h"
#include "ctl_io.h"
#include "mark.h"

#define MARK_LINE_MAX	4096

static int perr(char *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, MARK_ERR_LEN, fmt, ap);
	va_end(ap);
	return -1;
}

/* "a.b.c.d", "a.b.c.d/len" or "a.b.c.d/m.m.m.m"; host bits are cleared, as iptables does. */
static int parse_net(const char *s, __u32 *addr, __u32 *mask, char *err)
{
	char buf[64], *slash;
	struct in_addr a, m;
	unsigned long len;
	char *end;

	if (strlen(s) >= sizeof(buf))
		return perr(err, "invalid address `%s'", s);
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, &a) != 1)
		return perr(err, "invalid address `%s' (IPv4 a.b.c.d[/len] only)", s);
	m.s_addr = 0xffffffff;
	if (slash && strchr(slash, '.')) {
		if (inet_pton(AF_INET, slash, &m) != 1 ||
		    (~ntohl(m.s_addr) & (~ntohl(m.s_addr) + 1)))
			return perr(err, "invalid netmask `%s'", slash);
	} else if (slash) {
		len = strtoul(slash, &end, 10);
		if (!*slash || *end || len > 32)
			return perr(err, "invalid prefix length `%s'", slash);
		m.s_addr = len ? htonl(0xffffffffu << (32 - len)) : 0;
	}
	*mask = m.s_addr;
	*addr = a.s_addr & m.s_addr;
	return 0;
}

static int parse_port(const char *s, __u16 *port, char *err)
{
	unsigned long v;
	char *end;

	v = strtoul(s, &end, 10);
	if (!*s || *end || v > 65535 || *s == '-')
		return perr(err, "invalid port `%s'", s);
	*port = v;
	return 0;
}

/* "P", "P:Q", or with @multi a comma list of those, into the rule's ranges. */
static int parse_ports(const char *s, bool multi, struct xvs_ctl_mark_rule *r, char *err)
{
	char buf[256], *tok, *save, *colon;

	if (strlen(s) >= sizeof(buf))
		return perr(err, "too many ports in `%s'", s);
	strcpy(buf, s);
	r->nports = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!multi && r->nports)
			return perr(err, "--dport takes one port or range: use --dports for a list");
		if (r->nports >= XVS_CTL_MARK_PORTS)
			return perr(err, "at most %d ports or ranges in one rule", XVS_CTL_MARK_PORTS);
		colon = strchr(tok, ':');
		if (colon)
			*colon++ = '\0';
		if (parse_port(tok, &r->port_lo[r->nports], err) ||
		    parse_port(colon ? colon : tok, &r->port_hi[r->nports], err))
			return -1;
		if (r->port_lo[r->nports] > r->port_hi[r->nports])
			return perr(err, "invalid port range `%s:%s'", tok, colon);
		r->nports++;
	}
	if (!r->nports)
		return perr(err, "invalid port list `%s'", s);
	return 0;
}

/* "N" or "N/0xffffffff", decimal or 0x hex, N > 0. */
static int parse_mark(const char *s, __u32 *mark, char *err)
{
	unsigned long v, m = 0xffffffff;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (*end == '/')
		m = strtoul(end + 1, &end, 0);
	if (errno || *end || *s == '-' || !v || v > UINT_MAX)
		return perr(err, "invalid mark `%s' (1..4294967295)", s);
	if (m != 0xffffffff)
		return perr(err, "mark `%s': a partial mark mask has no xvs equivalent", s);
	*mark = v;
	return 0;
}

static int set_op(struct mark_cmd *mc, enum mark_op op, char *err)
{
	if (mc->op != MARK_OP_NONE)
		return perr(err, "only one command (-A -I -D -F -L -S --restore) at a time");
	mc->op = op;
	return 0;
}

static bool is_number(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

/* After -A/-I/-D/-F/-L/-S: an optional chain name (PREROUTING only), then for -I/-D a number. */
static int chain_and_pos(int argc, char **argv, int *i, struct mark_cmd *mc, char *err)
{
	if (*i + 1 < argc && isalpha((unsigned char)argv[*i + 1][0])) {
		(*i)++;
		if (strcmp(argv[*i], "PREROUTING"))
			return perr(err, "chain `%s': xvs mark rules stand for the mangle table's "
				    "PREROUTING chain only (docs/fwmark.md)", argv[*i]);
	}
	if ((mc->op == MARK_OP_INSERT || mc->op == MARK_OP_DELETE) && *i + 1 < argc &&
	    is_number(argv[*i + 1])) {
		(*i)++;
		mc->pos = strtoul(argv[*i], NULL, 10);
		if (!mc->pos || mc->pos > XVS_MAX_MARK_RULES)
			return perr(err, "invalid rule number `%s'", argv[*i]);
	}
	return 0;
}

/* The word after option argv[*i], or an error naming the option. */
static const char *arg_of(int argc, char **argv, int *i, char *err)
{
	if (*i + 1 >= argc) {
		perr(err, "option `%s' requires an argument", argv[*i]);
		return NULL;
	}
	return argv[++*i];
}

static int parse_match_opt(const char *o, const char *v, struct mark_cmd *mc, char *err)
{
	struct xvs_ctl_mark_rule *r = &mc->rule;

	mc->has_match = true;
	if (!strcmp(o, "-p") || !strcmp(o, "--protocol")) {
		if (!strcmp(v, "tcp") || !strcmp(v, "6"))
			r->proto = IPPROTO_TCP;
		else if (!strcmp(v, "udp") || !strcmp(v, "17"))
			r->proto = IPPROTO_UDP;
		else if (!strcmp(v, "all") || !strcmp(v, "0"))
			r->proto = 0;
		else
			return perr(err, "protocol `%s': xvs balances tcp and udp only", v);
		return 0;
	}
	if (!strcmp(o, "-s") || !strcmp(o, "--source"))
		return parse_net(v, &r->saddr, &r->smask, err);
	if (!strcmp(o, "-d") || !strcmp(o, "--destination"))
		return parse_net(v, &r->daddr, &r->dmask, err);
	if (!strcmp(o, "--dport") || !strcmp(o, "--destination-port"))
		return parse_ports(v, false, r, err);
	if (!strcmp(o, "--dports") || !strcmp(o, "--destination-ports"))
		return parse_ports(v, true, r, err);
	if (!strcmp(o, "-m") || !strcmp(o, "--match")) {
		if (strcmp(v, "tcp") && strcmp(v, "udp") && strcmp(v, "multiport"))
			return perr(err, "match `%s' has no xvs equivalent (tcp, udp, multiport)", v);
		return 0;
	}
	return 1;
}

int mark_parse(int argc, char **argv, struct mark_cmd *mc, char *err)
{
	const char *o, *v;
	int i, r;

	memset(mc, 0, sizeof(*mc));
	*err = '\0';
	for (i = 1; i < argc; i++) {
		o = argv[i];
		if (!strcmp(o, "-A") || !strcmp(o, "--append") || !strcmp(o, "-I") ||
		    !strcmp(o, "--insert") || !strcmp(o, "-D") || !strcmp(o, "--delete") ||
		    !strcmp(o, "-F") || !strcmp(o, "--flush") || !strcmp(o, "-L") ||
		    !strcmp(o, "--list") || !strcmp(o, "-S") || !strcmp(o, "--list-rules")) {
			enum mark_op op = o[1] == 'A' || !strcmp(o, "--append") ? MARK_OP_APPEND :
					  o[1] == 'I' || !strcmp(o, "--insert") ? MARK_OP_INSERT :
					  o[1] == 'D' || !strcmp(o, "--delete") ? MARK_OP_DELETE :
					  o[1] == 'F' || !strcmp(o, "--flush")	? MARK_OP_FLUSH :
					  o[1] == 'L' || !strcmp(o, "--list")	? MARK_OP_LIST :
										  MARK_OP_SAVE;

			if (set_op(mc, op, err) || chain_and_pos(argc, argv, &i, mc, err))
				return -1;
			continue;
		}
		if (!strcmp(o, "--restore")) {
			if (set_op(mc, MARK_OP_RESTORE, err))
				return -1;
			continue;
		}
		if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			mc->op = MARK_OP_HELP;
			return 0;
		}
		/* listing options iptables users type: the output is numeric anyway */
		if (!strcmp(o, "-n") || !strcmp(o, "--numeric") || !strcmp(o, "--line-numbers") ||
		    !strcmp(o, "-v") || !strcmp(o, "--verbose"))
			continue;
		if (!strcmp(o, "!"))
			return perr(err, "negated matches (!) have no xvs equivalent");
		if (o[0] != '-')
			return perr(err, "unexpected argument `%s'", o);
		v = arg_of(argc, argv, &i, err);
		if (!v)
			return -1;
		if (!strcmp(o, "-t") || !strcmp(o, "--table")) {
			if (strcmp(v, "mangle"))
				return perr(err, "table `%s': only the mangle table's MARK rules have an "
					    "xvs equivalent", v);
			continue;
		}
		if (!strcmp(o, "-j") || !strcmp(o, "--jump")) {
			if (strcmp(v, "MARK"))
				return perr(err, "target `%s': only -j MARK has an xvs equivalent", v);
			continue;
		}
		if (!strcmp(o, "--set-mark") || !strcmp(o, "--set-xmark")) {
			if (parse_mark(v, &mc->rule.mark, err))
				return -1;
			mc->has_target = true;
			continue;
		}
		r = parse_match_opt(o, v, mc, err);
		if (r < 0)
			return -1;
		if (r > 0)
			return perr(err, "unknown option `%s'", o);
	}
	switch (mc->op) {
	case MARK_OP_NONE:
		return perr(err, "no command given: try `xvsadm mark -h'");
	case MARK_OP_APPEND:
	case MARK_OP_INSERT:
		if (!mc->has_target)
			return perr(err, "a rule needs `-j MARK --set-mark N'");
		break;
	case MARK_OP_DELETE:
		if (mc->pos && (mc->has_target || mc->has_match))
			return perr(err, "-D takes a rule number or a rule, not both");
		if (!mc->pos && !mc->has_target)
			return perr(err, "a rule needs `-j MARK --set-mark N'");
		break;
	default:
		if (mc->has_target || mc->has_match)
			return perr(err, "this command takes no rule");
	}
	return 0;
}

static size_t put_net(char *buf, size_t len, const char *opt, __u32 addr, __u32 mask)
{
	char a[INET_ADDRSTRLEN];
	int plen = __builtin_popcount(mask);

	inet_ntop(AF_INET, &addr, a, sizeof(a));
	return snprintf(buf, len, " %s %s/%d", opt, a, plen);
}

static size_t put_ports(char *buf, size_t len, const struct xvs_ctl_mark_rule *r)
{
	size_t n = 0;
	__u16 i;

	for (i = 0; i < r->nports && n < len; i++) {
		n += snprintf(buf + n, len - n, i ? "," : "");
		if (n >= len)
			break;
		if (r->port_lo[i] == r->port_hi[i])
			n += snprintf(buf + n, len - n, "%u", r->port_lo[i]);
		else
			n += snprintf(buf + n, len - n, "%u:%u", r->port_lo[i], r->port_hi[i]);
	}
	return n;
}

void mark_format(const struct xvs_ctl_mark_rule *r, char *buf, size_t len)
{
	size_t n = snprintf(buf, len, "-A PREROUTING");

	if (r->smask && n < len)
		n += put_net(buf + n, len - n, "-s", r->saddr, r->smask);
	if (r->dmask && n < len)
		n += put_net(buf + n, len - n, "-d", r->daddr, r->dmask);
	if (r->proto && n < len)
		n += snprintf(buf + n, len - n, " -p %s", r->proto == IPPROTO_TCP ? "tcp" : "udp");
	if (r->nports && n < len) {
		n += snprintf(buf + n, len - n, r->nports > 1 ? " -m multiport --dports " :
								" --dport ");
		if (n < len)
			n += put_ports(buf + n, len - n, r);
	}
	if (n < len)
		snprintf(buf + n, len - n, " -j MARK --set-mark %u", r->mark);
}

static void put_list(FILE *f, const struct xvs_ctl_mark_rule *r, size_t n)
{
	char src[24], dst[24], a[INET_ADDRSTRLEN], ports[128];
	size_t i;

	fprintf(f, "Mark rules (the first match names the mark)\n");
	fprintf(f, "%-4s %-10s %-5s %-18s %-18s %s\n", "num", "mark", "prot", "source",
		"destination", "ports");
	for (i = 0; i < n; i++) {
		inet_ntop(AF_INET, &r[i].saddr, a, sizeof(a));
		snprintf(src, sizeof(src), "%s/%d", a, __builtin_popcount(r[i].smask));
		inet_ntop(AF_INET, &r[i].daddr, a, sizeof(a));
		snprintf(dst, sizeof(dst), "%s/%d", a, __builtin_popcount(r[i].dmask));
		if (r[i].nports)
			put_ports(ports, sizeof(ports), &r[i]);
		else
			strcpy(ports, "all");
		fprintf(f, "%-4zu %-10u %-5s %-18s %-18s %s\n", i + 1, r[i].mark,
			r[i].proto == IPPROTO_TCP ? "tcp" : r[i].proto == IPPROTO_UDP ? "udp" : "all",
			src, dst, ports);
	}
}

static const char *mark_strerror(int err)
{
	switch (err) {
	case -EEXIST:
		return "the same rule is there already";
	case -ENOSPC:
		return "too many rules (xvs keeps at most 64)";
	case -ENOENT:
		return "no such rule";
	case -ERANGE:
		return "no rule with that number";
	case -EINVAL:
		return "invalid rule";
	}
	return strerror(-err);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: xvsadm mark COMMAND [RULE]\n"
		"  -A|--append [PREROUTING] RULE        add RULE last\n"
		"  -I|--insert [PREROUTING] [N] RULE    add RULE as number N (1: first)\n"
		"  -D|--delete [PREROUTING] RULE|N      remove a rule\n"
		"  -F|--flush                           remove every rule\n"
		"  -L|--list                            list the rules, numbered\n"
		"  -S|--list-rules                      print the rules as commands\n"
		"  --restore                            replace the rules by those read on stdin\n"
		"                                       (-S output or iptables-save -t mangle)\n"
		"RULE := [-p tcp|udp] [-s ADDR[/LEN]] [-d ADDR[/LEN]]\n"
		"        [--dport P[:Q] | -m multiport --dports P[:Q][,...]]\n"
		"        -j MARK --set-mark N\n"
		"A new connection gets the mark of the first rule it matches and goes to\n"
		"the service -f N. `-t mangle', `-m tcp|udp' and the chain PREROUTING are\n"
		"accepted, so an iptables MARK command works with `xvsadm mark' in place\n"
		"of `iptables'. See docs/fwmark.md.\n");
}

static int need(struct xvsadm_ctx *x)
{
	int err = client_init(&x->client);

	if (err)
		fprintf(x->err, "xvsadm mark: cannot reach xvsd on %s: %s\n", x->client.path,
			strerror(-err));
	return err;
}

static int fetch(struct xvsadm_ctx *x, struct xvs_ctl_mark_rule **r, size_t *n)
{
	size_t len = 0;
	void *reply = NULL;
	int err = ctl_call(x->client.fd, XVS_CMD_MARK_LIST, NULL, 0, &reply, &len);

	*r = reply;
	*n = len / sizeof(**r);
	return err;
}

/* Whitespace-separated words of @line into @argv (at most @max), "mark" first. */
static int split(char *line, char **argv, int max)
{
	char *save, *w;
	int n = 0;

	argv[n++] = "mark";
	for (w = strtok_r(line, " \t\r\n", &save); w && n < max; w = strtok_r(NULL, " \t\r\n", &save))
		argv[n++] = w;
	return w ? -1 : n;
}

/* The -j target of a rule line, or NULL. */
static const char *target_of(int argc, char **argv)
{
	int i;

	for (i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--jump"))
			return argv[i + 1];
	return NULL;
}

static bool skipped_line(const char *l)
{
	l += strspn(l, " \t");
	return !*l || *l == '\n' || *l == '#' || *l == '*' || *l == ':' ||
	       !strncmp(l, "COMMIT", 6);
}

/* --restore: every line parsed first, then one replace; a bad line changes nothing. */
static int restore(struct xvsadm_ctx *x)
{
	struct xvs_ctl_mark_rule *rules = calloc(XVS_MAX_MARK_RULES, sizeof(*rules));
	char line[MARK_LINE_MAX], err[MARK_ERR_LEN], *argv[128];
	struct mark_cmd mc;
	int argc, lineno = 0, st = 0;
	size_t n = 0;

	if (!rules)
		return 1;
	while (fgets(line, sizeof(line), x->in)) {
		lineno++;
		if (skipped_line(line))
			continue;
		argc = split(line, argv, 128);
		if (argc > 0 && target_of(argc, argv) && strcmp(target_of(argc, argv), "MARK")) {
			fprintf(x->err, "xvsadm mark: line %d: not a MARK rule, skipped\n", lineno);
			continue;
		}
		if (argc < 0 || mark_parse(argc, argv, &mc, err)) {
			fprintf(x->err, "xvsadm mark: line %d: %s\n", lineno,
				argc < 0 ? "too many words" : err);
			st = 2;
			goto out;
		}
		if (mc.op != MARK_OP_APPEND) {
			fprintf(x->err, "xvsadm mark: line %d: only -A lines restore\n", lineno);
			st = 2;
			goto out;
		}
		if (n >= XVS_MAX_MARK_RULES) {
			fprintf(x->err, "xvsadm mark: line %d: %s\n", lineno, mark_strerror(-ENOSPC));
			st = 1;
			goto out;
		}
		rules[n++] = mc.rule;
	}
	if (need(x)) {
		st = 1;
		goto out;
	}
	st = ctl_call(x->client.fd, XVS_CMD_MARK_SET, rules, n * sizeof(*rules), NULL, NULL);
	if (st) {
		fprintf(x->err, "xvsadm mark: %s\n", mark_strerror(st));
		st = 1;
	}
out:
	free(rules);
	return st;
}

int mark_run(struct xvsadm_ctx *x, int argc, char **argv)
{
	struct xvs_ctl_mark_rule *rules;
	struct xvs_ctl_mark_req req;
	char err[MARK_ERR_LEN], line[512];
	struct mark_cmd mc;
	size_t n, i;
	int st;

	if (mark_parse(argc, argv, &mc, err)) {
		fprintf(x->err, "xvsadm mark: %s\n", err);
		return 2;
	}
	if (mc.op == MARK_OP_HELP) {
		usage(x->out);
		return 0;
	}
	if (mc.op == MARK_OP_RESTORE)
		return restore(x);
	if (need(x))
		return 1;
	memset(&req, 0, sizeof(req));
	req.rule = mc.rule;
	switch (mc.op) {
	case MARK_OP_APPEND:
		st = ctl_call(x->client.fd, XVS_CMD_MARK_ADD, &req, sizeof(req), NULL, NULL);
		break;
	case MARK_OP_INSERT:
		req.pos = mc.pos ? mc.pos : 1;
		st = ctl_call(x->client.fd, XVS_CMD_MARK_ADD, &req, sizeof(req), NULL, NULL);
		break;
	case MARK_OP_DELETE:
		req.pos = mc.pos;
		st = ctl_call(x->client.fd, XVS_CMD_MARK_DEL, &req, sizeof(req), NULL, NULL);
		break;
	case MARK_OP_FLUSH:
		st = ctl_call(x->client.fd, XVS_CMD_MARK_SET, NULL, 0, NULL, NULL);
		break;
	default:
		st = fetch(x, &rules, &n);
		if (!st && mc.op == MARK_OP_LIST)
			put_list(x->out, rules, n);
		for (i = 0; !st && mc.op == MARK_OP_SAVE && i < n; i++) {
			mark_format(&rules[i], line, sizeof(line));
			fprintf(x->out, "%s\n", line);
		}
		free(rules);
	}
	if (st) {
		fprintf(x->err, "xvsadm mark: %s\n", mark_strerror(st));
		return 1;
	}
	return 0;
}
