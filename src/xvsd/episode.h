/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "Once per episode" for a growing counter: xvsd samples a drop counter
 * every tick and should say "table full" when drops start and "over" when
 * they have stopped for a while, not a line per tick or per packet. Pure
 * logic (episode.c), fed by dropwatch.c, tested on its own.
 */
#ifndef XVSD_EPISODE_H
#define XVSD_EPISODE_H

#include <stdbool.h>
#include <linux/types.h>

/* Ticks without growth that end an episode (a short lull is the same one). */
#define EPISODE_QUIET_TICKS	10

struct episode {
	bool primed;		/* a first sample was taken: growth is measured from it */
	bool active;
	__u64 last;		/* the counter at the previous tick */
	__u64 start;		/* the counter when the episode began */
	unsigned int quiet;	/* ticks without growth in this episode */
};

enum episode_event {
	EPISODE_NONE,		/* nothing to say */
	EPISODE_BEGIN,		/* the counter started growing */
	EPISODE_END,		/* it has not grown for EPISODE_QUIET_TICKS ticks */
};

/*
 * One tick's sample of the counter. The first sample only sets the base
 * (what grew before xvsd started is no news). A counter that went back (the
 * datapath was replaced) is a new base, ending an episode without a word.
 */
enum episode_event episode_feed(struct episode *e, __u64 count);

/* Counted in the episode so far (at EPISODE_END: in the whole episode). */
__u64 episode_count(const struct episode *e);

#endif /* XVSD_EPISODE_H */
