/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the keepalived.conf parser: the token stream the lexer makes (with
 * includes already spliced in) and the helpers every block parser shares.
 * Grammar, as keepalived's: a statement is a keyword and the rest of its
 * line; a '{' after it (same or next line) opens its block, '}' closes it.
 */
#ifndef XVSD_KACONF_PARSE_H
#define XVSD_KACONF_PARSE_H

#include "kaconf.h"

#define KA_MAX_ARGS		64	/* tokens of one statement */
#define KA_INCLUDE_DEPTH	8

struct ka_tok {
	char *s;
	int file;		/* index into ka_conf.files */
	int line;
};

struct ka_parser {
	struct ka_conf *c;
	struct ka_tok *t;
	int n, cap;
	int i;			/* next token */
	char *err;		/* fatal error message */
	size_t errlen;
};

/* One statement: argv[0] is the keyword. */
struct ka_stmt {
	int argc;
	const char *argv[KA_MAX_ARGS];
	struct ka_pos pos;
	bool block;		/* followed by '{' (consumed) */
};

/* Keyword table of a block. */
struct ka_kw {
	const char *name;
	/* 0, or -errno for a fatal error; obj is the block's object. */
	int (*fn)(struct ka_parser *p, struct ka_stmt *s, void *obj);
};

/* lexer.c: tokens of a file (and its includes) appended to p. */
int ka_lex_file(struct ka_parser *p, const char *path, int depth);
int ka_lex_text(struct ka_parser *p, const char *name, const char *text, int depth);

/* parse.c */
void ka_warn(struct ka_parser *p, const struct ka_pos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int ka_fatal(struct ka_parser *p, const struct ka_pos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Parse statements up to the matching '}' (the '{' already consumed). Keywords
 * not in kw warn "Unknown keyword" and their blocks are skipped. */
int ka_block(struct ka_parser *p, const struct ka_kw *kw, void *obj);
/* Skip a block whose '{' was consumed. */
int ka_skip_block(struct ka_parser *p, const struct ka_pos *pos);
/* Statements of a block, each taken as a list of words (virtual_ipaddress,
 * group members): fn gets every statement. */
int ka_block_lines(struct ka_parser *p, const struct ka_pos *pos,
		   int (*fn)(struct ka_parser *p, struct ka_stmt *s, void *obj), void *obj);
/* The keyword wants a block: warn and skip when it has none. */
bool ka_want_block(struct ka_parser *p, struct ka_stmt *s);
/* The keyword takes at least n arguments: warn when missing. */
bool ka_want_args(struct ka_parser *p, struct ka_stmt *s, int n);

/* Values. Each warns (keepalived's wording) and returns false on a bad one. */
bool ka_get_uint(struct ka_parser *p, struct ka_stmt *s, const char *str, __u64 min, __u64 max,
		 __u64 *out);
bool ka_get_timer(struct ka_parser *p, struct ka_stmt *s, const char *str, __u64 *ms);
bool ka_get_bool(struct ka_parser *p, struct ka_stmt *s, bool *out);	/* no arg: true */
/* delay_loop, connect_timeout, delay_before_retry or warmup into @t, its KA_SET_* bit into @set. */
void ka_get_timers(struct ka_parser *p, struct ka_stmt *s, struct ka_timers *t, unsigned int *set);
/* retry (or its old name nb_get_retry) into @t, KA_SET_RETRY into @set. */
void ka_get_retry(struct ka_parser *p, struct ka_stmt *s, struct ka_timers *t, unsigned int *set);
bool ka_get_ipv4(const char *str, __u32 *addr);
bool ka_get_port(struct ka_parser *p, struct ka_stmt *s, const char *str, __u16 *port);
char *ka_strdup_args(struct ka_stmt *s, int from);	/* args joined by spaces */
void ka_set_str(char **dst, const char *src);

/* parse_syncd.c: global_defs' lvs_sync_daemon into the struct ka_global obj. */
int ka_parse_lvs_syncd(struct ka_parser *p, struct ka_stmt *s, void *obj);
/* Once the whole file is read: its VRRP instance, the syncid's default. */
void ka_resolve_syncd(struct ka_parser *p);

/* parse_vs.c / parse_check.c */
int ka_parse_vs(struct ka_parser *p, struct ka_stmt *s, void *obj);
int ka_parse_vsg(struct ka_parser *p, struct ka_stmt *s, void *obj);
int ka_parse_check(struct ka_parser *p, struct ka_stmt *s, struct ka_rs *rs,
		   enum ka_check_type type);

/* resolve.c: defaults and inheritance once a virtual_server block closed. */
void ka_resolve_vs(struct ka_parser *p, struct ka_vs *vs);

/* model.c */
void ka_free_vs(struct ka_vs *vs);
void ka_free_rs(struct ka_rs *rs);	/* one, not its successors */

#endif /* XVSD_KACONF_PARSE_H */
