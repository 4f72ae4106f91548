// SPDX-License-Identifier: GPL-2.0
/*
 * popt-compatible argv scanner (see scan.h). It follows poptGetNextOpt()
 * step by step for the subset ipvsadm uses: no aliases, no exec, no
 * one-dash long options, every option returning its val.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

int scan_init(struct scan *s, int argc, char **argv, const struct scan_opt *opts)
{
	memset(s, 0, sizeof(*s));
	s->argc = argc;
	s->argv = argv;
	s->opts = opts;
	s->next = 1;
	s->leftovers = calloc(argc > 0 ? argc : 1, sizeof(*s->leftovers));
	return s->leftovers ? 0 : -ENOMEM;
}

void scan_free(struct scan *s)
{
	free(s->leftovers);
	s->leftovers = NULL;
}

static const struct scan_opt *find_long(const struct scan *s, const char *name, size_t len)
{
	const struct scan_opt *o;

	for (o = s->opts; o->val; o++)
		if (o->long_name && strlen(o->long_name) == len && !strncmp(o->long_name, name, len))
			return o;
	return NULL;
}

static const struct scan_opt *find_short(const struct scan *s, char c)
{
	const struct scan_opt *o;

	for (o = s->opts; o->val; o++)
		if (o->short_name && o->short_name == c)
			return o;
	return NULL;
}

/* Take the option's argument from "=value", the cluster's rest or the next word. */
static int take_arg(struct scan *s, const struct scan_opt *o, const char *long_arg)
{
	if (long_arg) {
		s->optarg = long_arg;
		return 0;
	}
	if (s->next_char) {
		s->optarg = s->next_char + (*s->next_char == '=');
		s->next_char = NULL;
		return 0;
	}
	if (s->next == s->argc) {
		if (o->arg != SCAN_ARG_OPTIONAL)
			return SCAN_ERR_NOARG;
		return 0;
	}
	if (o->arg == SCAN_ARG_OPTIONAL && s->argv[s->next][0] == '-')
		return 0;
	s->optarg = s->argv[s->next++];
	return 0;
}

int scan_next(struct scan *s)
{
	const struct scan_opt *o;

	for (;;) {
		const char *long_arg = NULL;

		s->optarg = NULL;
		o = NULL;
		if (!s->next_char && s->next == s->argc)
			return -1;
		if (!s->next_char) {
			const char *word = s->argv[s->next++], *name, *eq;

			if (s->rest_leftover || word[0] != '-' || !word[1]) {
				s->leftovers[s->nleftovers++] = word;
				continue;
			}
			if (word[1] == '-' && !word[2]) {
				s->rest_leftover = true;
				continue;
			}
			if (word[1] != '-') {
				/* no option of ours takes one dash: a short cluster */
				s->next_char = word + 1;
			} else {
				name = word + 2;
				eq = strchr(name, '=');
				if (eq)
					long_arg = eq + 1;
				o = find_long(s, name, eq ? (size_t)(eq - name) : strlen(name));
				if (!o)
					return SCAN_ERR_BADOPT;
			}
		}
		if (s->next_char) {
			const char *c = s->next_char;

			s->next_char = NULL;
			o = find_short(s, *c);
			if (!o)
				return SCAN_ERR_BADOPT;
			if (c[1])
				s->next_char = c + 1;
		}
		if (o->arg == SCAN_ARG_NONE) {
			if (long_arg || (s->next_char && s->next_char[0] == '='))
				return SCAN_ERR_UNWANTEDARG;
		} else {
			int err = take_arg(s, o, long_arg);

			if (err)
				return err;
		}
		return o->val;
	}
}

const char *scan_bad_option(const struct scan *s)
{
	return s->argv[s->next - 1];
}

const char *scan_strerror(int err)
{
	switch (err) {
	case SCAN_ERR_NOARG:
		return "missing argument";
	case SCAN_ERR_UNWANTEDARG:
		return "option does not take an argument";
	case SCAN_ERR_BADOPT:
		return "unknown option";
	}
	return "unknown error";
}

const char *scan_get_arg(struct scan *s)
{
	if (s->next_leftover < s->nleftovers)
		return s->leftovers[s->next_leftover++];
	return NULL;
}
