/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Growing arrays and buffers: one doubling rule for xvsd's and xvsadm's
 * append-only storage (a listing reply, a restore line's words, batches of
 * keys).
 */
#ifndef XVS_GROW_H
#define XVS_GROW_H

#include <stddef.h>

/*
 * Make the array at *@memp (a pointer to the caller's pointer), of *@cap
 * elements of @size bytes, hold at least @need: doubled from *@cap, or from
 * @first when empty. Returns 0, or -ENOMEM with the array unchanged.
 */
int grow(void *memp, size_t *cap, size_t need, size_t size, size_t first);

#endif /* XVS_GROW_H */
