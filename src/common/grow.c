// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

int grow(void *memp, size_t *cap, size_t need, size_t size, size_t first)
{
	size_t n = *cap ? *cap : first;
	void *mem;

	if (need <= *cap)
		return 0;
	/* Doubling past this would wrap n or n * size. */
	if (need > SIZE_MAX / 2 / size)
		return -ENOMEM;
	while (n < need)
		n *= 2;
	memcpy(&mem, memp, sizeof(mem));
	mem = realloc(mem, n * size);
	if (!mem)
		return -ENOMEM;
	memcpy(memp, &mem, sizeof(mem));
	*cap = n;
	return 0;
}
