/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running parsed commands against xvsd and printing what ipvsadm prints,
 * with ipvsadm's exit statuses. xvsadm_main() is the whole program, chosen
 * by the name it is called by (xvsadm/ipvsadm, ipvsadm-save, ipvsadm-restore).
 */
#ifndef XVSADM_RUN_H
#define XVSADM_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "client.h"

struct xvsadm_ctx {
	const char *prog;		/* argv[0], as ipvsadm's messages show it */
	const struct addr_resolver *res;
	FILE *in;			/* -R reads its lines here */
	FILE *out;
	FILE *err;
	struct client client;
	bool reading_stdin;		/* inside -R */
};

/*
 * One command line, as ipvsadm's process_options(): returns the exit status
 * it stands for (0, or 255 when the operation failed). *stop is set when
 * ipvsadm would exit at once with that status (help, parse errors, listing
 * errors, no xvsd), even in the middle of -R.
 */
int run_line(struct xvsadm_ctx *x, int argc, char **argv, bool *stop);

/* The program with its resolver and streams given (tests pass their own). */
int xvsadm_run(int argc, char **argv, const struct addr_resolver *res, FILE *in, FILE *out,
	       FILE *err);

int xvsadm_main(int argc, char **argv);

#endif /* XVSADM_RUN_H */
