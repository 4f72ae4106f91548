/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvsd -t / --config-test, as keepalived -t: read the configuration, say
 * what is wrong with it on stderr and exit; nothing starts, nothing is
 * touched, no root needed.
 */
#ifndef XVSD_KA_TEST_H
#define XVSD_KA_TEST_H

#include "config.h"

#define KA_TEST_EXIT_OK		0
#define KA_TEST_EXIT_CONFIG	5	/* keepalived's KEEPALIVED_EXIT_CONFIG_TEST */

/*
 * Check keepalived.conf of c (if any, with what the HA side takes from it).
 * Returns KA_TEST_EXIT_OK when keepalived -t would say nothing, else
 * KA_TEST_EXIT_CONFIG after printing every warning and error.
 */
int ka_config_test(struct xvsd_conf *c);

#endif /* XVSD_KA_TEST_H */
