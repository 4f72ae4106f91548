// SPDX-License-Identifier: GPL-2.0
/*
 * The ipvsadm 1.31 grammar: its option table, its command/option validity
 * matrix, the order in which it checks things and the exact words of every
 * message, followed by what xvs refuses for now (IPv6, SCTP, -g/-i,
 * sync daemons). The first option word must be a command, as in ipvsadm.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "xvs/abi.h"
#include "json.h"
#include "scan.h"
#include "xvsadm.h"

/* vals of long-only options: outside ASCII, as ipvsadm's TAG_* */
enum {
	TAG_SET = 128,
	TAG_START_DAEMON,
	TAG_STOP_DAEMON,
	TAG_MCAST_INTERFACE,
	TAG_TIMEOUT,
	TAG_DAEMON,
	TAG_STATS,
	TAG_RATE,
	TAG_THRESHOLDS,
	TAG_PERSISTENTCONN,
	TAG_SORT,
	TAG_NO_SORT,
	TAG_PERSISTENCE_ENGINE,
	TAG_SCTP_SERVICE,
	TAG_MCAST_GROUP,
	TAG_MCAST_PORT,
	TAG_MCAST_TTL,
	TAG_SYNC_MAXLEN,
	TAG_TUN_INFO,
	TAG_TUN_TYPE,
	TAG_TUN_PORT,
	TAG_TUN_NOCSUM,
	TAG_TUN_CSUM,
	TAG_TUN_REMCSUM,
};

static const struct scan_opt option_table[] = {
	{ "add-service", 'A', SCAN_ARG_NONE, 'A' },
	{ "edit-service", 'E', SCAN_ARG_NONE, 'E' },
	{ "delete-service", 'D', SCAN_ARG_NONE, 'D' },
	{ "clear", 'C', SCAN_ARG_NONE, 'C' },
	{ "list", 'L', SCAN_ARG_NONE, 'L' },
	{ "list", 'l', SCAN_ARG_NONE, 'l' },
	{ "zero", 'Z', SCAN_ARG_NONE, 'Z' },
	{ "add-server", 'a', SCAN_ARG_NONE, 'a' },
	{ "edit-server", 'e', SCAN_ARG_NONE, 'e' },
	{ "delete-server", 'd', SCAN_ARG_NONE, 'd' },
	{ "set", 0, SCAN_ARG_NONE, TAG_SET },
	{ "help", 'h', SCAN_ARG_NONE, 'h' },
	{ "version", 'v', SCAN_ARG_NONE, 'v' },
	{ "restore", 'R', SCAN_ARG_NONE, 'R' },
	{ "save", 'S', SCAN_ARG_NONE, 'S' },
	{ "start-daemon", 0, SCAN_ARG_STRING, TAG_START_DAEMON },
	{ "stop-daemon", 0, SCAN_ARG_STRING, TAG_STOP_DAEMON },
	{ "tcp-service", 't', SCAN_ARG_STRING, 't' },
	{ "udp-service", 'u', SCAN_ARG_STRING, 'u' },
	{ "sctp-service", 0, SCAN_ARG_STRING, TAG_SCTP_SERVICE },
	{ "fwmark-service", 'f', SCAN_ARG_STRING, 'f' },
	{ "scheduler", 's', SCAN_ARG_STRING, 's' },
	{ "persistent", 'p', SCAN_ARG_OPTIONAL, 'p' },
	{ "netmask", 'M', SCAN_ARG_STRING, 'M' },
	{ "real-server", 'r', SCAN_ARG_STRING, 'r' },
	{ "masquerading", 'm', SCAN_ARG_NONE, 'm' },
	{ "ipip", 'i', SCAN_ARG_NONE, 'i' },
	{ "gatewaying", 'g', SCAN_ARG_NONE, 'g' },
	{ "weight", 'w', SCAN_ARG_STRING, 'w' },
	{ "u-threshold", 'x', SCAN_ARG_STRING, 'x' },
	{ "l-threshold", 'y', SCAN_ARG_STRING, 'y' },
	{ "numeric", 'n', SCAN_ARG_NONE, 'n' },
	{ "connection", 'c', SCAN_ARG_NONE, 'c' },
	{ "mcast-interface", 0, SCAN_ARG_STRING, TAG_MCAST_INTERFACE },
	{ "syncid", 0, SCAN_ARG_STRING, 'I' },
	{ "timeout", 0, SCAN_ARG_NONE, TAG_TIMEOUT },
	{ "daemon", 0, SCAN_ARG_NONE, TAG_DAEMON },
	{ "stats", 0, SCAN_ARG_NONE, TAG_STATS },
	{ "rate", 0, SCAN_ARG_NONE, TAG_RATE },
	{ "thresholds", 0, SCAN_ARG_NONE, TAG_THRESHOLDS },
	{ "persistent-conn", 0, SCAN_ARG_NONE, TAG_PERSISTENTCONN },
	{ "nosort", 0, SCAN_ARG_NONE, TAG_NO_SORT },
	{ "sort", 0, SCAN_ARG_NONE, TAG_SORT },
	{ "exact", 'X', SCAN_ARG_NONE, 'X' },
	{ "ipv6", '6', SCAN_ARG_NONE, '6' },
	{ "ops", 'o', SCAN_ARG_NONE, 'o' },
	{ "pe", 0, SCAN_ARG_STRING, TAG_PERSISTENCE_ENGINE },
	{ "sched-flags", 'b', SCAN_ARG_STRING, 'b' },
	{ "mcast-group", 0, SCAN_ARG_STRING, TAG_MCAST_GROUP },
	{ "mcast-port", 0, SCAN_ARG_STRING, TAG_MCAST_PORT },
	{ "mcast-ttl", 0, SCAN_ARG_STRING, TAG_MCAST_TTL },
	{ "sync-maxlen", 0, SCAN_ARG_STRING, TAG_SYNC_MAXLEN },
	{ "tun-info", 0, SCAN_ARG_NONE, TAG_TUN_INFO },
	{ "tun-type", 0, SCAN_ARG_STRING, TAG_TUN_TYPE },
	{ "tun-port", 0, SCAN_ARG_STRING, TAG_TUN_PORT },
	{ "tun-nocsum", 0, SCAN_ARG_NONE, TAG_TUN_NOCSUM },
	{ "tun-csum", 0, SCAN_ARG_NONE, TAG_TUN_CSUM },
	{ "tun-remcsum", 0, SCAN_ARG_NONE, TAG_TUN_REMCSUM },
	/* xvs: issue 3 spells it --connections; ipvsadm only knows --connection */
	{ "connections", 0, SCAN_ARG_NONE, 'c' },
	/* xvs: listings as JSON, -j as in iproute2 */
	{ "json", 'j', SCAN_ARG_NONE, 'j' },
	{ 0 },
};

