/* SPDX-License-Identifier: GPL-2.0 */
/* xvsgen's generator and sink counters (gen_tx.c); usage in xvsgen.c. */
#ifndef XVS_BENCH_GEN_TX_H
#define XVS_BENCH_GEN_TX_H

#include <linux/types.h>

int usage_error(void);
int sink_count(char **pins, int n, __u64 *sum);
int cmd_tx(int argc, char **argv);

#endif
