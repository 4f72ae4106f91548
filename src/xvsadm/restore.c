// SPDX-License-Identifier: GPL-2.0
/*
 * Restore: ipvsadm's tokenizer, reproduced from the fscanf loop of its
 * config_stream.c (a '#' is an ordinary character there: ipvsadm-restore
 * strips comment lines before -R sees them), and the two ways to run it.
 * Consecutive -A and -a lines go to xvsd in one request (XVS_CMD_MULTI:
 * each -A one XVS_CMD_ADD_SVC, each run of -a lines of one service one
 * XVS_CMD_ADD_DESTS), each line's error printed as its own request's, in
 * line order.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_io.h"
#include "errors.h"
#include "grow.h"
#include "restore.h"

#define RUN_FAILED	255	/* run.c's status of a failed operation */
#define MAX_OPS		4096	/* requests in one XVS_CMD_MULTI */
#define MAX_LINES	8192	/* -a lines in one (a request holds fewer) */

/* A parsed line or run of -a lines waiting to be sent: one request. */
struct op {
	__u16 cmd;		/* XVS_CMD_ADD_SVC or XVS_CMD_ADD_DESTS */
	__s32 status;		/* the request's own */
	struct xvs_ctl_svc svc;
	size_t first, n;	/* ADD_DESTS: its lines d[first .. first + n) */
};

/* Parsed -A and -a lines waiting to go to xvsd in one XVS_CMD_MULTI. */
struct batch {
	struct op ops[MAX_OPS];
	size_t nops;
	struct xvs_ctl_dest d[MAX_LINES];
	__s32 res[MAX_LINES];
	size_t nd;
	size_t bytes;		/* the XVS_CMD_MULTI payload so far */
};