static const char *const cmd_names[CMD_MAX - 1] = {
	"add-service", "edit-service", "delete-service", "flush", "list", "add-server",
	"delete-server", "edit-server", "set", "start-daemon", "stop-daemon", "restore",
	"save", "zero",
};

static const char *const opt_names[OPTC_MAX] = {
	"numeric", "connection", "service-address", "scheduler", "persistent", "netmask",
	"real-server", "forwarding-method", "weight", "u-threshold", "l-threshold",
	"mcast-interface", "timeout", "daemon", "stats", "rate", "thresholds",
	"persistent-conn", "nosort", "syncid", "exact", "ops", "pe", "sched-flags",
	"mcast-group", "mcast-port", "mcast-ttl", "sync-maxlen", "tun-info", "tun-type",
	"tun-port", "tun-nocsum", "tun-csum", "tun-remcsum",
};

/*
 * ipvsadm's commands_v_options[][]: one row per command, one column per
 * OPTC_*. '+' required, 'x' illegal, '1' at most one of the '1's, ' ' optional.
 *                               -n -c svc -s -p -M -r fwd -w -x -y mc tot dmn st rt thr pc srt sid ex
 *                               ops pe -b grp port ttl size tinf type tprt nocs csum remc
 */
static const char cmd_v_opts[CMD_MAX - 1][OPTC_MAX + 1] = {
	[CMD_ADD - 1] =		"xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx",
	[CMD_EDIT - 1] =	"xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx",
	[CMD_DEL - 1] =		"xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	[CMD_FLUSH - 1] =	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	[CMD_LIST - 1] =	" 11xxxxxxxxx11       xxxxxxx xxxxx",
	[CMD_ADDDEST - 1] =	"xx+xxx+    xxxxxxxxxxxxxxxxxx     ",
	[CMD_DELDEST - 1] =	"xx+xxx+xxxxxxxxxxxxxxxxxxxxxxxxxxx",
	[CMD_EDITDEST - 1] =	"xx+xxx+    xxxxxxxxxxxxxxxxxx     ",
	[CMD_TIMEOUT - 1] =	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	[CMD_STARTDAEMON - 1] =	"xxxxxxxxxxx xxxxxxx xxxx    xxxxxx",
	[CMD_STOPDAEMON - 1] =	"xxxxxxxxxxxxxxxxxxx xxxxxxxxxxxxxx",
	[CMD_RESTORE - 1] =	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	[CMD_SAVE - 1] =	" xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	[CMD_ZERO - 1] =	"xx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
};

