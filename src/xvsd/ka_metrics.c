// SPDX-License-Identifier: GPL-2.0
/*
 * The health of keepalived.conf's virtual and real servers as Prometheus
 * families, appended to xvsd's scrape (metrics.c): whether each real server
 * is in the pool as far as its checkers go, how often a checker declared it
 * down, and each virtual server's quorum and sorry server. Read from the
 * running state ka_rs.c keeps; nothing here changes it.
 */
#include <arpa/inet.h>
#include <stdio.h>

#include "ka_apply.h"
#include "ka_int.h"
#include "metrics.h"

static void header(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void vs_labels(FILE *f, const char *name, const struct ka_vsrt *vs)
{
	fprintf(f, "%s{virtual_server=\"", name);
	metrics_put_label_value(f, vs->name);
	fputc('"', f);
}

/* name{virtual_server="...",server="A",server_port="P"} for each real server, then value(). */
static void put_rs_family(FILE *f, const struct ka *k, const char *name,
			  unsigned long long (*value)(const struct ka_rsrt *rs))
{
	char addr[INET_ADDRSTRLEN];
	int i, j;

	for (i = 0; i < k->nvs; i++) {
		for (j = 0; j < k->vs[i].nrs; j++) {
			const struct ka_rsrt *rs = &k->vs[i].rs[j];

			if (!inet_ntop(AF_INET, &rs->cfg->addr, addr, sizeof(addr)))
				snprintf(addr, sizeof(addr), "?");
			vs_labels(f, name, &k->vs[i]);
			fprintf(f, ",server=\"%s\",server_port=\"%u\"} %llu\n", addr,
				ntohs(rs->cfg->port), value(rs));
		}
	}
}

static unsigned long long rs_up(const struct ka_rsrt *rs)
{
	return rs->alive;
}

static unsigned long long rs_failures(const struct ka_rsrt *rs)
{
	return rs->failures;
}

static void put_vs_family(FILE *f, const struct ka *k, const char *name, bool sorry)
{
	int i;

	for (i = 0; i < k->nvs; i++) {
		const struct ka_vsrt *vs = &k->vs[i];

		vs_labels(f, name, vs);
		fprintf(f, "} %d\n", sorry ? vs->sorry_active : vs->quorum_up);
	}
}

void ka_metrics_format(FILE *f, const struct ka *k)
{
	header(f, "xvs_healthcheck_server_up", "gauge",
	       "1 while every health checker of the keepalived.conf real server passes.");
	put_rs_family(f, k, "xvs_healthcheck_server_up", rs_up);
	header(f, "xvs_healthcheck_failures_total", "counter",
	       "Times a checker declared the real server down (since start or reload).");
	put_rs_family(f, k, "xvs_healthcheck_failures_total", rs_failures);
	header(f, "xvs_healthcheck_quorum_up", "gauge",
	       "1 while the virtual server's alive weight meets its quorum.");
	put_vs_family(f, k, "xvs_healthcheck_quorum_up", false);
	header(f, "xvs_healthcheck_sorry_server_active", "gauge",
	       "1 while the sorry server replaces the virtual server's pool.");
	put_vs_family(f, k, "xvs_healthcheck_sorry_server_active", true);
}
