// SPDX-License-Identifier: GPL-2.0
/*
 * Restore and the control path against a fake xvsd: ipvsadm's -R tokenizer,
 * -R over one connection, the ipvsadm-restore script (comments, flush, a
 * bad line changes nothing), the -S | -R round trip, and each -errno reply
 * turned into ipvsadm's message and exit status.
 */
#include "xvsadm_test.h"
#include "xvsadm/restore.h"

static void test_tokenizer(void **state)
{
	static const struct {
		const char *in;
		const char *lines;	/* words joined by '|', lines by '/'; "" for an empty line */
	} rows[] = {
		{ "-A -t 1.2.3.4:80 -s rr\n", "-A|-t|1.2.3.4:80|-s|rr" },
		{ "ipvsadm -C\n\n  \t\n-L -n", "-C///-L|-n" },
		{ "a\tb\r\nc", "a|b/c" },
		{ "# comment -C\n", "#|comment|-C" },
		{ "-C   ", "" },	/* trailing blanks cut by the end: ipvsadm loses the line */
		{ "ipvsadm\n", "" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		FILE *in = fmemopen((void *)rows[i].in, strlen(rows[i].in), "r");
		char got[256] = "";
		struct restore_line l;
		int j, first = 1;

		while (restore_read_line(in, "ipvsadm", &l) > 0) {
			if (!first)
				strcat(got, "/");
			first = 0;
			for (j = 1; j < l.argc; j++) {
				strcat(got, l.argv[j]);
				if (j + 1 < l.argc)
					strcat(got, "|");
			}
			assert_string_equal(l.argv[0], "ipvsadm");
			restore_line_free(&l);
		}
		fclose(in);
		print_message("tokenize %zu\n", i);
		assert_string_equal(got, rows[i].lines);
	}
}

struct result {
	int rc;
	char *out, *err;
};

static struct result run(const char *prog, const char *args, const char *input)
{
	char *argv[32], *copy = strdup(args), *save = NULL, *w;
	size_t olen = 0, elen = 0;
	struct result r = { 0 };
	FILE *fo = open_memstream(&r.out, &olen), *fe = open_memstream(&r.err, &elen);
	FILE *in = *input ? fmemopen((void *)input, strlen(input), "r") : fopen("/dev/null", "r");
	int argc = 0;

	argv[argc++] = (char *)prog;
	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	r.rc = xvsadm_run(argc, argv, &test_resolver, in, fo, fe);
	fclose(in);
	fclose(fo);
	fclose(fe);
	free(copy);
	return r;
}

static void result_free(struct result *r)
{
	free(r->out);
	free(r->err);
}

static const char rules[] =
	"-A -t 192.168.1.200:80 -s rr -p 300\n"
	"-a -t 192.168.1.200:80 -r 10.0.0.2:80 -m -w 2\n"
	"-a -t 192.168.1.200:80 -r 10.0.0.3:8080 -m -w 1\n"
	"-A -u 192.168.1.200:53 -s wlc\n"
	"-a -u 192.168.1.200:53 -r 10.0.0.2:53 -m -w 1\n";

static struct fake_xvsd fake;

static int setup(void **state)
{
	struct fake_state init = { .timeout = { 900, 120, 300 } };

	(void)state;
	fake_start(&fake, &init);
	setenv("XVS_SOCKET", fake.path, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_stop(&fake);
	return 0;
}

static char *strip_nul(const char *s)
{
	return strdup(s);
}

static void test_restore_one_connection(void **state)
{
	struct result r;

	(void)state;
	fake_drain_reports(&fake);
	r = run("ipvsadm", "-R", rules);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.err, "");
	/* GET_INFO, the first -A (it connects), the other lines as one request */
	assert_int_equal(fake_last_conn_requests(&fake), 3);
	result_free(&r);

	r = run("ipvsadm", "-S -n", "");
	expect_text("-S -n after -R", rules, strlen(rules), r.out, strlen(r.out));
	result_free(&r);

	/* round trip: restoring what -S wrote gives the same -S */
	r = run("ipvsadm", "-C", "");
	result_free(&r);
	r = run("ipvsadm", "-R", rules);
	result_free(&r);
	r = run("ipvsadm-save", "-n", "");
	expect_text("ipvsadm-save -n", rules, strlen(rules), r.out, strlen(r.out));
	assert_int_equal(r.rc, 0);
	result_free(&r);
}

static void test_restore_errors(void **state)
{
	struct result r;
	char *before;

	(void)state;
	r = run("ipvsadm", "-S -n", "");
	before = strip_nul(r.out);
	result_free(&r);

	/* a kernel error on a line is printed and the next lines still run; status of the last */
	r = run("ipvsadm", "-R", "-A -t 192.168.1.200:80 -s rr\n-A -t 10.9.9.9:80 -s rr\n");
	assert_string_equal(r.err, "Service already exists\n");
	assert_int_equal(r.rc, 0);
	result_free(&r);
	r = run("ipvsadm", "-D -t 10.9.9.9:80", "");
	assert_int_equal(r.rc, 0);
	result_free(&r);

	/* -R inside -R, as ipvsadm: the "Try" line and 255 */
	r = run("ipvsadm", "-R", "-R\n");
	assert_string_equal(r.err, "Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n");
	assert_int_equal(r.rc, 255);
	result_free(&r);

	/* ipvsadm-restore: a bad line anywhere changes nothing (no flush) */
	r = run("ipvsadm-restore", "", "# saved\n-A -t 10.1.1.1:80 -s rr\n-A -t bad\n");
	assert_string_equal(r.err, "illegal virtual server address[:port] specified\n");
	assert_int_equal(r.rc, 2);
	result_free(&r);
	r = run("ipvsadm", "-S -n", "");
	assert_string_equal(r.out, before);
	result_free(&r);

	/* ipvsadm-restore: comments dropped, table flushed, rules applied */
	r = run("ipvsadm-restore", "", "# ipvsadm.rules\n-A -t 10.1.1.1:80 -s wrr\n");
	assert_string_equal(r.err, "");
	assert_int_equal(r.rc, 0);
	result_free(&r);
	r = run("ipvsadm", "-S -n", "");
	assert_string_equal(r.out, "-A -t 10.1.1.1:80 -s wrr\n");
	result_free(&r);
	free(before);
}

static void test_errno_replies(void **state)
{
	static const struct {
		const char *args;
		int rc;
		const char *err;
	} rows[] = {
		{ "-C", 0, "" },
		{ "-A -t 10.0.0.1:80 -s rr", 0, "" },
		{ "-A -t 10.0.0.1:80 -s rr", 255, "Service already exists\n" },
		{ "-A -t 10.0.0.1:81 -s twos", 255, "Scheduler or persistence engine not found\n" },
		{ "-E -t 10.0.0.1:81 -s rr", 255, "No such service\n" },
		{ "-E -t 10.0.0.1:80 -s nope", 255, "Scheduler or persistence engine not found\n" },
		{ "-D -t 10.0.0.1:81", 255, "No such service\n" },
		{ "-Z -t 10.0.0.1:81", 255, "No such service\n" },
		{ "-a -t 10.0.0.1:81 -r 10.0.0.2 -m", 255, "Service not defined\n" },
		{ "-a -t 10.0.0.1:80 -r 10.0.0.2 -m", 0, "" },
		{ "-a -t 10.0.0.1:80 -r 10.0.0.2 -m", 255, "Destination already exists\n" },
		{ "-a -t 10.0.0.1:80 -r 10.0.0.3 -m -y 10", 255, "Numerical result out of range\n" },
		{ "-e -t 10.0.0.1:80 -r 10.0.0.9 -m", 255, "No such destination\n" },
		{ "-e -t 10.0.0.1:81 -r 10.0.0.2 -m", 255, "Service not defined\n" },
		{ "-d -t 10.0.0.1:80 -r 10.0.0.9", 255, "No such destination\n" },
		{ "-d -t 10.0.0.1:81 -r 10.0.0.2", 255, "Service not defined\n" },
		{ "-L -n -t 10.0.0.1:81", 1, "No such service\n" },
		{ "-L --daemon", 0, "" },
		{ "--start-daemon master --syncid 3", 0, "" },
		{ "--start-daemon master --mcast-interface eth1", 255, "Daemon has already run\n" },
		{ "--stop-daemon backup", 255, "No daemon is running\n" },
		{ "--stop-daemon master", 0, "" },
		{ "--stop-daemon master", 255, "No daemon is running\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct result r = run("ipvsadm", rows[i].args, "");

		print_message("ipvsadm %s\n", rows[i].args);
		assert_string_equal(r.err, rows[i].err);
		assert_int_equal(r.rc, rows[i].rc);
		result_free(&r);
	}
}

/* -L --daemon prints ipvsadm's line per daemon, the options given and no others. */
static void test_daemons(void **state)
{
	struct result r;

	(void)state;
	r = run("ipvsadm", "--start-daemon master --mcast-interface eth1 --syncid 7", "");
	assert_int_equal(r.rc, 0);
	result_free(&r);
	r = run("ipvsadm", "--start-daemon backup --mcast-interface eth2 --mcast-group 224.0.0.99 "
		"--mcast-port 8849 --mcast-ttl 2 --sync-maxlen 1000", "");
	assert_int_equal(r.rc, 0);
	result_free(&r);
	r = run("ipvsadm", "-L --daemon", "");
	assert_string_equal(r.out, "master sync daemon (mcast=eth1, syncid=7)\n"
			    "backup sync daemon (mcast=eth2, syncid=0, maxlen=1000, "
			    "group=224.0.0.99, port=8849, ttl=2)\n");
	assert_int_equal(r.rc, 0);
	result_free(&r);
	r = run("ipvsadm", "-L --daemon -j", "");
	assert_string_equal(r.out, "{\"daemons\":[{\"state\":\"master\",\"mcast_interface\":\"eth1\","
			    "\"syncid\":7,\"mcast_group\":\"0.0.0.0\",\"mcast_port\":0,"
			    "\"mcast_ttl\":0,\"sync_maxlen\":0},{\"state\":\"backup\","
			    "\"mcast_interface\":\"eth2\",\"syncid\":0,\"mcast_group\":\"224.0.0.99\","
			    "\"mcast_port\":8849,\"mcast_ttl\":2,\"sync_maxlen\":1000}]}\n");
	result_free(&r);
	r = run("ipvsadm", "--stop-daemon master", "");
	assert_int_equal(r.rc, 0);
	result_free(&r);
	r = run("ipvsadm", "--stop-daemon backup", "");
	assert_int_equal(r.rc, 0);
	result_free(&r);
	r = run("ipvsadm", "-L --daemon", "");
	assert_string_equal(r.out, "");
	result_free(&r);
}

static void test_list_one(void **state)
{
	struct result r;

	(void)state;
	r = run("ipvsadm", "-L -n -t 10.0.0.1:80", "");
	assert_string_equal(r.out, "Prot LocalAddress:Port Scheduler Flags\n"
			    "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
			    "TCP  10.0.0.1:80 rr\n"
			    "  -> 10.0.0.2:80                  Masq    1      0          0         \n");
	assert_int_equal(r.rc, 0);
	result_free(&r);
}

/*
 * -A and -a lines go in one request (XVS_CMD_MULTI; each service's -a
 * lines one XVS_CMD_ADD_DESTS in it) yet read as separate lines: each
 * failing line's message in line order, the status the last line's; an
 * xvsd without XVS_CMD_MULTI (-EINVAL) gets a request per service's lines,
 * one without batches one request per line.
 */
static const char batch_rules[] =
	"-A -t 10.1.0.1:80 -s rr\n"
	"-a -t 10.1.0.1:80 -r 10.0.0.2:80 -m\n"
	"-a -t 10.1.0.1:80 -r 10.0.0.2:80 -m\n"
	"-a -t 10.1.0.1:80 -r 10.0.0.3:80 -m -x 1 -y 2\n"
	"-a -t 10.1.0.9:80 -r 10.0.0.4:80 -m\n"
	"-a -t 10.1.0.1:80 -r 10.0.0.5:80 -m\n";
static const char batch_err[] =
	"Destination already exists\n"
	"Numerical result out of range\n"
	"Service not defined\n";

static void batch_run(struct fake_xvsd *f, int requests)
{
	struct result r;

	setenv("XVS_SOCKET", f->path, 1);
	fake_drain_reports(f);
	r = run("ipvsadm", "-R", batch_rules);
	assert_string_equal(r.err, batch_err);
	assert_int_equal(r.rc, 0);
	result_free(&r);
	assert_int_equal(fake_last_conn_requests(f), requests);
	r = run("ipvsadm", "-S -n", "");
	assert_string_equal(r.out, "-A -t 10.1.0.1:80 -s rr\n"
				   "-a -t 10.1.0.1:80 -r 10.0.0.2:80 -m -w 1\n"
				   "-a -t 10.1.0.1:80 -r 10.0.0.5:80 -m -w 1\n");
	result_free(&r);
	/* The last line failing makes the status 255, in a batch as alone. */
	r = run("ipvsadm", "-R", "-a -t 10.1.0.1:80 -r 10.0.0.6:80 -m\n"
				 "-a -t 10.1.0.1:80 -r 10.0.0.2:80 -m\n");
	assert_string_equal(r.err, "Destination already exists\n");
	assert_int_equal(r.rc, 255);
	result_free(&r);
}

static void test_restore_batches(void **state)
{
	struct fake_state plain = { 0 };
	struct fake_state no_multi = { .fail_cmd = XVS_CMD_MULTI, .fail_err = EINVAL };
	struct fake_state old = { .fail_cmd = XVS_CMD_MULTI, .fail_cmd2 = XVS_CMD_ADD_DESTS,
				  .fail_err = EINVAL };
	struct fake_xvsd f;

	(void)state;
	/* GET_INFO, -A (it connects), one request for the rest */
	fake_start(&f, &plain);
	batch_run(&f, 3);
	fake_stop(&f);
	/* the refused one, then a batch of 3, one of 1 (another service), one of 1 */
	fake_start(&f, &no_multi);
	batch_run(&f, 3 + 3);
	fake_stop(&f);
	/* the same plus each line again alone after each refused batch */
	fake_start(&f, &old);
	batch_run(&f, 3 + 3 + 5);
	fake_stop(&f);
	setenv("XVS_SOCKET", fake.path, 1);
}

/*
 * More lines than one request holds: the second request goes out after the
 * first's answer is read, while the next lines are parsed; the messages
 * stay in line order.
 */
static void test_restore_two_requests(void **state)
{
	struct fake_state plain = { 0 };
	char *in = NULL, *want = NULL;
	size_t ilen = 0, wlen = 0;
	FILE *fi = open_memstream(&in, &ilen), *fw = open_memstream(&want, &wlen);
	struct fake_xvsd f;
	struct result r;
	int i;

	(void)state;
	fprintf(fi, "-A -t 10.1.0.1:80 -s rr\n");
	for (i = 0; i < 9000; i++) {
		fprintf(fi, "-a -t 10.1.0.9:80 -r 10.0.0.4:80 -m\n");
		fprintf(fw, "Service not defined\n");
	}
	fprintf(fi, "-a -t 10.1.0.1:80 -r 10.0.0.3:80 -m -x 1 -y 2\n");
	fprintf(fw, "Numerical result out of range\n");
	fclose(fi);
	fclose(fw);
	fake_start(&f, &plain);
	setenv("XVS_SOCKET", f.path, 1);
	fake_drain_reports(&f);
	r = run("ipvsadm", "-R", in);
	assert_string_equal(r.err, want);
	assert_int_equal(r.rc, 255);
	result_free(&r);
	/* GET_INFO, -A (it connects), two requests for the rest */
	assert_int_equal(fake_last_conn_requests(&f), 4);
	fake_stop(&f);
	setenv("XVS_SOCKET", fake.path, 1);
	free(in);
	free(want);
}

static void test_generic_errno(void **state)
{
	struct fake_state init = { .fail_cmd = XVS_CMD_FLUSH, .fail_err = EPERM };
	struct fake_xvsd f;
	struct result r;

	(void)state;
	fake_start(&f, &init);
	setenv("XVS_SOCKET", f.path, 1);
	r = run("ipvsadm", "-C", "");
	assert_string_equal(r.err, "Permission denied (you must be root)\n");
	assert_int_equal(r.rc, 255);
	result_free(&r);
	fake_stop(&f);
	setenv("XVS_SOCKET", fake.path, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokenizer),
		cmocka_unit_test(test_restore_one_connection),
		cmocka_unit_test(test_restore_errors),
		cmocka_unit_test(test_errno_replies),
		cmocka_unit_test(test_list_one),
		cmocka_unit_test(test_daemons),
		cmocka_unit_test(test_restore_batches),
		cmocka_unit_test(test_restore_two_requests),
		cmocka_unit_test(test_generic_errno),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