/* Tunnel types and the tunnel options they take (tun-port nocsum csum remcsum). */
static const char *const tun_names[] = { "ipip", "gue", "gre" };
static const int tun_opts[4] = { OPTC_TUN_PORT, OPTC_TUN_NOCSUM, OPTC_TUN_CSUM, OPTC_TUN_REMCSUM };
static const char tun_v_opts[3][5] = { "xxxx", "+111", "x11x" };

const char *opts_cmd_name(int cmd)
{
	return cmd > CMD_NONE && cmd < CMD_MAX ? cmd_names[cmd - 1] : "";
}

const char *opts_opt_name(int optc)
{
	return optc >= 0 && optc < OPTC_MAX ? opt_names[optc] : "";
}

/* Parsing state carried between the steps below. */
struct parse {
	struct xvsadm_cmd *ce;
	struct xvsadm_err *err;
	const struct addr_resolver *res;
	char sched_flags[128];
	bool have_sched_flags;
};

__attribute__((format(printf, 2, 3)))
static enum xvsadm_parse fail(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return PARSE_FAIL;
}

static enum xvsadm_parse set_option(struct parse *p, int optc)
{
	if (p->ce->options & OPT(optc))
		return fail(p, "multiple '%s' options specified", opt_names[optc]);
	p->ce->options |= OPT(optc);
	return PARSE_OK;
}

static void svc_to_ap(const struct xvs_ctl_svc_id *id, struct addr_port *ap)
{
	memset(ap, 0, sizeof(*ap));
	ap->af = id->af;
	memcpy(&ap->addr, id->addr, sizeof(ap->addr));
	ap->port = id->port;
}

static void ap_to_addr(const struct addr_port *ap, __u16 *af, __u32 addr[4], __u16 *port)
{
	*af = ap->af;
	memset(addr, 0, 16);
	memcpy(addr, &ap->addr, ap->af == AF_INET6 ? 16 : 4);
	*port = ap->port;
}

static enum xvsadm_parse parse_service_opt(struct parse *p, int proto, const char *arg)
{
	struct xvs_ctl_svc *svc = &p->ce->svc;
	struct addr_port ap;

	svc->id.proto = proto;
	svc_to_ap(&svc->id, &ap);
	if (!(addr_parse_service(arg, proto, &ap, p->res) & ADDR_PARSED_ADDR))
		return fail(p, "illegal virtual server address[:port] specified");
	ap_to_addr(&ap, &svc->id.af, svc->id.addr, &svc->id.port);
	if (ap.af == AF_INET6)
		svc->netmask = 128;
	return PARSE_OK;
}

static enum xvsadm_parse parse_server_opt(struct parse *p, const char *arg)
{
	struct xvs_ctl_svc *svc = &p->ce->svc;
	struct xvs_ctl_dest *d = &p->ce->dest;
	struct addr_port ap;
	int parsed;

	/* ipvsadm parses into a copy of the service: its address family and port are the defaults */
	svc_to_ap(&svc->id, &ap);
	parsed = addr_parse_service(arg, svc->id.proto, &ap, p->res);
	ap_to_addr(&ap, &d->af, d->addr, &d->port);
	if (!(parsed & ADDR_PARSED_ADDR))
		return fail(p, "illegal real server address[:port] specified");
	if (parsed == ADDR_PARSED_ADDR)
		d->port = svc->id.port;
	return PARSE_OK;
}

static enum xvsadm_parse parse_fwmark(struct parse *p, const char *arg)
{
	unsigned long l;
	char *end;

	l = strtoul(arg, &end, 10);
	if (*end || end == arg || arg[0] == '-' || l == 0 || l > UINT_MAX)
		return fail(p, "invalid fwmark value `%s' specified", arg);
	p->ce->svc.id.fwmark = l;
	return PARSE_OK;
}

