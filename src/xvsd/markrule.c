// SPDX-License-Identifier: GPL-2.0
/*
 * xvs's mark rules: validation, the ordered list and its two-bank update
 * (markrule.h). Every change builds the whole new list first; a refused
 * request leaves both banks and globals.mark_bank as they were.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <bpf/bpf.h>

#include "markrule.h"

_Static_assert(XVS_CTL_MARK_PORTS == XVS_MARK_PORTS, "a rule's port ranges differ in size");

static bool mask_ok(__u32 mask_be)
{
	__u32 inv = ~ntohl(mask_be);

	/* contiguous: the host bits are 2^k - 1 */
	return !(inv & (inv + 1));
}

int markrule_check(const struct xvs_ctl_mark_rule *c)
{
	__u16 i;

	if (!c->mark)
		return -EINVAL;
	if (c->proto && c->proto != IPPROTO_TCP && c->proto != IPPROTO_UDP)
		return -EINVAL;
	if (!mask_ok(c->dmask) || !mask_ok(c->smask) || (c->daddr & ~c->dmask) ||
	    (c->saddr & ~c->smask))
		return -EINVAL;
	if (c->nports > XVS_CTL_MARK_PORTS)
		return -EINVAL;
	for (i = 0; i < c->nports; i++)
		if (c->port_lo[i] > c->port_hi[i])
			return -EINVAL;
	return 0;
}

static void to_abi(const struct xvs_ctl_mark_rule *c, struct xvs_mark_rule *r)
{
	__u16 i;

	memset(r, 0, sizeof(*r));
	r->daddr = c->daddr;
	r->dmask = c->dmask;
	r->saddr = c->saddr;
	r->smask = c->smask;
	r->mark = c->mark;
	r->proto = c->proto;
	r->nports = c->nports;
	for (i = 0; i < c->nports && i < XVS_MARK_PORTS; i++) {
		r->port[i].lo = c->port_lo[i];
		r->port[i].hi = c->port_hi[i];
	}
}

static void to_ctl(const struct xvs_mark_rule *r, struct xvs_ctl_mark_rule *c)
{
	__u16 i;

	memset(c, 0, sizeof(*c));
	c->daddr = r->daddr;
	c->dmask = r->dmask;
	c->saddr = r->saddr;
	c->smask = r->smask;
	c->mark = r->mark;
	c->proto = r->proto;
	c->nports = r->nports;
	for (i = 0; i < r->nports && i < XVS_MARK_PORTS; i++) {
		c->port_lo[i] = r->port[i].lo;
		c->port_hi[i] = r->port[i].hi;
	}
}

/* The list in use (empty when globals.mark_bank is 0). */
static int read_list(struct xvsd *st, struct xvs_mark_set *set)
{
	__u32 bank = st->globals.mark_bank;

	memset(set, 0, sizeof(*set));
	if (!bank)
		return 0;
	bank--;
	if (bpf_map_lookup_elem(st->maps.mark_rules, &bank, set))
		return -errno;
	if (set->count > XVS_MAX_MARK_RULES)
		set->count = XVS_MAX_MARK_RULES;
	return 0;
}

/* Write @set into the bank not in use, then make it the one in use. */
static int write_list(struct xvsd *st, const struct xvs_mark_set *set)
{
	struct xvs_globals g = st->globals;
	__u32 bank = g.mark_bank == 1 ? 1 : 0, zero = 0;

	if (bpf_map_update_elem(st->maps.mark_rules, &bank, set, BPF_ANY))
		return -errno;
	g.mark_bank = set->count ? bank + 1 : 0;
	if (bpf_map_update_elem(st->maps.globals, &zero, &g, BPF_ANY))
		return -errno;
	st->globals = g;
	return 0;
}

int markrule_get(struct xvsd *st, struct xvs_ctl_mark_rule *out, size_t *n)
{
	struct xvs_mark_set set;
	__u32 i;
	int err = read_list(st, &set);

	*n = 0;
	if (err)
		return err;
	for (i = 0; i < set.count; i++)
		to_ctl(&set.rule[i], &out[i]);
	*n = set.count;
	return 0;
}

