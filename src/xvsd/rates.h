/* SPDX-License-Identifier: GPL-2.0 */
/* The 2 s estimator tick over every service, server and the total. */
#ifndef XVSD_RATES_H
#define XVSD_RATES_H

#include "state.h"

void rates_tick(struct xvsd *st);

#endif /* XVSD_RATES_H */
