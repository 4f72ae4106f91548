/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An argv scanner with popt 1.19's rules, so xvsadm accepts and rejects
 * exactly what ipvsadm (built with popt) does: "-Lnc" clusters, "--name",
 * "--name=value", "-svalue" and "-s value", optional arguments taken only
 * when the next word does not start with '-', "--" ending the options,
 * non-option words kept as leftovers in order, and popt's error codes,
 * texts and "bad option" word.
 */
#ifndef XVSADM_SCAN_H
#define XVSADM_SCAN_H

#include <stdbool.h>

enum scan_arg {
	SCAN_ARG_NONE = 0,
	SCAN_ARG_STRING,
	SCAN_ARG_OPTIONAL,	/* string, may be absent */
};

/* popt's error codes (POPT_ERROR_*), returned by scan_next(). */
#define SCAN_ERR_NOARG		-10
#define SCAN_ERR_BADOPT		-11
#define SCAN_ERR_UNWANTEDARG	-12

struct scan_opt {
	const char *long_name;	/* NULL: short only */
	char short_name;	/* 0: long only */
	enum scan_arg arg;
	int val;		/* > 0, returned by scan_next() */
};

struct scan {
	int argc;
	char **argv;
	const struct scan_opt *opts;	/* ends with a zeroed entry */
	int next;			/* next argv word */
	const char *next_char;		/* rest of a short option cluster */
	bool rest_leftover;		/* after "--" */
	const char *optarg;		/* argument of the last option, or NULL */
	const char **leftovers;
	int nleftovers, next_leftover;
};

/* Start scanning argv[1..argc-1]. Returns 0 or -ENOMEM. */
int scan_init(struct scan *s, int argc, char **argv, const struct scan_opt *opts);
void scan_free(struct scan *s);

/* Next option's val; -1 at the end; SCAN_ERR_* on error. Sets s->optarg. */
int scan_next(struct scan *s);

/* The word popt names in errors: the argv word consumed last. */
const char *scan_bad_option(const struct scan *s);

/* popt's text for an error code. */
const char *scan_strerror(int err);

/* Next leftover (non-option) word, or NULL. */
const char *scan_get_arg(struct scan *s);

#endif /* XVSADM_SCAN_H */
