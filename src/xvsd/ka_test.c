// SPDX-License-Identifier: GPL-2.0
/*
 * xvsd -t (ka_test.h). keepalived -t exits 5 on any message its parser
 * gives, warnings included (an unknown keyword, a bad value ignored); so
 * does this. One difference: keepalived -t exits 0 for a file that is not
 * there ("Config files missing"), but xvsd does not start without it, so
 * that is 5 here too.
 */
#include <stdio.h>

#include "kaconf/kaconf.h"
#include "ka_test.h"
#include "vrrp_conf.h"

int ka_config_test(struct xvsd_conf *c)
{
	const struct ka_msg *m;
	struct ka_conf *k;
	char err[1024];
	int ret = KA_TEST_EXIT_OK;

	if (!c->keepalived_conf[0])
		return KA_TEST_EXIT_OK;
	k = kaconf_load(c->keepalived_conf, err, sizeof(err));
	if (!k) {
		fprintf(stderr, "%s\n", err);
		return KA_TEST_EXIT_CONFIG;
	}
	for (m = k->warnings; m; m = m->next) {
		fprintf(stderr, "%s\n", m->text);
		ret = KA_TEST_EXIT_CONFIG;
	}
	if (vrrp_conf_from_kaconf(&c->vrrp, k, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", c->keepalived_conf, err);
		ret = KA_TEST_EXIT_CONFIG;
	}
	kaconf_free(k);
	return ret;
}
