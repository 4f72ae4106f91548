/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generator's frame: Ethernet + IPv4 + UDP + 18 bytes of zeros, the
 * 60-byte minimum Ethernet frame (64 on a wire with the FCS). Shared by
 * gen.bpf.c, which writes it, and xvsgen, which builds the template.
 */
#ifndef XVS_BENCH_GEN_FRAME_H
#define XVS_BENCH_GEN_FRAME_H

#define GEN_FRAME_LEN	60
#define GEN_FRAME_WORDS	8	/* __u64 words holding the template, rounded up */

#endif
