/* SPDX-License-Identifier: GPL-2.0 */
/* Checks of the host before xvsd touches anything: privileges, interfaces,
 * IP forwarding. Each prints what is wrong and how to fix it. */
#ifndef XVSD_HOSTCHECK_H
#define XVSD_HOSTCHECK_H

#include "config.h"

int hostcheck_root(void);
int hostcheck_ifaces(const struct xvsd_conf *c);
int hostcheck_forwarding(const struct xvsd_conf *c);

#endif /* XVSD_HOSTCHECK_H */
