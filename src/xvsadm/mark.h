/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `xvsadm mark`: xvs's mark rules (docs/fwmark.md) in iptables' words, so a
 * classic LVS recipe line `iptables -t mangle -A PREROUTING ... -j MARK
 * --set-mark N` works with `xvsadm mark` in place of `iptables`, and
 * `iptables-save -t mangle` output restores with `xvsadm mark --restore`.
 */
#ifndef XVSADM_MARK_H
#define XVSADM_MARK_H

#include <stdbool.h>
#include <stddef.h>

#include "ctl_proto.h"
#include "run.h"

enum mark_op {
	MARK_OP_NONE = 0,
	MARK_OP_APPEND,		/* -A */
	MARK_OP_INSERT,		/* -I [N] */
	MARK_OP_DELETE,		/* -D RULE | -D N */
	MARK_OP_FLUSH,		/* -F */
	MARK_OP_LIST,		/* -L */
	MARK_OP_SAVE,		/* -S */
	MARK_OP_RESTORE,	/* --restore */
	MARK_OP_HELP,		/* -h */
};

struct mark_cmd {
	enum mark_op op;
	__u32 pos;		/* -I / -D rule number; 0: none given */
	bool has_target;	/* -j MARK --set-mark N seen */
	bool has_match;		/* any match option seen */
	struct xvs_ctl_mark_rule rule;
};

#define MARK_ERR_LEN	160

/*
 * Parse the words after "mark" (argv[0] is "mark"). Returns 0, or -1 with
 * a message in @err (usage error: exit status 2).
 */
int mark_parse(int argc, char **argv, struct mark_cmd *mc, char *err);

/* The rule as a save line: "-A PREROUTING ... -j MARK --set-mark N". */
void mark_format(const struct xvs_ctl_mark_rule *r, char *buf, size_t len);

/* `xvsadm mark ...`: returns the exit status (0; 1 refused; 2 usage). */
int mark_run(struct xvsadm_ctx *x, int argc, char **argv);

#endif /* XVSADM_MARK_H */
