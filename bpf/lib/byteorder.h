/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network/host byte order for code built both for BPF and for the host
 * (xvsd, unit tests), where bpf_endian.h and arpa/inet.h are not both at
 * hand. Pure.
 */
#ifndef XVS_BYTEORDER_H
#define XVS_BYTEORDER_H

#include <linux/types.h>

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

static __always_inline __u16 xvs_ntohs(__u16 v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap16(v);
#else
	return v;
#endif
}

static __always_inline __u32 xvs_ntohl(__u32 v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap32(v);
#else
	return v;
#endif
}

/* The same swaps the other way. */
#define xvs_htons(v) xvs_ntohs(v)
#define xvs_htonl(v) xvs_ntohl(v)

#endif /* XVS_BYTEORDER_H */
