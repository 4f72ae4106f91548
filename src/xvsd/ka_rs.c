// SPDX-License-Identifier: GPL-2.0
/*
 * Health to pool membership, as keepalived's ipwrapper.c: a real server is
 * alive while none of its checkers is down; alive servers are in the pool
 * (dead ones out, or at weight 0 with inhibit_on_failure); a virtual server
 * keeps quorum while its alive weight is at least quorum (with hysteresis
 * around it), and without quorum its sorry server, if any, replaces the
 * pool. Every change is logged in keepalived's words, runs the notify or
 * quorum script, is written to the maps and saved.
 */
#include <stdlib.h>

#include "ka_int.h"
#include "log.h"

__u64 ka_vs_live_weight(const struct ka_vsrt *vs)
{
	__u64 sum = 0;
	int i;

	for (i = 0; i < vs->nrs; i++)
		if (vs->rs[i].alive)
			sum += vs->rs[i].weight;
	return sum;
}

static void run_script(struct ka_vsrt *vs, const char *cmd)
{
	if (cmd && vs->k->eng)
		check_run_script(vs->k->eng, cmd);
}

static void sorry_name(const struct ka_vsrt *vs, char *buf)
{
	kaconf_fmt_addr(buf, vs->cfg->sorry_addr, vs->cfg->proto, vs->cfg->sorry_port);
}

void ka_vs_quorum(struct ka_vsrt *vs, bool init)
{
	const struct ka_vs *cfg = vs->cfg;
	long long sum = ka_vs_live_weight(vs);
	long long threshold = (long long)cfg->quorum +
			      (vs->quorum_up ? -(long long)cfg->hysteresis : cfg->hysteresis);
	char sorry[KA_FMT_LEN];

	if (!vs->quorum_up && sum >= threshold) {
		vs->quorum_up = true;
		pr_info("Gained quorum %u+%u=%lld <= %lld for VS %s", cfg->quorum, cfg->hysteresis,
			threshold, sum, vs->name);
		if (vs->sorry_active) {
			sorry_name(vs, sorry);
			pr_info("%s sorry server %s from VS %s",
				cfg->sorry_inhibit ? "Disabling" : "Removing", sorry, vs->name);
			vs->sorry_active = false;
			pr_info("Adding alive servers to the pool for VS %s", vs->name);
		}
		run_script(vs, cfg->quorum_up);
		return;
	}
	if ((vs->quorum_up && (!sum || sum < threshold)) ||
	    (init && !vs->quorum_up && cfg->has_sorry && !vs->sorry_active)) {
		vs->quorum_up = false;
		pr_info("%s %u-%u=%lld > %lld for VS %s",
			init ? "Starting with quorum down" : "Lost quorum", cfg->quorum,
			cfg->hysteresis, threshold, sum, vs->name);
		if (cfg->has_sorry && !vs->sorry_active) {
			sorry_name(vs, sorry);
			pr_info("%s sorry server %s to VS %s",
				cfg->sorry_inhibit ? "Enabling" : "Adding", sorry, vs->name);
			pr_info("Removing alive servers from the pool for VS %s", vs->name);
			vs->sorry_active = true;
		}
		run_script(vs, cfg->quorum_down);
	}
}

void ka_rs_set_alive(struct ka_rsrt *rs, bool alive)
{
	struct ka_vsrt *vs = rs->vs;
	char name[KA_FMT_LEN];

	if (rs->alive == alive)
		return;
	ka_rs_name(rs, name);
	pr_info("%sing service %s %s VS %s",
		alive ? (rs->cfg->inhibit ? "Enabl" : "Add") : (rs->cfg->inhibit ? "Disabl" : "Remov"),
		name, rs->cfg->inhibit ? "of" : alive ? "to" : "from", vs->name);
	rs->alive = alive;
	run_script(vs, alive ? rs->cfg->notify_up : rs->cfg->notify_down);
	ka_vs_quorum(vs, false);
	ka_sync_vs(vs);
	ka_save(vs->k);
}

static int failed_checks(const struct ka_rsrt *rs)
{
	struct check_state st;
	int i, n = 0;

	for (i = 0; i < rs->nchecks; i++) {
		check_get_state(rs->checks[i], &st);
		n += !st.is_up;
	}
	return n;
}

void ka_rs_checker_state(struct check *c, bool up, void *owner)
{
	struct ka_rsrt *rs = owner;

	(void)c;
	rs->failures += !up;
	/* One failed checker is enough to take it down; all up brings it back. */
	ka_rs_set_alive(rs, up ? !failed_checks(rs) : false);
	ka_save(rs->vs->k);
}

void ka_rs_checker_weight(struct check *c, __s32 weight, void *owner)
{
	struct ka_rsrt *rs = owner;
	char name[KA_FMT_LEN];

	(void)c;
	if (rs->weight == weight)
		return;
	ka_rs_name(rs, name);
	pr_info("Changing weight from %d to %d for %sactive service %s of VS %s", rs->weight,
		weight, rs->alive ? "" : "in", name, rs->vs->name);
	rs->weight = weight;
	ka_vs_quorum(rs->vs, false);
	ka_sync_vs(rs->vs);
	ka_save(rs->vs->k);
}
