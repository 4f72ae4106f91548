/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -R and ipvsadm-restore: ipvsadm's line tokenizer (config_stream_read)
 * and the per-line loop over one control connection.
 */
#ifndef XVSADM_RESTORE_H
#define XVSADM_RESTORE_H

#include <stdio.h>

#include "run.h"

struct restore_line {
	int argc;
	char **argv;		/* argv[0] = the program name */
};

/*
 * Read the next line's words as ipvsadm does: split on space, tab, CR;
 * drop every word "ipvsadm"; a line cut by the end of input after
 * whitespace is lost. Returns 1 (a line, possibly with argc 1), 0 at the
 * end, -ENOMEM.
 */
int restore_read_line(FILE *in, const char *prog, struct restore_line *l);
void restore_line_free(struct restore_line *l);

/* ipvsadm -R: run every line; the status is the last line's. */
int restore_run(struct xvsadm_ctx *x, FILE *in, bool *stop);

/*
 * ipvsadm-restore: drop lines starting with '#', check every line parses,
 * then flush and restore. A line that does not parse changes nothing.
 */
int restore_script(struct xvsadm_ctx *x, FILE *in);

#endif /* XVSADM_RESTORE_H */
