// SPDX-License-Identifier: GPL-2.0
/*
 * Executing ipvsadm commands against xvsd (ipvsadm's process_options() and
 * list_*() drivers) and the program's entry point. Exit statuses follow
 * ipvsadm: 0 ok, 2 usage errors and no xvsd, 255 failed operations and
 * option errors, 1 failed listings.
 */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_io.h"
#include "errors.h"
#include "json.h"
#include "mark.h"
#include "restore.h"

#define RUN_FAILED	255

/* Connect on first use; without xvsd ipvsadm's "Can't initialize" exit applies. */
static int need_xvsd(struct xvsadm_ctx *x, bool *stop)
{
	int err = client_init(&x->client);

	if (!err)
		return 0;
	fprintf(x->err, "Can't initialize ipvs: %s\n"
		"Are you sure that xvsd is running and listening on %s?\n",
		errors_str(OP_OTHER, -err), x->client.path);
	*stop = true;
	return 2;
}

static int op_failed(struct xvsadm_ctx *x, enum xvsadm_op op, int err)
{
	fprintf(x->err, "%s\n", errors_str(op, -err));
	return RUN_FAILED;
}

/* A listing that cannot be read ends the program with status 1, as in ipvsadm. */
static int list_failed(struct xvsadm_ctx *x, enum xvsadm_op op, int err, bool *stop)
{
	fprintf(x->err, "%s\n", errors_str(op, -err));
	*stop = true;
	return 1;
}

static int list_all(struct xvsadm_ctx *x, unsigned int format, bool *stop)
{
	struct svc_list l;
	size_t i;
	int err;

	if (!(format & (FMT_RULE | FMT_JSON)))
		list_banner(x->out, &x->client.info);
	err = client_list(&x->client, NULL, &l);
	if (err)
		return list_failed(x, OP_GET_SERVICES, err, stop);
	if (!(format & FMT_NOSORT))
		list_sort(&l);
	if (format & FMT_JSON) {
		json_services(x->out, &x->client.info, &l);
		svc_list_free(&l);
		return 0;
	}
	list_title(x->out, format);
	for (i = 0; i < l.n; i++) {
		if (format & FMT_RULE)
			save_service(x->out, &l.svcs[i], format, x->res);
		else
			list_service(x->out, &l.svcs[i], format, x->res);
	}
	svc_list_free(&l);
	return 0;
}

static int list_one(struct xvsadm_ctx *x, const struct xvsadm_cmd *ce, bool *stop)
{
	struct svc_list l;
	int err;

	err = client_list(&x->client, &ce->svc, &l);
	if (err)
		return list_failed(x, OP_GET_SERVICE, err, stop);
	if (!(ce->format & FMT_NOSORT))
		list_sort_dests(&l.svcs[0]);
	if (ce->format & FMT_JSON) {
		json_services(x->out, &x->client.info, &l);
		svc_list_free(&l);
		return 0;
	}
	list_title(x->out, ce->format);
	list_service(x->out, &l.svcs[0], ce->format, x->res);
	svc_list_free(&l);
	return 0;
}

static int list_conns(struct xvsadm_ctx *x, unsigned int format, bool *stop)
{
	struct xvs_ctl_conn *conns;
	size_t i, n;
	int err;

	err = client_list_conn(&x->client, &conns, &n);
	if (err)
		return list_failed(x, OP_OTHER, err, stop);
	if (format & FMT_JSON) {
		json_conns(x->out, conns, n);
		free(conns);
		return 0;
	}
	list_conn_title(x->out, format);
	for (i = 0; i < n; i++)
		list_conn(x->out, &conns[i], format, x->res);
	free(conns);
	return 0;
}

static int run_list(struct xvsadm_ctx *x, const struct xvsadm_cmd *ce, bool *stop)
{
	struct xvs_ctl_daemon d[2];
	struct xvs_ctl_timeout t;
	size_t n;
	int err;

	if (ce->options & OPT(OPTC_CONNECTION))
		return list_conns(x, ce->format, stop);
	if (ce->options & OPT(OPTC_SERVICE))
		return list_one(x, ce, stop);
	if (ce->options & OPT(OPTC_TIMEOUT)) {
		err = client_get_timeout(&x->client, &t);
		if (err)
			return list_failed(x, OP_OTHER, err, stop);
		if (ce->format & FMT_JSON)
			json_timeout(x->out, &t);
		else
			list_timeout(x->out, &t);
		return 0;
	}
	if (ce->options & OPT(OPTC_DAEMON)) {
		err = client_list_daemon(&x->client, d, &n);
		if (err)
			return list_failed(x, OP_OTHER, err, stop);
		if (ce->format & FMT_JSON)
			json_daemons(x->out, d, n);
		else
			list_daemons(x->out, d, n);
		return 0;
	}
	return list_all(x, ce->format, stop);
}

/* Requests carrying the service, or the service and the server. */
static int run_svc_op(struct xvsadm_ctx *x, const struct xvsadm_cmd *ce, __u16 cmd,
		      enum xvsadm_op op, bool with_dest)
{
	char req[sizeof(ce->svc) + sizeof(ce->dest)];
	size_t len = sizeof(ce->svc);
	int err;

	memcpy(req, &ce->svc, sizeof(ce->svc));
	if (with_dest) {
		memcpy(req + len, &ce->dest, sizeof(ce->dest));
		len += sizeof(ce->dest);
	}
	err = client_simple(&x->client, cmd, req, len);
	return err ? op_failed(x, op, err) : 0;
}

