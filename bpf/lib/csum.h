/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internet checksum arithmetic on raw (network order) 16-bit words: RFC 1624
 * incremental updates for the XDP rewrite, a bounded full sum for ICMP
 * messages we build or verify, and the pseudo-header sum that tells a
 * CHECKSUM_PARTIAL packet from a complete one.
 */
#ifndef XVS_CSUM_H
#define XVS_CSUM_H

#include <linux/types.h>

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

/* Fold a 32-bit one's complement accumulator into 16 bits (not inverted). */
static __always_inline __u16 csum_fold32(__u32 s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)s;
}

/* Add the two 16-bit halves of a raw 32-bit value to an accumulator. */
static __always_inline __u32 csum_add32(__u32 s, __u32 v)
{
	return s + (v & 0xffff) + (v >> 16);
}

/*
 * RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'), for a 32-bit field change.
 * @check: checksum field as stored; @from, @to: old and new raw field.
 * Returns the new checksum field.
 */
static __always_inline __u16 csum_replace4(__u16 check, __u32 from, __u32 to)
{
	__u32 s = (__u16)~check;

	s = csum_add32(s, ~from);
	s = csum_add32(s, to);
	return (__u16)~csum_fold32(s);
}

/* Same for a 16-bit field. */
static __always_inline __u16 csum_replace2(__u16 check, __u16 from, __u16 to)
{
	__u32 s = (__u16)~check;

	s += (__u16)~from;
	s += to;
	return (__u16)~csum_fold32(s);
}

/*
 * One's complement sum of the pseudo header of a TCP/UDP segment, folded
 * and NOT inverted: exactly what a CHECKSUM_PARTIAL sender leaves in the
 * check field (kernel-facts.md fact 4).
 * @saddr, @daddr: raw addresses; @proto: IPPROTO_*; @l4_len: host order.
 */
static __always_inline __u16 csum_pseudo(__u32 saddr, __u32 daddr, __u8 proto,
					 __u16 l4_len)
{
	__u32 s = 0;

	s = csum_add32(s, saddr);
	s = csum_add32(s, daddr);
	s += __builtin_bswap16(proto);
	s += __builtin_bswap16(l4_len);
	return csum_fold32(s);
}

/* Largest region csum_sum() covers: an ICMP error we build or translate. */
#define CSUM_MAX_LEN	128

/*
 * Folded, not inverted, sum of @len bytes at @p, bounded by @end and by
 * CSUM_MAX_LEN so the verifier sees a fixed trip count. An odd last byte is
 * padded with zero as RFC 1071 says.
 */
static __always_inline __u16 csum_sum(const void *p, const void *end, __u32 len)
{
	const __u8 *b = p;
	__u32 s = 0;
	__u32 i;

	for (i = 0; i < CSUM_MAX_LEN; i += 2) {
		if (i + 1 >= len)
			break;
		if ((const void *)(b + i + 2) > end)
			break;
		s += *(const __u16 *)(b + i);
	}
	if ((len & 1) && len <= CSUM_MAX_LEN) {
		const __u8 *lp = b + len - 1;
		__u8 last[2] = { 0, 0 };

		if ((const void *)(lp + 1) <= end)
			last[0] = *lp;
		s += *(__u16 *)last;
	}
	return csum_fold32(s);
}

#endif /* XVS_CSUM_H */