static enum xvsadm_parse parse_timeout(struct parse *p, const char *arg, int min, int max,
				       __u32 *out)
{
	int t;

	if (!arg) {
		*out = XVSADM_PERSIST_DEFAULT;
		return PARSE_OK;
	}
	t = addr_string_to_number(arg, min, max);
	if (t < 0)
		return fail(p, "invalid timeout value `%s' specified", arg);
	*out = t;
	return PARSE_OK;
}

static enum xvsadm_parse parse_number(struct parse *p, const char *arg, int min, int max,
				      const char *what, __u32 *out)
{
	int n = addr_string_to_number(arg, min, max);

	if (n < 0)
		return fail(p, "illegal %s specified", what);
	*out = n;
	return PARSE_OK;
}

static enum xvsadm_parse parse_sched_flags(struct parse *p)
{
	const char *sched = p->ce->svc.sched;
	char *save = NULL, *flag;
	__u32 flags = 0;

	flag = strtok_r(p->sched_flags, ",", &save);
	if (!flag)
		return fail(p, "invalid scheduler flag `%s'", "");
	for (; flag; flag = strtok_r(NULL, ",", &save)) {
		if (!strcmp(flag, "flag-1")) {
			flags |= XVS_SVC_F_SCHED1;
		} else if (!strcmp(flag, "flag-2")) {
			flags |= XVS_SVC_F_SCHED2;
		} else if (!strcmp(flag, "flag-3")) {
			flags |= XVS_SVC_F_SCHED3;
		} else if (!strcmp(flag, "sh-fallback") || !strcmp(flag, "sh-port")) {
			if (strcmp(sched, "sh"))
				return fail(p, "incompatible scheduler flag `%s'", flag);
			flags |= flag[3] == 'f' ? XVS_SVC_F_SCHED1 : XVS_SVC_F_SCHED2;
		} else if (!strcmp(flag, "mh-fallback") || !strcmp(flag, "mh-port")) {
			if (strcmp(sched, "mh"))
				return fail(p, "incompatible scheduler flag `%s'", flag);
			flags |= flag[3] == 'f' ? XVS_SVC_F_SCHED1 : XVS_SVC_F_SCHED2;
		} else {
			return fail(p, "invalid scheduler flag `%s'", flag);
		}
	}
	p->ce->svc.flags &= ~(XVS_SVC_F_SCHED1 | XVS_SVC_F_SCHED2 | XVS_SVC_F_SCHED3);
	p->ce->svc.flags |= flags;
	return PARSE_OK;
}

/* The first option must be a command (ipvsadm's first switch). */
static enum xvsadm_parse parse_command(struct parse *p, int c, const char *arg)
{
	static const struct { int c, cmd; } cmds[] = {
		{ 'A', CMD_ADD }, { 'E', CMD_EDIT }, { 'D', CMD_DEL }, { 'a', CMD_ADDDEST },
		{ 'e', CMD_EDITDEST }, { 'd', CMD_DELDEST }, { 'C', CMD_FLUSH }, { 'L', CMD_LIST },
		{ 'l', CMD_LIST }, { 'Z', CMD_ZERO }, { TAG_SET, CMD_TIMEOUT }, { 'R', CMD_RESTORE },
		{ 'S', CMD_SAVE }, { TAG_START_DAEMON, CMD_STARTDAEMON },
		{ TAG_STOP_DAEMON, CMD_STOPDAEMON },
	};
	size_t i;

	if (c == 'h')
		return PARSE_HELP;
	if (c == 'v')
		return PARSE_VERSION;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (cmds[i].c == c)
			break;
	if (i == sizeof(cmds) / sizeof(cmds[0]))
		return PARSE_TRYHELP;
	p->ce->cmd = cmds[i].cmd;
	if (c == TAG_START_DAEMON && strcmp(arg, "master") && strcmp(arg, "backup"))
		return fail(p, "illegal start-daemon parameter specified");
	if (c == TAG_STOP_DAEMON && strcmp(arg, "master") && strcmp(arg, "backup"))
		return fail(p, "illegal start_daemon specified");
	if (c == TAG_START_DAEMON || c == TAG_STOP_DAEMON)
		p->ce->daemon.state = strcmp(arg, "master") ? XVS_DAEMON_BACKUP :
							      XVS_DAEMON_MASTER;
	return PARSE_OK;
}

static enum xvsadm_parse set_format(struct parse *p, int optc, unsigned int fmt)
{
	p->ce->format |= fmt;
	return set_option(p, optc);
}

