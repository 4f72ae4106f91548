// SPDX-License-Identifier: GPL-2.0
/*
 * keepalived.conf lexer: words, "quoted strings" and braces with their file
 * and line; '#' and '!' start a comment where a word could start; `include
 * PATTERN...` (glob and brace patterns, relative to the including file's
 * directory) splices the files in where it stands; `@ID` lines count only
 * when ID is the config id and `@^ID` lines only when it is not. keepalived
 * started without -i takes the host name up to its first dot as its id;
 * xvsd has two, that and "xvsd", so `@xvsd` lines are read by xvsd and
 * skipped by keepalived (docs/keepalived.md: lvs_sync_daemon).
 */
#include <errno.h>
#include <glob.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"

#define KA_CONFIG_ID_XVSD	"xvsd"

/* Is @id one of ours: "xvsd", or the host name up to its first dot? */
static bool is_config_id(const char *id)
{
	char host[256];

	if (!strcmp(id, KA_CONFIG_ID_XVSD))
		return true;
	if (gethostname(host, sizeof(host)))
		return false;
	host[sizeof(host) - 1] = '\0';
	host[strcspn(host, ".")] = '\0';
	return host[0] && !strcmp(id, host);
}

static int add_file(struct ka_parser *p, const char *name)
{
	char **f = realloc(p->c->files, (p->c->nfiles + 1) * sizeof(*f));

	if (!f)
		return -ENOMEM;
	p->c->files = f;
	f[p->c->nfiles] = strdup(name);
	if (!f[p->c->nfiles])
		return -ENOMEM;
	return p->c->nfiles++;
}

static int add_tok(struct ka_parser *p, const char *s, size_t len, int file, int line)
{
	if (p->n == p->cap) {
		int cap = p->cap ? p->cap * 2 : 256;
		struct ka_tok *t = realloc(p->t, cap * sizeof(*t));

		if (!t)
			return -ENOMEM;
		p->t = t;
		p->cap = cap;
	}
	p->t[p->n].s = strndup(s, len);
	if (!p->t[p->n].s)
		return -ENOMEM;
	p->t[p->n].file = file;
	p->t[p->n].line = line;
	p->n++;
	return 0;
}

static bool has_glob_chars(const char *s)
{
	return strpbrk(s, "*?[{") != NULL;
}

/* include PATTERN...: each pattern in turn, its matches in glob order. */
static int do_include(struct ka_parser *p, int from, int file, int line, int depth)
{
	char *dircopy = strdup(p->c->files[file]), *dir;
	int ntoks = p->n - from, i, ret = 0;
	char **pats;

	if (!dircopy)
		return -ENOMEM;
	dir = dirname(dircopy);
	/* The include line's tokens were added already: take them back. */
	pats = calloc(ntoks, sizeof(*pats));
	if (!pats) {
		free(dircopy);
		return -ENOMEM;
	}
	for (i = 1; i < ntoks; i++)
		pats[i] = p->t[from + i].s;
	free(p->t[from].s);
	p->n = from;
	for (i = 1; i < ntoks && !ret; i++) {
		struct ka_pos pos = { p->c->files[file], line };
		char path[4096];
		glob_t g;
		size_t k;
		int gr;

		if (pats[i][0] == '/')
			snprintf(path, sizeof(path), "%s", pats[i]);
		else
			snprintf(path, sizeof(path), "%s/%s", dir, pats[i]);
		gr = glob(path, GLOB_BRACE | GLOB_TILDE, NULL, &g);
		if (gr == GLOB_NOMATCH) {
			/* keepalived: a plain name that is missing is worth a word */
			if (!has_glob_chars(pats[i]))
				ka_warn(p, &pos, "Config files missing '%s'.", path);
			continue;
		}
		if (gr) {
			ret = ka_fatal(p, &pos, "include '%s': cannot expand", pats[i]);
			break;
		}
		for (k = 0; k < g.gl_pathc && !ret; k++)
			ret = ka_lex_file(p, g.gl_pathv[k], depth + 1);
		globfree(&g);
	}
	for (i = 1; i < ntoks; i++)
		free(pats[i]);
	free(pats);
	free(dircopy);
	return ret;
}

/* One line: its words appended; an include line replaced by its files. */
static int lex_line(struct ka_parser *p, const char *s, size_t len, int file, int line, int depth)
{
	const char *e = s + len;
	int from = p->n, ret;

	while (s < e) {
		const char *w;

		while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
			s++;
		if (s == e || *s == '#' || *s == '!')
			break;
		if (*s == '{' || *s == '}') {
			ret = add_tok(p, s, 1, file, line);
			if (ret)
				return ret;
			s++;
			continue;
		}
		if (*s == '"') {
			w = ++s;
			while (s < e && *s != '"')
				s++;
			ret = add_tok(p, w, s - w, file, line);
			if (ret)
				return ret;
			if (s < e)
				s++;
			continue;
		}
		w = s;
		while (s < e && *s != ' ' && *s != '\t' && *s != '\r' && *s != '{' && *s != '}')
			s++;
		ret = add_tok(p, w, s - w, file, line);
		if (ret)
			return ret;
	}
	if (p->n == from)
		return 0;
	if (p->t[from].s[0] == '@') {
		bool neg = p->t[from].s[1] == '^';
		bool keep = is_config_id(p->t[from].s + 1 + neg) != neg;
		int i;

		free(p->t[from].s);
		for (i = from + 1; i < p->n; i++)
			p->t[i - 1] = p->t[i];
		p->n--;
		if (!keep) {
			while (p->n > from)
				free(p->t[--p->n].s);
			return 0;
		}
		if (p->n == from)
			return 0;
	}
	if (!strcmp(p->t[from].s, "include")) {
		if (depth >= KA_INCLUDE_DEPTH) {
			struct ka_pos pos = { p->c->files[file], line };

			return ka_fatal(p, &pos, "include nested deeper than %d files (a loop?)",
					KA_INCLUDE_DEPTH);
		}
		return do_include(p, from, file, line, depth);
	}
	return 0;
}

int ka_lex_text(struct ka_parser *p, const char *name, const char *text, int depth)
{
	int file = add_file(p, name), line = 0, ret;

	if (file < 0)
		return file;
	while (*text) {
		size_t n = strcspn(text, "\n");

		line++;
		ret = lex_line(p, text, n, file, line, depth);
		if (ret)
			return ret;
		text += n;
		if (*text)
			text++;
	}
	return 0;
}

int ka_lex_file(struct ka_parser *p, const char *path, int depth)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f, *mem;
	int ret = 0, ch;

	f = fopen(path, "r");
	if (!f) {
		ret = -errno;
		snprintf(p->err, p->errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	mem = open_memstream(&text, &size);
	if (!mem) {
		fclose(f);
		return -ENOMEM;
	}
	while ((ch = getc(f)) != EOF) {
		if (ch == '\0') {
			ret = -EINVAL;
			snprintf(p->err, p->errlen, "%s: not a text file", path);
			break;
		}
		putc(ch, mem);
	}
	if (!ret && ferror(f)) {
		ret = -EIO;
		snprintf(p->err, p->errlen, "%s: read error", path);
	}
	fclose(f);
	fclose(mem);
	if (!ret)
		ret = ka_lex_text(p, path, text, depth);
	free(text);
	return ret;
}
