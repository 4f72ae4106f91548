// SPDX-License-Identifier: GPL-2.0
/*
 * Restore: ipvsadm's tokenizer, reproduced from the fscanf loop of its
 * config_stream.c (a '#' is an ordinary character there: ipvsadm-restore
 * strips comment lines before -R sees them), and the two ways to run it.
 * Consecutive -a lines of one service go to xvsd as one request
 * (XVS_CMD_ADD_DESTS), each line's error printed as its own request's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "restore.h"

#define RUN_FAILED	255	/* run.c's status of a failed operation */

/* Parsed -a lines of one service waiting to be sent. */
struct batch {
	struct xvs_ctl_svc svc;
	struct xvs_ctl_dest d[XVS_CTL_MAX_DESTS];
	__s32 res[XVS_CTL_MAX_DESTS];
	size_t n;
};

static bool is_sep(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int add_word(struct restore_line *l, const char *w, size_t len)
{
	char **argv = realloc(l->argv, (l->argc + 2) * sizeof(*argv));

	if (!argv)
		return -ENOMEM;
	l->argv = argv;
	argv[l->argc] = strndup(w, len);
	if (!argv[l->argc])
		return -ENOMEM;
	argv[++l->argc] = NULL;
	return 0;
}

void restore_line_free(struct restore_line *l)
{
	int i;

	for (i = 0; i < l->argc; i++)
		free(l->argv[i]);
	free(l->argv);
	l->argv = NULL;
	l->argc = 0;
}

/*
 * A character at a time without stdio's lock (getc_unlocked; this thread
 * alone reads @in): getc's locking was half of a 1M-line restore's time.
 */
int restore_read_line(FILE *in, const char *prog, struct restore_line *l)
{
	char word[4096];
	int c, ntoken = 0;
	size_t n;

	memset(l, 0, sizeof(*l));
	if (add_word(l, prog, strlen(prog)))
		goto nomem;
	while ((c = getc_unlocked(in)) != EOF) {
		if (is_sep(c)) {
			/* no word here: skip blanks up to the newline or a word */
			while (c == ' ' || c == '\t' || c == '\r')
				c = getc_unlocked(in);
			if (c == EOF)
				goto none;
			if (c == '\n')
				return 1;
			ungetc(c, in);
			continue;
		}
		n = 0;
		while (c != EOF && !is_sep(c) && n < sizeof(word)) {
			word[n++] = c;
			c = getc_unlocked(in);
		}
		if (c != EOF && !is_sep(c))
			ungetc(c, in);
		if (n != 7 || memcmp(word, "ipvsadm", 7)) {
			ntoken++;
			if (add_word(l, word, n))
				goto nomem;
		}
		if (c == '\n')
			return 1;
	}
	if (ntoken)
		return 1;
none:
	restore_line_free(l);
	return 0;
nomem:
	restore_line_free(l);
	return -ENOMEM;
}

/*
 * Send the batch; print each failed line's message in line order. Returns
 * the last line's status, or -1 for an empty batch.
 */
static int batch_flush(struct xvsadm_ctx *x, struct batch *b)
{
	int err, result = -1;
	size_t i;

	if (!b->n)
		return -1;
	err = client_add_dests(&x->client, &b->svc, b->d, b->n, b->res);
	for (i = 0; i < b->n; i++) {
		if (err == -EINVAL) {
			/* An xvsd without batches: one request per line. */
			char req[sizeof(b->svc) + sizeof(b->d[0])];

			memcpy(req, &b->svc, sizeof(b->svc));
			memcpy(req + sizeof(b->svc), &b->d[i], sizeof(b->d[i]));
			b->res[i] = client_simple(&x->client, XVS_CMD_ADD_DEST, req, sizeof(req));
		} else if (err) {
			b->res[i] = err;
		}
		result = b->res[i] ? RUN_FAILED : 0;
		if (b->res[i])
			fprintf(x->err, "%s\n", errors_str(OP_ADD_DEST, -b->res[i]));
	}
	b->n = 0;
	return result;
}

/*
 * A line to batch: an -a that parses, once xvsd is connected (the first
 * request connects, with run_line()'s messages if that fails).
 */
static bool batchable(struct xvsadm_ctx *x, const struct restore_line *l,
		      struct xvsadm_cmd *ce)
{
	struct xvsadm_err err;

	return x->client.fd >= 0 && opts_parse(l->argc, l->argv, ce, &err, x->res) == PARSE_OK &&
	       ce->cmd == CMD_ADDDEST;
}

int restore_run(struct xvsadm_ctx *x, FILE *in, bool *stop)
{
	struct restore_line l;
	struct xvsadm_cmd ce;
	struct batch *b;
	int r, f, result = 0;

	b = calloc(1, sizeof(*b));
	if (!b) {
		fprintf(x->err, "%s\n", strerror(ENOMEM));
		*stop = true;
		return 1;
	}
	*stop = false;
	while ((r = restore_read_line(in, x->prog, &l)) > 0) {
		if (l.argc > 1 && batchable(x, &l, &ce)) {
			if (b->n == XVS_CTL_MAX_DESTS ||
			    (b->n && memcmp(&b->svc.id, &ce.svc.id, sizeof(ce.svc.id))))
				batch_flush(x, b);
			b->svc = ce.svc;
			b->d[b->n++] = ce.dest;
		} else if (l.argc > 1) {
			batch_flush(x, b);
			result = run_line(x, l.argc, l.argv, stop);
		}
		restore_line_free(&l);
		if (*stop)
			break;
	}
	f = batch_flush(x, b);
	if (f >= 0)
		result = f;
	free(b);
	if (*stop)
		return result;
	if (r < 0) {
		fprintf(x->err, "%s\n", strerror(-r));
		*stop = true;
		return 1;
	}
	return result;
}

/* Keep the input minus its '#' lines (grep -v '^#' in ipvsadm's script). */
static char *read_uncommented(FILE *in, size_t *len)
{
	char *buf = NULL, *line = NULL;
	size_t cap = 0, lcap = 0;
	FILE *mem = open_memstream(&buf, &cap);
	ssize_t n;

	if (!mem)
		return NULL;
	while ((n = getline(&line, &lcap, in)) > 0)
		if (line[0] != '#')
			fwrite(line, 1, n, mem);
	free(line);
	if (fclose(mem))
		return NULL;
	*len = cap;
	return buf;
}

/* Parse every line without running it: the first that would fail stops everything. */
static int restore_check(struct xvsadm_ctx *x, char *text, size_t len, bool *stop)
{
	FILE *in = len ? fmemopen(text, len, "r") : NULL;
	struct xvsadm_err err;
	struct xvsadm_cmd ce;
	struct restore_line l;
	enum xvsadm_parse r = PARSE_OK;
	int rc;

	if (!in)
		return 0;
	while (r != PARSE_FAIL && r != PARSE_TRYHELP && r != PARSE_POPT &&
	       (rc = restore_read_line(in, x->prog, &l)) > 0) {
		if (l.argc > 1) {
			r = opts_parse(l.argc, l.argv, &ce, &err, x->res);
			if (r == PARSE_OK && ce.cmd == CMD_RESTORE)
				r = PARSE_TRYHELP;
		}
		restore_line_free(&l);
	}
	fclose(in);
	*stop = true;
	switch (r) {
	case PARSE_FAIL:
		fprintf(x->err, "%s\n", err.msg);
		return 2;
	case PARSE_POPT:
		fprintf(x->err, "%s\n", err.msg);
		return 255;
	case PARSE_TRYHELP:
		help_tryhelp(x->err, x->prog);
		return 255;
	default:
		*stop = false;
		return 0;
	}
}

int restore_script(struct xvsadm_ctx *x, FILE *in)
{
	char *flush_argv[] = { (char *)x->prog, "-C", NULL };
	size_t len = 0;
	char *text = read_uncommented(in, &len);
	bool stop = false;
	FILE *mem;
	int r;

	if (!text) {
		fprintf(x->err, "%s\n", strerror(errno));
		return 1;
	}
	r = restore_check(x, text, len, &stop);
	if (!stop)
		r = run_line(x, 2, flush_argv, &stop);
	if (!stop && !r && len) {
		mem = fmemopen(text, len, "r");
		x->reading_stdin = true;
		r = mem ? restore_run(x, mem, &stop) : 1;
		if (mem)
			fclose(mem);
	}
	free(text);
	return r;
}