static int run_command(struct xvsadm_ctx *x, struct xvsadm_cmd *ce, bool *stop)
{
	bool zero_one = ce->options & OPT(OPTC_SERVICE);
	int err;

	if (ce->cmd == CMD_RESTORE) {
		if (x->reading_stdin) {
			/* ipvsadm's guard against a -R line inside -R */
			help_tryhelp(x->err, x->prog);
			*stop = true;
			return RUN_FAILED;
		}
		x->reading_stdin = true;
		return restore_run(x, x->in, stop);
	}
	err = need_xvsd(x, stop);
	if (err)
		return err;
	switch (ce->cmd) {
	case CMD_LIST:
		return run_list(x, ce, stop);
	case CMD_SAVE:
		return list_all(x, ce->format | FMT_RULE, stop);
	case CMD_FLUSH:
		err = client_simple(&x->client, XVS_CMD_FLUSH, NULL, 0);
		return err ? op_failed(x, OP_OTHER, err) : 0;
	case CMD_ADD:
		return run_svc_op(x, ce, XVS_CMD_ADD_SVC, OP_ADD_SVC, false);
	case CMD_EDIT:
		return run_svc_op(x, ce, XVS_CMD_EDIT_SVC, OP_EDIT_SVC, false);
	case CMD_DEL:
		return run_svc_op(x, ce, XVS_CMD_DEL_SVC, OP_DEL_SVC, false);
	case CMD_ADDDEST:
		return run_svc_op(x, ce, XVS_CMD_ADD_DEST, OP_ADD_DEST, true);
	case CMD_EDITDEST:
		return run_svc_op(x, ce, XVS_CMD_EDIT_DEST, OP_EDIT_DEST, true);
	case CMD_DELDEST:
		return run_svc_op(x, ce, XVS_CMD_DEL_DEST, OP_DEL_DEST, true);
	case CMD_ZERO:
		err = client_simple(&x->client, XVS_CMD_ZERO, zero_one ? &ce->svc : NULL,
				    zero_one ? sizeof(ce->svc) : 0);
		return err ? op_failed(x, OP_ZERO, err) : 0;
	case CMD_TIMEOUT:
		err = client_simple(&x->client, XVS_CMD_SET_TIMEOUT, &ce->timeout,
				    sizeof(ce->timeout));
		return err ? op_failed(x, OP_OTHER, err) : 0;
	case CMD_STARTDAEMON:
		err = client_simple(&x->client, XVS_CMD_START_DAEMON, &ce->daemon,
				    sizeof(ce->daemon));
		return err ? op_failed(x, OP_START_DAEMON, err) : 0;
	case CMD_STOPDAEMON:
		err = client_simple(&x->client, XVS_CMD_STOP_DAEMON, &ce->daemon,
				    sizeof(ce->daemon));
		return err ? op_failed(x, OP_STOP_DAEMON, err) : 0;
	}
	return RUN_FAILED;
}

int run_line(struct xvsadm_ctx *x, int argc, char **argv, bool *stop)
{
	struct xvsadm_cmd ce;
	struct xvsadm_err err;

	*stop = false;
	switch (opts_parse(argc, argv, &ce, &err, x->res)) {
	case PARSE_OK:
		return run_command(x, &ce, stop);
	case PARSE_HELP:
		help_usage(x->out, argv[0]);
		*stop = true;
		return 0;
	case PARSE_VERSION:
		help_version(x->out);
		*stop = true;
		return 0;
	case PARSE_TRYHELP:
		help_tryhelp(x->err, argv[0]);
		*stop = true;
		return RUN_FAILED;
	case PARSE_FAIL:
		fprintf(x->err, "%s\n", err.msg);
		*stop = true;
		return 2;
	case PARSE_POPT:
		fprintf(x->err, "%s\n", err.msg);
		return RUN_FAILED;
	}
	return RUN_FAILED;
}

int xvsadm_run(int argc, char **argv, const struct addr_resolver *res, FILE *in, FILE *out,
	       FILE *err)
{
	char *name = strdup(argv[0] ? argv[0] : "xvsadm");
	struct xvsadm_ctx x = {
		.prog = argv[0] ? argv[0] : "xvsadm",
		.res = res,
		.in = in,
		.out = out,
		.err = err,
	};
	const char *base = name ? basename(name) : "xvsadm";
	char *list_argv[] = { (char *)x.prog, "-L", NULL };
	char **sargv = NULL;
	bool stop = false;
	int r, i;

	client_setup(&x.client, ctl_socket_path());
	if (!strcmp(base, "ipvsadm-restore")) {
		/* the Debian script runs "ipvsadm -C" and "ipvsadm -R" */
		x.prog = "ipvsadm";
		r = restore_script(&x, in);
	} else if (!strcmp(base, "ipvsadm-save")) {
		/* the script runs "ipvsadm -S" with the arguments it was given */
		sargv = calloc(argc + 2, sizeof(*sargv));
		if (!sargv) {
			fprintf(err, "%s\n", strerror(ENOMEM));
			free(name);
			return 1;
		}
		x.prog = sargv[0] = "ipvsadm";
		sargv[1] = "-S";
		for (i = 1; i < argc; i++)
			sargv[i + 1] = argv[i];
		r = run_line(&x, argc + 1, sargv, &stop);
	} else if (argc > 1 && !strcmp(argv[1], "mark")) {
		/* xvs's own mark rules (docs/fwmark.md) */
		r = mark_run(&x, argc - 1, argv + 1);
	} else if (argc == 1) {
		/* bare ipvsadm lists the table, resolving names */
		r = run_line(&x, 2, list_argv, &stop);
	} else {
		r = run_line(&x, argc, argv, &stop);
	}
	fflush(out);
	client_close(&x.client);
	free(sargv);
	free(name);
	return r;
}

int xvsadm_main(int argc, char **argv)
{
	return xvsadm_run(argc, argv, &addr_resolver_libc, stdin, stdout, stderr);
}