/* One option after the command (ipvsadm's while loop). */
static enum xvsadm_parse parse_one(struct parse *p, struct scan *s, int c)
{
	struct xvsadm_cmd *ce = p->ce;
	const char *arg = s->optarg;
	__u32 v = 0;
	enum xvsadm_parse r;

	switch (c) {
	case 't':
	case 'u':
	case TAG_SCTP_SERVICE:
		r = set_option(p, OPTC_SERVICE);
		if (r)
			return r;
		return parse_service_opt(p, c == 't' ? IPPROTO_TCP :
					 c == 'u' ? IPPROTO_UDP : IPPROTO_SCTP, arg);
	case 'f':
		r = set_option(p, OPTC_SERVICE);
		if (r)
			return r;
		ce->svc.id.af = AF_INET;
		ce->svc.id.proto = IPPROTO_TCP;
		return parse_fwmark(p, arg);
	case 's':
		r = set_option(p, OPTC_SCHEDULER);
		if (!r)
			snprintf(ce->svc.sched, sizeof(ce->svc.sched), "%s", arg);
		return r;
	case 'p':
		r = set_option(p, OPTC_PERSISTENT);
		if (r)
			return r;
		ce->svc.flags |= XVS_SVC_F_PERSISTENT;
		return parse_timeout(p, arg, 1, XVSADM_MAX_TIMEOUT, &ce->svc.timeout);
	case 'M':
		r = set_option(p, OPTC_NETMASK);
		if (r)
			return r;
		if (ce->svc.id.af != AF_INET6) {
			if (addr_parse_netmask(arg, &ce->svc.netmask, p->res) != 1)
				return fail(p, "illegal virtual server persistent mask specified");
		} else {
			ce->svc.netmask = atoi(arg);
			if (ce->svc.netmask < 1 || ce->svc.netmask > 128)
				return fail(p, "illegal ipv6 netmask specified");
		}
		return PARSE_OK;
	case 'r':
		r = set_option(p, OPTC_SERVER);
		return r ? r : parse_server_opt(p, arg);
	case 'i':
	case 'g':
	case 'm':
		r = set_option(p, OPTC_FORWARD);
		ce->dest.fwd = c == 'i' ? XVS_FWD_TUNNEL : c == 'g' ? XVS_FWD_ROUTE : XVS_FWD_MASQ;
		return r;
	case 'w':
		r = set_option(p, OPTC_WEIGHT);
		if (r || (r = parse_number(p, arg, 0, 65535, "weight", &v)))
			return r;
		ce->dest.weight = v;
		return PARSE_OK;
	case 'x':
		r = set_option(p, OPTC_UTHRESHOLD);
		return r ? r : parse_number(p, arg, 0, INT_MAX, "u_threshold",
					    &ce->dest.u_threshold);
	case 'y':
		r = set_option(p, OPTC_LTHRESHOLD);
		return r ? r : parse_number(p, arg, 0, INT_MAX, "l_threshold",
					    &ce->dest.l_threshold);
	case 'c':
		return set_option(p, OPTC_CONNECTION);
	case 'n':
		return set_format(p, OPTC_NUMERIC, FMT_NUMERIC);
	case TAG_MCAST_INTERFACE:
		/* ipvsadm cuts a long name; xvsd then finds no such device */
		snprintf(ce->daemon.mcast_ifn, sizeof(ce->daemon.mcast_ifn), "%s", arg);
		return set_option(p, OPTC_MCAST);
	case 'I':
		r = set_option(p, OPTC_SYNCID);
		return r ? r : parse_number(p, arg, 0, 255, "syncid", &ce->daemon.syncid);
	case TAG_TIMEOUT:
		return set_option(p, OPTC_TIMEOUT);
	case TAG_DAEMON:
		return set_option(p, OPTC_DAEMON);
	case TAG_STATS:
		return set_format(p, OPTC_STATS, FMT_STATS);
	case TAG_RATE:
		return set_format(p, OPTC_RATE, FMT_RATE);
	case TAG_THRESHOLDS:
		return set_format(p, OPTC_THRESHOLDS, FMT_THRESHOLDS);
	case TAG_PERSISTENTCONN:
		return set_format(p, OPTC_PERSISTENTCONN, FMT_PERSISTENTCONN);
	case TAG_NO_SORT:
		return set_format(p, OPTC_NOSORT, FMT_NOSORT);
	case TAG_SORT:
		/* sorting is the default: a no-op kept for compatibility */
		return PARSE_OK;
	case 'X':
		return set_format(p, OPTC_EXACT, FMT_EXACT);
	case '6':
		if (!ce->svc.id.fwmark)
			return fail(p, "-6 used before -f\n");
		ce->svc.id.af = AF_INET6;
		ce->svc.netmask = 128;
		return PARSE_OK;
	case 'o':
		r = set_option(p, OPTC_ONEPACKET);
		ce->svc.flags |= XVS_SVC_F_ONEPACKET;
		return r;
	case TAG_PERSISTENCE_ENGINE:
		r = set_option(p, OPTC_PERSISTENCE_ENGINE);
		if (!r)
			snprintf(ce->svc.pe, sizeof(ce->svc.pe), "%s", arg);
		return r;
	case 'b':
		r = set_option(p, OPTC_SCHED_FLAGS);
		snprintf(p->sched_flags, sizeof(p->sched_flags), "%s", arg);
		p->have_sched_flags = true;
		return r;
	case TAG_MCAST_GROUP: {
		struct in6_addr a;

		r = set_option(p, OPTC_MCAST_GROUP);
		if (r)
			return r;
		if (inet_pton(AF_INET, arg, &a) > 0) {
			memcpy(&ce->daemon.mcast_group, &a, 4);
			ce->daemon.set |= XVS_DAEMON_SET_GROUP;
			return PARSE_OK;
		}
		if (inet_pton(AF_INET6, arg, &a) <= 0)
			return fail(p, "illegal mcast-group specified");
		return fail(p, "xvs: IPv6 sync multicast groups are not supported");
	}
	case TAG_MCAST_PORT:
		r = set_option(p, OPTC_MCAST_PORT);
		if (!r)
			r = parse_number(p, arg, 1, 65535, "mcast-port", &v);
		ce->daemon.mcast_port = htons(v);
		ce->daemon.set |= XVS_DAEMON_SET_PORT;
		return r;
	case TAG_MCAST_TTL:
		r = set_option(p, OPTC_MCAST_TTL);
		if (!r)
			r = parse_number(p, arg, 1, 255, "mcast-ttl", &v);
		ce->daemon.mcast_ttl = v;
		ce->daemon.set |= XVS_DAEMON_SET_TTL;
		return r;
	case TAG_SYNC_MAXLEN:
		r = set_option(p, OPTC_SYNC_MAXLEN);
		if (!r)
			r = parse_number(p, arg, 1, 65535 - 20 - 8, "sync-maxlen", &v);
		ce->daemon.sync_maxlen = v;
		ce->daemon.set |= XVS_DAEMON_SET_MAXLEN;
		return r;
	case TAG_TUN_INFO:
		return set_format(p, OPTC_TUN_INFO, FMT_TUN_INFO);
	case TAG_TUN_TYPE: {
		size_t i;

		r = set_option(p, OPTC_TUN_TYPE);
		if (r)
			return r;
		for (i = 0; i < 3; i++)
			if (!strcmp(arg, tun_names[i]))
				break;
		if (i == 3)
			return fail(p, "illegal tunnel type specified");
		ce->tun_type = i;
		return PARSE_OK;
	}
	case TAG_TUN_PORT:
		r = set_option(p, OPTC_TUN_PORT);
		return r ? r : parse_number(p, arg, 1, 65535, "tunnel port", &v);
	case TAG_TUN_NOCSUM:
		return set_option(p, OPTC_TUN_NOCSUM);
	case TAG_TUN_CSUM:
		return set_option(p, OPTC_TUN_CSUM);
	case TAG_TUN_REMCSUM:
		return set_option(p, OPTC_TUN_REMCSUM);
	case 'j':
		/* not an ipvsadm option: no OPTC_ column, same words */
		if (ce->format & FMT_JSON)
			return fail(p, "multiple '%s' options specified", "json");
		ce->format |= FMT_JSON;
		return PARSE_OK;
	}
	/* a second command, -h or -v after the command */
	return fail(p, "invalid option `%s'", scan_bad_option(s));
}

