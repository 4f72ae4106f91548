/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvs's mark rules (docs/fwmark.md): the ordered list that gives new packets
 * the firewall mark of an fwmark service, since XDP runs before netfilter
 * sets any. The pinned mark_rules map is the truth: xvsd writes a whole new
 * list into the bank the datapath is not reading, then switches
 * globals.mark_bank, so a packet sees the old list or the new one.
 */
#ifndef XVSD_MARKRULE_H
#define XVSD_MARKRULE_H

#include <stddef.h>

#include "ctl_proto.h"
#include "state.h"

/* Check a rule as the control socket carries it; -EINVAL when malformed. */
int markrule_check(const struct xvs_ctl_mark_rule *c);

/* The rules in use, in match order, into @out (XVS_MAX_MARK_RULES room). */
int markrule_get(struct xvsd *st, struct xvs_ctl_mark_rule *out, size_t *n);

/* Insert at @pos (1-based; 0: append). -EEXIST: an equal rule is there,
 * -ENOSPC: XVS_MAX_MARK_RULES rules already, -ERANGE: no such position. */
int markrule_add(struct xvsd *st, __u32 pos, const struct xvs_ctl_mark_rule *r);

/* Remove the rule at @pos (1-based), or with @pos 0 the rule equal to @r.
 * -ENOENT: no such rule, -ERANGE: no such position. */
int markrule_del(struct xvsd *st, __u32 pos, const struct xvs_ctl_mark_rule *r);

/* Replace the whole list (@n 0: flush); nothing changes unless all are valid. */
int markrule_set(struct xvsd *st, const struct xvs_ctl_mark_rule *r, size_t n);

/* Control commands XVS_CMD_MARK_*: payload checks, then the above. */
int markrule_ctl(struct xvsd *st, __u16 cmd, const void *p, size_t len, void **reply,
		 size_t *reply_len);

#endif /* XVSD_MARKRULE_H */
