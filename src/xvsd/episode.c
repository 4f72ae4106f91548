// SPDX-License-Identifier: GPL-2.0
/* Episodes of a growing counter: begin at growth, end after a quiet spell. */
#include "episode.h"

enum episode_event episode_feed(struct episode *e, __u64 count)
{
	__u64 prev = e->last;
	bool grew = count > prev;

	if (!e->primed || count < prev) {
		e->primed = true;
		e->active = false;
		e->last = count;
		return EPISODE_NONE;
	}
	e->last = count;
	if (!e->active) {
		if (!grew)
			return EPISODE_NONE;
		e->active = true;
		e->start = prev;
		e->quiet = 0;
		return EPISODE_BEGIN;
	}
	if (grew) {
		e->quiet = 0;
		return EPISODE_NONE;
	}
	if (++e->quiet < EPISODE_QUIET_TICKS)
		return EPISODE_NONE;
	e->active = false;
	return EPISODE_END;
}

__u64 episode_count(const struct episode *e)
{
	return e->last - e->start;
}