static enum xvsadm_parse parse_options(struct parse *p, int argc, char **argv)
{
	struct xvsadm_cmd *ce = p->ce;
	enum xvsadm_parse r;
	const char *a1, *a2, *a3;
	struct scan s;
	int c;

	if (scan_init(&s, argc, argv, option_table))
		return fail(p, "out of memory");
	c = scan_next(&s);
	if (c < 0) {
		r = PARSE_TRYHELP;
		goto out;
	}
	r = parse_command(p, c, s.optarg);
	while (r == PARSE_OK && (c = scan_next(&s)) >= 0)
		r = parse_one(p, &s, c);
	if (r)
		goto out;
	if (c < -1) {
		snprintf(p->err->msg, sizeof(p->err->msg), "%s: %s", scan_bad_option(&s),
			 scan_strerror(c));
		r = PARSE_POPT;
		goto out;
	}
	if (ce->cmd == CMD_TIMEOUT) {
		a1 = scan_get_arg(&s);
		a2 = a1 ? scan_get_arg(&s) : NULL;
		a3 = a2 ? scan_get_arg(&s) : NULL;
		if (!a3) {
			r = fail(p, "--set option requires 3 timeout values");
			goto out;
		}
		r = parse_timeout(p, a1, 0, XVSADM_MAX_TIMEOUT, &ce->timeout.tcp);
		if (!r)
			r = parse_timeout(p, a2, 0, XVSADM_MAX_TIMEOUT, &ce->timeout.tcp_fin);
		if (!r)
			r = parse_timeout(p, a3, 0, XVSADM_MAX_TIMEOUT, &ce->timeout.udp);
		if (r)
			goto out;
	}
	a1 = scan_get_arg(&s);
	if (a1) {
		r = fail(p, "unexpected argument %s", a1);
		goto out;
	}
	if (p->have_sched_flags)
		r = parse_sched_flags(p);
out:
	scan_free(&s);
	return r;
}

