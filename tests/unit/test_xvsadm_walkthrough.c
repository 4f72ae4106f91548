// SPDX-License-Identifier: GPL-2.0
/*
 * Replays tests/golden/ipvsadm-walkthrough.txt (real ipvsadm 1.31 on
 * kernel IPVS, the seed's LVS-NAT commands) through xvsadm against a fake
 * xvsd, command by command, and requires the same stdout, stderr and exit
 * status byte for byte, in numeric and name-resolving modes.
 */
#include "xvsadm_test.h"
#include "xvsadm/run.h"

struct step {
	char *cmd;
	char *out, *err;
	size_t out_len, err_len;
	int exit;
};

static int parse_transcript(struct step *steps, int max)
{
	char path[8400], *text, *line, *save = NULL;
	FILE *out = NULL, *err = NULL, *cur = NULL;
	int n = -1;
	size_t len;

	snprintf(path, sizeof(path), "%s/ipvsadm-walkthrough.txt", golden_dir());
	text = read_file(path, &len);
	assert_non_null(text);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "### CMD: ", 9)) {
			assert_true(++n < max);
			memset(&steps[n], 0, sizeof(steps[n]));
			steps[n].cmd = strdup(line + 9);
			out = open_memstream(&steps[n].out, &steps[n].out_len);
			err = open_memstream(&steps[n].err, &steps[n].err_len);
			cur = out;
		} else if (!strcmp(line, "### STDERR:")) {
			cur = err;
		} else if (!strncmp(line, "### EXIT: ", 10)) {
			steps[n].exit = atoi(line + 10);
			fclose(out);
			fclose(err);
			cur = NULL;
		} else if (cur) {
			fprintf(cur, "%s\n", line);
		}
	}
	free(text);
	return n + 1;
}

static void run_step(const struct step *st)
{
	char *argv[16], *copy = strdup(st->cmd), *save = NULL, *w;
	char *out = NULL, *err = NULL;
	size_t out_len = 0, err_len = 0;
	FILE *fout = open_memstream(&out, &out_len), *ferr = open_memstream(&err, &err_len);
	int argc = 0, rc;

	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	rc = xvsadm_run(argc, argv, &test_resolver, stdin, fout, ferr);
	fclose(fout);
	fclose(ferr);
	print_message("ipvsadm walkthrough: %s\n", st->cmd);
	expect_text(st->cmd, st->out, st->out_len, out, out_len);
	expect_text(st->cmd, st->err, st->err_len, err, err_len);
	assert_int_equal(rc, st->exit);
	free(out);
	free(err);
	free(copy);
}

static void test_walkthrough(void **state)
{
	struct fake_state init = { .timeout = { 900, 120, 300 } };
	struct step steps[128];
	struct fake_xvsd f;
	int i, n = parse_transcript(steps, 128);

	(void)state;
	/* the recording has sections A and B: it must be all there */
	assert_true(n >= 40);
	fake_start(&f, &init);
	setenv("XVS_SOCKET", f.path, 1);
	for (i = 0; i < n; i++)
		run_step(&steps[i]);
	fake_stop(&f);
	for (i = 0; i < n; i++) {
		free(steps[i].cmd);
		free(steps[i].out);
		free(steps[i].err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walkthrough),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
