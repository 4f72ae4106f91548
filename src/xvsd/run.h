/* SPDX-License-Identifier: GPL-2.0 */
/* xvsd's running phase: the event loop with the control socket, the 1 s
 * sweeper, the 2 s estimator and the signals that end it. */
#ifndef XVSD_RUN_H
#define XVSD_RUN_H

#include "state.h"

/*
 * Serve until SIGTERM or SIGINT; metrics_fd (-1: none) is the Prometheus
 * endpoint's listening socket, closed on return. Returns 0 or -errno.
 */
int run_loop(struct xvsd *st, int listen_fd, int metrics_fd);

#endif /* XVSD_RUN_H */