/* ipvsadm's generic_opt_check(): the matrix, column by column. */
static enum xvsadm_parse check_matrix(struct parse *p)
{
	const char *row = cmd_v_opts[p->ce->cmd - 1];
	int j, last = 0, count = 0;

	for (j = 0; j < OPTC_MAX; j++) {
		if (!(p->ce->options & OPT(j))) {
			if (row[j] == '+')
				return fail(p, "You need to supply the '%s' option for the '%s' command",
					    opt_names[j], cmd_names[p->ce->cmd - 1]);
			continue;
		}
		if (row[j] == 'x')
			return fail(p, "Illegal '%s' option with the '%s' command", opt_names[j],
				    cmd_names[p->ce->cmd - 1]);
		if (row[j] == '1' && ++count > 1)
			return fail(p, "The option '%s' conflicts with the '%s' option in the '%s' command",
				    opt_names[j], opt_names[last], cmd_names[p->ce->cmd - 1]);
		if (row[j] == '1')
			last = j;
	}
	return PARSE_OK;
}

static enum xvsadm_parse check_tunnel(struct parse *p)
{
	const char *row = tun_v_opts[p->ce->tun_type];
	const char *type = tun_names[p->ce->tun_type];
	int j, k, last = 0, count = 0;

	for (j = 0; j < 4; j++) {
		k = tun_opts[j];
		if (!(p->ce->options & OPT(k))) {
			if (row[j] == '+')
				return fail(p, "You need to supply the '%s' option for the '%s' tunnel type",
					    opt_names[k], type);
			continue;
		}
		if (row[j] == 'x')
			return fail(p, "Illegal '%s' option with the '%s' tunnel type",
				    opt_names[k], type);
		if (row[j] == '1' && ++count > 1)
			return fail(p, "The option '%s' conflicts with the '%s' option in the '%s' tunnel type",
				    opt_names[k], opt_names[last], type);
		if (row[j] == '1')
			last = k;
	}
	return PARSE_OK;
}

/* The checks ipvsadm's process_options() makes before talking to the kernel. */
static enum xvsadm_parse check_command(struct parse *p)
{
	struct xvsadm_cmd *ce = p->ce;
	unsigned long long o = ce->options;
	enum xvsadm_parse r = check_matrix(p);