static int find(const struct xvs_mark_set *set, const struct xvs_mark_rule *r)
{
	__u32 i;

	for (i = 0; i < set->count; i++)
		if (!memcmp(&set->rule[i], r, sizeof(*r)))
			return i;
	return -1;
}

int markrule_add(struct xvsd *st, __u32 pos, const struct xvs_ctl_mark_rule *c)
{
	struct xvs_mark_set set;
	struct xvs_mark_rule r;
	int err = markrule_check(c);

	if (!err)
		err = read_list(st, &set);
	if (err)
		return err;
	to_abi(c, &r);
	if (find(&set, &r) >= 0)
		return -EEXIST;
	if (set.count >= XVS_MAX_MARK_RULES)
		return -ENOSPC;
	if (pos > set.count + 1)
		return -ERANGE;
	pos = pos ? pos - 1 : set.count;
	memmove(&set.rule[pos + 1], &set.rule[pos], (set.count - pos) * sizeof(r));
	set.rule[pos] = r;
	set.count++;
	return write_list(st, &set);
}

int markrule_del(struct xvsd *st, __u32 pos, const struct xvs_ctl_mark_rule *c)
{
	struct xvs_mark_set set;
	struct xvs_mark_rule r;
	int err = pos ? 0 : markrule_check(c), i;

	if (!err)
		err = read_list(st, &set);
	if (err)
		return err;
	if (pos) {
		if (pos > set.count)
			return -ERANGE;
		i = pos - 1;
	} else {
		to_abi(c, &r);
		i = find(&set, &r);
		if (i < 0)
			return -ENOENT;
	}
	memmove(&set.rule[i], &set.rule[i + 1], (set.count - i - 1) * sizeof(r));
	set.count--;
	memset(&set.rule[set.count], 0, sizeof(r));
	return write_list(st, &set);
}

int markrule_set(struct xvsd *st, const struct xvs_ctl_mark_rule *c, size_t n)
{
	struct xvs_mark_set set;
	size_t i;
	int err;

	if (n > XVS_MAX_MARK_RULES)
		return -ENOSPC;
	memset(&set, 0, sizeof(set));
	for (i = 0; i < n; i++) {
		err = markrule_check(&c[i]);
		if (err)
			return err;
		to_abi(&c[i], &set.rule[i]);
		if (find(&set, &set.rule[i]) >= 0)
			return -EEXIST;
		set.count++;
	}
	return write_list(st, &set);
}

int markrule_ctl(struct xvsd *st, __u16 cmd, const void *p, size_t len, void **reply,
		 size_t *reply_len)
{
	struct xvs_ctl_mark_rule *rules;
	struct xvs_ctl_mark_req req;
	size_t n;
	int err;

	switch (cmd) {
	case XVS_CMD_MARK_LIST:
		if (len)
			return -EINVAL;
		rules = calloc(XVS_MAX_MARK_RULES, sizeof(*rules));
		if (!rules)
			return -ENOMEM;
		err = markrule_get(st, rules, &n);
		if (err || !n) {
			free(rules);
			return err;
		}
		*reply = rules;
		*reply_len = n * sizeof(*rules);
		return 0;
	case XVS_CMD_MARK_ADD:
	case XVS_CMD_MARK_DEL:
		if (len != sizeof(req))
			return -EINVAL;
		memcpy(&req, p, sizeof(req));
		if (cmd == XVS_CMD_MARK_ADD)
			return markrule_add(st, req.pos, &req.rule);
		return markrule_del(st, req.pos, &req.rule);
	case XVS_CMD_MARK_SET:
		if (len % sizeof(*rules))
			return -EINVAL;
		n = len / sizeof(*rules);
		if (!n)
			return markrule_set(st, NULL, 0);
		rules = malloc(len);
		if (!rules)
			return -ENOMEM;
		memcpy(rules, p, len);
		err = markrule_set(st, rules, n);
		free(rules);
		return err;
	}
	return -EINVAL;
}
