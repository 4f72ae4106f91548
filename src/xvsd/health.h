/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `xvsd --check`: is the xvsd on a socket alive? keepalived runs it as a
 * vrrp_script (docs/ha.md), so a director whose xvsd died or hangs goes
 * FAULT and its peer takes the VIP.
 */
#ifndef XVSD_HEALTH_H
#define XVSD_HEALTH_H

/* Milliseconds an answer may take before xvsd counts as hung. */
#define HEALTH_TIMEOUT_MS	1000

/*
 * Ask the xvsd at socket for its info. Returns 0 when it answered in time,
 * else -errno (-ECONNREFUSED/-ENOENT: not running, -EAGAIN: no answer).
 */
int health_check(const char *socket, int timeout_ms);

#endif /* XVSD_HEALTH_H */