	if (r)
		return r;
	if (ce->cmd == CMD_ADD || ce->cmd == CMD_EDIT) {
		if (!ce->svc.id.fwmark && !ce->svc.id.port &&
		    !(ce->svc.flags & XVS_SVC_F_PERSISTENT))
			return fail(p, "Zero port specified for non-persistent service");
		if ((ce->svc.flags & XVS_SVC_F_ONEPACKET) && !ce->svc.id.fwmark &&
		    ce->svc.id.proto != IPPROTO_UDP)
			return fail(p, "One-Packet Scheduling is only for UDP virtual services");
		if (!ce->svc.sched[0])
			strcpy(ce->svc.sched, XVSADM_DEF_SCHED);
	}
	if (ce->cmd == CMD_ADDDEST || ce->cmd == CMD_EDITDEST) {
		if (!ce->svc.id.fwmark &&
		    (ce->dest.fwd == XVS_FWD_TUNNEL || ce->dest.fwd == XVS_FWD_ROUTE))
			ce->dest.port = ce->svc.id.port;
		if (ce->dest.af != ce->svc.id.af && ce->dest.fwd != XVS_FWD_TUNNEL)
			return fail(p, "Different address family is allowed only for tunneling servers");
		if ((o & (OPT(OPTC_TUN_TYPE) | OPT(OPTC_TUN_PORT) | OPT(OPTC_TUN_NOCSUM) |
			  OPT(OPTC_TUN_CSUM) | OPT(OPTC_TUN_REMCSUM))) &&
		    ce->dest.fwd != XVS_FWD_TUNNEL)
			return fail(p, "Tunnel options conflict with forward method");
		r = check_tunnel(p);
		if (r)
			return r;
	}
	if (ce->cmd == CMD_LIST &&
	    (((o & (OPT(OPTC_CONNECTION) | OPT(OPTC_TIMEOUT) | OPT(OPTC_DAEMON))) &&
	      (o & (OPT(OPTC_STATS) | OPT(OPTC_RATE) | OPT(OPTC_THRESHOLDS)))) ||
	     ((o & (OPT(OPTC_TIMEOUT) | OPT(OPTC_DAEMON))) && (o & OPT(OPTC_PERSISTENTCONN)))))
		return fail(p, "options conflicts in the list command");
	return PARSE_OK;
}

/* What xvs refuses for now, with a message naming the way out. */
static enum xvsadm_parse check_xvs(struct parse *p)
{
	struct xvsadm_cmd *ce = p->ce;

	/* ipvsadm's default interface */
	if (ce->cmd == CMD_STARTDAEMON && !ce->daemon.mcast_ifn[0])
		strcpy(ce->daemon.mcast_ifn, "eth0");
	if ((ce->format & FMT_JSON) && ce->cmd != CMD_LIST)
		return fail(p, "Illegal '%s' option with the '%s' command", "json",
			    cmd_names[ce->cmd - 1]);
	if (ce->options & OPT(OPTC_SERVICE)) {
		if (ce->svc.id.proto == IPPROTO_SCTP)
			return fail(p, "xvs: SCTP services (--sctp-service) are not supported yet");
		if (ce->svc.id.af == AF_INET6)
			return fail(p, "xvs: IPv6 services are not supported yet");
	}
	if ((ce->options & OPT(OPTC_SERVER)) && ce->dest.af == AF_INET6)
		return fail(p, "xvs: IPv6 real servers are not supported yet");
	if (ce->cmd != CMD_ADDDEST && ce->cmd != CMD_EDITDEST)
		return PARSE_OK;
	if (ce->dest.fwd == XVS_FWD_TUNNEL)
		return fail(p, "xvs: tunneling (-i) is not supported yet: use masquerading (-m)");
	if (ce->dest.fwd != XVS_FWD_ROUTE)
		return PARSE_OK;
	if (ce->options & OPT(OPTC_FORWARD))
		return fail(p, "xvs: direct routing (-g) is not supported yet: use masquerading (-m)");
	return fail(p, "xvs: no forwarding method given and ipvsadm's default, direct routing (-g), "
		    "is not supported yet: add -m (masquerading)");
}

enum xvsadm_parse opts_parse(int argc, char **argv, struct xvsadm_cmd *ce,
			     struct xvsadm_err *err, const struct addr_resolver *res)
{
	struct parse p = { .ce = ce, .err = err, .res = res };
	enum xvsadm_parse r;

	memset(ce, 0, sizeof(*ce));
	err->msg[0] = '\0';
	/* ipvsadm's defaults: weight 1, direct routing, /32 persistence granularity */
	ce->dest.weight = 1;
	ce->dest.fwd = XVS_FWD_ROUTE;
	ce->svc.netmask = 0xffffffff;
	r = parse_options(&p, argc, argv);
	if (r)
		return r;
	r = check_command(&p);
	if (r)
		return r;
	return check_xvs(&p);
}
