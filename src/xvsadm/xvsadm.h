/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvsadm's shared vocabulary: ipvsadm's commands, options and listing
 * format flags, the parsed command, and the outcome of parsing it.
 */
#ifndef XVSADM_H
#define XVSADM_H

#include <stdbool.h>
#include <stdio.h>

#include "ctl_proto.h"
#include "addr.h"

/* Commands, in ipvsadm's order (its cmdnames[] table is indexed by cmd - 1). */
enum xvsadm_cmd_id {
	CMD_NONE = 0,
	CMD_ADD,
	CMD_EDIT,
	CMD_DEL,
	CMD_FLUSH,
	CMD_LIST,
	CMD_ADDDEST,
	CMD_DELDEST,
	CMD_EDITDEST,
	CMD_TIMEOUT,
	CMD_STARTDAEMON,
	CMD_STOPDAEMON,
	CMD_RESTORE,
	CMD_SAVE,
	CMD_ZERO,
	CMD_MAX,
};

/* Options, in ipvsadm's OPTC_* order: error messages and checks go in this order. */
enum xvsadm_optc {
	OPTC_NUMERIC,
	OPTC_CONNECTION,
	OPTC_SERVICE,
	OPTC_SCHEDULER,
	OPTC_PERSISTENT,
	OPTC_NETMASK,
	OPTC_SERVER,
	OPTC_FORWARD,
	OPTC_WEIGHT,
	OPTC_UTHRESHOLD,
	OPTC_LTHRESHOLD,
	OPTC_MCAST,
	OPTC_TIMEOUT,
	OPTC_DAEMON,
	OPTC_STATS,
	OPTC_RATE,
	OPTC_THRESHOLDS,
	OPTC_PERSISTENTCONN,
	OPTC_NOSORT,
	OPTC_SYNCID,
	OPTC_EXACT,
	OPTC_ONEPACKET,
	OPTC_PERSISTENCE_ENGINE,
	OPTC_SCHED_FLAGS,
	OPTC_MCAST_GROUP,
	OPTC_MCAST_PORT,
	OPTC_MCAST_TTL,
	OPTC_SYNC_MAXLEN,
	OPTC_TUN_INFO,
	OPTC_TUN_TYPE,
	OPTC_TUN_PORT,
	OPTC_TUN_NOCSUM,
	OPTC_TUN_CSUM,
	OPTC_TUN_REMCSUM,
	OPTC_MAX,
};

#define OPT(c)			(1ULL << (c))

/* Listing format flags (ipvsadm's FMT_*). */
#define FMT_NONE		0x0000
#define FMT_NUMERIC		0x0001
#define FMT_RULE		0x0002
#define FMT_STATS		0x0004
#define FMT_RATE		0x0008
#define FMT_THRESHOLDS		0x0010
#define FMT_PERSISTENTCONN	0x0020
#define FMT_NOSORT		0x0040
#define FMT_EXACT		0x0080
#define FMT_TUN_INFO		0x0100

/* ipvsadm's defaults. */
#define XVSADM_DEF_SCHED	"wlc"
#define XVSADM_PERSIST_DEFAULT	360		/* -p without a value */
#define XVSADM_MAX_TIMEOUT	(86400 * 31)

/* Schedulers xvsd implements, in ipvsadm's help order (its -h lists them). */
#define XVSADM_SCHEDULERS	"rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh"

/* One parsed ipvsadm command line. Addresses and ports in network order. */
struct xvsadm_cmd {
	int cmd;			/* enum xvsadm_cmd_id */
	unsigned long long options;	/* OPT(OPTC_*) bits seen */
	unsigned int format;		/* FMT_* */
	struct xvs_ctl_svc svc;
	struct xvs_ctl_dest dest;
	struct xvs_ctl_timeout timeout;
	struct xvs_ctl_daemon daemon;	/* --start-daemon / --stop-daemon */
	int tun_type;			/* 0 ipip, 1 gue, 2 gre */
};

/* What parsing a command line ended in. */
enum xvsadm_parse {
	PARSE_OK = 0,		/* run cmd */
	PARSE_HELP,		/* print usage on stdout, exit 0 */
	PARSE_VERSION,		/* print the version line, exit 0 */
	PARSE_TRYHELP,		/* print "Try ..." on stderr, exit 255 */
	PARSE_FAIL,		/* print msg on stderr, exit 2 */
	PARSE_POPT,		/* print msg on stderr, command fails (255) */
};

struct xvsadm_err {
	char msg[512];
};

/*
 * Parse one ipvsadm command line (argv[0] is the program) into *ce with
 * ipvsadm 1.31's grammar, checks and messages, then refuse what xvs does
 * not support yet. Nothing is sent anywhere.
 */
enum xvsadm_parse opts_parse(int argc, char **argv, struct xvsadm_cmd *ce,
			     struct xvsadm_err *err, const struct addr_resolver *res);

/* ipvsadm's name of a command / an option, as its messages spell them. */
const char *opts_cmd_name(int cmd);
const char *opts_opt_name(int optc);

/* Help and version texts (help.c). */
void help_usage(FILE *f, const char *prog);
void help_version(FILE *f);
void help_tryhelp(FILE *f, const char *prog);

#endif /* XVSADM_H */