static bool is_sep(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A line's words, each ended by a NUL, before they become an argv. */
struct words {
	char *text;
	size_t len, cap;
	int n;
};

static int add_word(struct words *w, const char *p, size_t len)
{
	if (grow(&w->text, &w->cap, w->len + len + 1, 1, 256))
		return -ENOMEM;
	memcpy(w->text + w->len, p, len);
	w->text[w->len + len] = '\0';
	w->len += len + 1;
	w->n++;
	return 0;
}

/* argv and its strings in one allocation: two per line instead of two per word. */
static int to_argv(const struct words *w, struct restore_line *l)
{
	char **argv = malloc((w->n + 1) * sizeof(*argv) + w->len), *text;
	int i;

	if (!argv)
		return -ENOMEM;
	text = (char *)(argv + w->n + 1);
	memcpy(text, w->text, w->len);
	for (i = 0; i < w->n; i++) {
		argv[i] = text;
		text += strlen(text) + 1;
	}
	argv[w->n] = NULL;
	l->argv = argv;
	l->argc = w->n;
	return 0;
}

void restore_line_free(struct restore_line *l)
{
	free(l->argv);
	l->argv = NULL;
	l->argc = 0;
}

/*
 * A character at a time without stdio's lock (getc_unlocked; this thread
 * alone reads @in): getc's locking was half of a 1M-line restore's time.
 * Returns 1 with @w holding the line's words, 0 at the end, -ENOMEM.
 */
static int read_words(FILE *in, struct words *w)
{
	char word[4096];
	int c, ntoken = 0;
	size_t n;

	while ((c = getc_unlocked(in)) != EOF) {
		if (is_sep(c)) {
			/* no word here: skip blanks up to the newline or a word */
			while (c == ' ' || c == '\t' || c == '\r')
				c = getc_unlocked(in);
			if (c == EOF)
				return 0;
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
			if (add_word(w, word, n))
				return -ENOMEM;
		}
		if (c == '\n')
			return 1;
	}
	return ntoken ? 1 : 0;
}

int restore_read_line(FILE *in, const char *prog, struct restore_line *l)
{
	struct words w = { 0 };
	int r;

	memset(l, 0, sizeof(*l));
	r = add_word(&w, prog, strlen(prog));
	if (!r)
		r = read_words(in, &w);
	if (r == 1 && to_argv(&w, l))
		r = -ENOMEM;
	free(w.text);
	return r;
}

static size_t op_bytes(const struct op *o)
{
	size_t n = o->cmd == XVS_CMD_ADD_DESTS ? o->n : 0;

	return sizeof(struct xvs_ctl_hdr) + sizeof(o->svc) + n * sizeof(struct xvs_ctl_dest);
}

/* The XVS_CMD_MULTI payload: each op as a request frame. */
static char *multi_build(const struct batch *b, size_t *len)
{
	char *req = malloc(b->bytes), *p = req;
	size_t i;

	if (!req)
		return NULL;
	for (i = 0; i < b->nops; i++) {
		const struct op *o = &b->ops[i];
		struct xvs_ctl_hdr h = { .magic = XVS_CTL_MAGIC, .version = XVS_CTL_VERSION,
					 .cmd = o->cmd };

		h.len = op_bytes(o) - sizeof(h);
		memcpy(p, &h, sizeof(h));
		memcpy(p + sizeof(h), &o->svc, sizeof(o->svc));
		if (o->cmd == XVS_CMD_ADD_DESTS)
			memcpy(p + sizeof(h) + sizeof(o->svc), &b->d[o->first],
			       o->n * sizeof(b->d[0]));
		p += op_bytes(o);
	}
	*len = p - req;
	return req;
}

/* Each op's status (and its lines') from the XVS_CMD_MULTI reply. */
static int multi_parse(struct batch *b, const char *reply, size_t len)
{
	size_t i, off = 0;

	for (i = 0; i < b->nops; i++) {
		struct op *o = &b->ops[i];
		struct xvs_ctl_hdr h;
		size_t want;

		if (len - off < sizeof(h))
			return -EBADMSG;
		memcpy(&h, reply + off, sizeof(h));
		off += sizeof(h);
		want = o->cmd == XVS_CMD_ADD_DESTS && !h.status ? o->n * sizeof(__s32) : 0;
		if (h.cmd != o->cmd || h.len != want || len - off < want)
			return -EBADMSG;
		o->status = h.status;
		memcpy(&b->res[o->first], reply + off, want);
		off += want;
	}
	return off == len ? 0 : -EBADMSG;
}

/* One request per op, for an xvsd without XVS_CMD_MULTI. */
static void send_each(struct xvsadm_ctx *x, struct batch *b)
{
	size_t i, j;

	for (i = 0; i < b->nops; i++) {
		struct op *o = &b->ops[i];

		if (o->cmd == XVS_CMD_ADD_SVC) {
			o->status = client_simple(&x->client, XVS_CMD_ADD_SVC, &o->svc,
						  sizeof(o->svc));
			continue;
		}
		o->status = client_add_dests(&x->client, &o->svc, &b->d[o->first], o->n,
					     &b->res[o->first]);
		for (j = o->first; o->status == -EINVAL && j < o->first + o->n; j++) {
			/* An xvsd without batches: one request per line. */
			char req[sizeof(o->svc) + sizeof(b->d[0])];

			memcpy(req, &o->svc, sizeof(o->svc));
			memcpy(req + sizeof(o->svc), &b->d[j], sizeof(b->d[j]));
			b->res[j] = client_simple(&x->client, XVS_CMD_ADD_DEST, req, sizeof(req));
		}
		if (o->status == -EINVAL)
			o->status = 0;
	}
}

/* Send the batch as one XVS_CMD_MULTI; -EINVAL: it could not be built. */
static int batch_send(struct xvsadm_ctx *x, struct batch *b)
{
	size_t len = 0;
	char *req = multi_build(b, &len);
	int err;

	if (!req)
		return -EINVAL;
	err = ctl_send(x->client.fd, XVS_CMD_MULTI, 0, req, len);
	free(req);
	return err;
}

/*
 * Read the sent batch's answer (unless its send failed with @err); print
 * each failed line's message in line order. Returns the last line's status.
 */
static int batch_finish(struct xvsadm_ctx *x, struct batch *b, int err)
{
	struct xvs_ctl_hdr h;
	void *reply = NULL;
	int result = -1;
	size_t i, j;

	if (!err)
		err = ctl_recv(x->client.fd, &h, &reply, SIZE_MAX);
	if (!err && h.cmd != XVS_CMD_MULTI)
		err = -EBADMSG;
	if (!err)
		err = h.status ? h.status : multi_parse(b, reply, h.len);
	free(reply);
	/* An xvsd without XVS_CMD_MULTI ran none of them. */
	if (err == -EINVAL)
		send_each(x, b);
	for (i = 0; i < b->nops; i++) {
		struct op *o = &b->ops[i];

		if (err && err != -EINVAL)
			o->status = err;
		if (o->cmd == XVS_CMD_ADD_SVC) {
			result = o->status ? RUN_FAILED : 0;
			if (o->status)
				fprintf(x->err, "%s\n", errors_str(OP_ADD_SVC, -o->status));
			continue;
		}
		for (j = o->first; j < o->first + o->n; j++) {
			if (o->status)
				b->res[j] = o->status;
			result = b->res[j] ? RUN_FAILED : 0;
			if (b->res[j])
				fprintf(x->err, "%s\n", errors_str(OP_ADD_DEST, -b->res[j]));
		}
	}
	b->nops = 0;
	b->nd = 0;
	b->bytes = 0;
	return result;
}

/*
 * Two batches: lines are parsed into one while xvsd runs the other, whose
 * answer is read just before the next is sent (one request outstanding, so
 * neither side can block the other; messages still in line order).
 */
struct pipe {
	struct batch b[2];
	int fill;		/* the batch lines go to */
	bool sent;		/* b[!fill] is with xvsd */
	int send_err;		/* its send's error */
};

/* The answer to the batch with xvsd, if one is; -1 if none. */
static int pipe_wait(struct xvsadm_ctx *x, struct pipe *p)
{
	if (!p->sent)
		return -1;
	p->sent = false;
	return batch_finish(x, &p->b[!p->fill], p->send_err);
}

/* Send the filling batch, after the answer to the one before (returned). */
static int pipe_send(struct xvsadm_ctx *x, struct pipe *p)
{
	int result = pipe_wait(x, p);

	if (!p->b[p->fill].nops)
		return result;
	p->send_err = batch_send(x, &p->b[p->fill]);
	p->sent = true;
	p->fill = !p->fill;
	return result;
}

/* Everything sent and answered: the last line's status, -1 if none. */
static int pipe_drain(struct xvsadm_ctx *x, struct pipe *p)
{
	int a = pipe_send(x, p), b = pipe_wait(x, p);

	return b >= 0 ? b : a;
}

/*
 * A line to batch: an -A or -a that parses, once xvsd is connected (the
 * first request connects, with run_line()'s messages if that fails).
 */
static bool batchable(struct xvsadm_ctx *x, const struct restore_line *l,
		      struct xvsadm_cmd *ce)
{
	struct xvsadm_err err;

	return x->client.fd >= 0 && opts_parse(l->argc, l->argv, ce, &err, x->res) == PARSE_OK &&
	       (ce->cmd == CMD_ADD || ce->cmd == CMD_ADDDEST);
}

/* Queue @ce's line: a new op, or one more line of the last run of -a. */
static void batch_add(struct xvsadm_ctx *x, struct pipe *p, const struct xvsadm_cmd *ce)
{
	struct batch *b = &p->b[p->fill];
	struct op *last = b->nops ? &b->ops[b->nops - 1] : NULL;
	bool more = ce->cmd == CMD_ADDDEST && last && last->cmd == XVS_CMD_ADD_DESTS &&
		    last->n < XVS_CTL_MAX_DESTS &&
		    !memcmp(&last->svc.id, &ce->svc.id, sizeof(ce->svc.id));
	size_t grow = more ? sizeof(struct xvs_ctl_dest) :
		      sizeof(struct xvs_ctl_hdr) + sizeof(ce->svc) +
		      (ce->cmd == CMD_ADDDEST ? sizeof(struct xvs_ctl_dest) : 0);
	struct op *o;

	if (b->nops == MAX_OPS || b->nd == MAX_LINES || b->bytes + grow > XVS_CTL_MAX_REQ) {
		pipe_send(x, p);
		b = &p->b[p->fill];
		more = false;
		grow = sizeof(struct xvs_ctl_hdr) + sizeof(ce->svc) +
		       (ce->cmd == CMD_ADDDEST ? sizeof(struct xvs_ctl_dest) : 0);
	}
	b->bytes += grow;
	if (ce->cmd == CMD_ADD) {
		o = &b->ops[b->nops++];
		memset(o, 0, sizeof(*o));
		o->cmd = XVS_CMD_ADD_SVC;
		o->svc = ce->svc;
		return;
	}
	if (!more) {
		o = &b->ops[b->nops++];
		memset(o, 0, sizeof(*o));
		o->cmd = XVS_CMD_ADD_DESTS;
		o->svc = ce->svc;
		o->first = b->nd;
	}
	b->d[b->nd++] = ce->dest;
	b->ops[b->nops - 1].n++;
}

int restore_run(struct xvsadm_ctx *x, FILE *in, bool *stop)
{
	struct restore_line l;
	struct xvsadm_cmd ce;
	struct pipe *p;
	int r, f, result = 0;

	p = calloc(1, sizeof(*p));
	if (!p) {
		fprintf(x->err, "%s\n", strerror(ENOMEM));
		*stop = true;
		return 1;
	}
	*stop = false;
	while ((r = restore_read_line(in, x->prog, &l)) > 0) {
		if (l.argc > 1 && batchable(x, &l, &ce)) {
			batch_add(x, p, &ce);
		} else if (l.argc > 1) {
			pipe_drain(x, p);
			result = run_line(x, l.argc, l.argv, stop);
		}
		restore_line_free(&l);
		if (*stop)
			break;
	}
	f = pipe_drain(x, p);
	if (f >= 0)
		result = f;
	free(p);
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
