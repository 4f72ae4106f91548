/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hashes of IPVS's hashing schedulers, shared by the datapath (lookups)
 * and xvsd (tables): hash_32() with GOLDEN_RATIO_32 for sh and dh, and
 * hsiphash() of one u32 with the fixed keys of ip_vs_mh.c for mh. hsiphash
 * is written as the kernel computes it on 64-bit machines (SipHash-1-3 with
 * 64-bit key words, truncated to 32 bits). Pure: host and BPF.
 */
#ifndef XVS_SCHED_HASH_H
#define XVS_SCHED_HASH_H

#include <linux/types.h>
#include <xvs/abi.h>
#include "byteorder.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#define SCHED_GOLDEN_RATIO_32	0x61C88647u

/* Keys of ip_vs_mh.c's generate_hash_secret(): the same on every boot. */
#define SCHED_MH_KEY1		2654435761ull
#define SCHED_MH_KEY2		2654446892ull

/* The kernel's hash_32(): multiplicative hashing, top @bits bits. */
static __always_inline __u32 sched_hash_32(__u32 v, unsigned int bits)
{
	return (v * SCHED_GOLDEN_RATIO_32) >> (32 - bits);
}

static __always_inline __u64 sched_rol64(__u64 v, unsigned int s)
{
	return (v << s) | (v >> (64 - s));
}

#define SCHED_SIPROUND                                                         \
	do {                                                                   \
		v0 += v1;                                                      \
		v1 = sched_rol64(v1, 13);                                      \
		v1 ^= v0;                                                      \
		v0 = sched_rol64(v0, 32);                                      \
		v2 += v3;                                                      \
		v3 = sched_rol64(v3, 16);                                      \
		v3 ^= v2;                                                      \
		v0 += v3;                                                      \
		v3 = sched_rol64(v3, 21);                                      \
		v3 ^= v0;                                                      \
		v2 += v1;                                                      \
		v1 = sched_rol64(v1, 17);                                      \
		v1 ^= v2;                                                      \
		v2 = sched_rol64(v2, 32);                                      \
	} while (0)

/*
 * hsiphash(&v, 4, {key, key}) on a 64-bit kernel: the 4 bytes of @v as
 * memory hold v itself read little-endian, the length byte on top.
 */
static __always_inline __u32 sched_hsiphash_u32(__u32 v, __u64 key)
{
	__u64 v0 = 0x736f6d6570736575ull ^ key;
	__u64 v1 = 0x646f72616e646f6dull ^ key;
	__u64 v2 = 0x6c7967656e657261ull ^ key;
	__u64 v3 = 0x7465646279746573ull ^ key;
	__u64 b = (4ull << 56) | v;

	v3 ^= b;
	SCHED_SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SCHED_SIPROUND;
	SCHED_SIPROUND;
	SCHED_SIPROUND;
	return (__u32)((v0 ^ v1) ^ (v2 ^ v3));
}

/*
 * ip_vs_mh_hashkey(): hsiphash of offset + port + address, all in host
 * order; @addr and @port in network order as they sit in the packet.
 */
static __always_inline __u32 sched_mh_hashkey(__u32 addr, __u16 port, __u64 key,
					      __u32 offset)
{
	return sched_hsiphash_u32(offset + xvs_ntohs(port) + xvs_ntohl(addr), key);
}

/* ip_vs_sh_hashkey(): bucket of address and port (0 unless sh-port). */
static __always_inline __u32 sched_sh_hashkey(__u32 addr, __u16 port, __u32 offset)
{
	return (offset + sched_hash_32(xvs_ntohs(port) + xvs_ntohl(addr), 8)) &
	       (XVS_SH_TAB_SIZE - 1);
}

#endif /* XVS_SCHED_HASH_H */
