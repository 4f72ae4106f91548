// SPDX-License-Identifier: GPL-2.0
/*
 * src/common/log.c on stderr: "ident: message" on a terminal or file; the
 * "<N>" level prefix journald reads when stderr is the stream systemd named
 * in JOURNAL_STREAM (and only then: a JOURNAL_STREAM inherited by a process
 * whose stderr was redirected elsewhere must not leak prefixes); levels
 * above the maximum are not written.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "log.h"

static int real_stderr = -1;

/* stderr to a fresh temporary file; JOURNAL_STREAM naming it (match) or another file. */
static void capture(bool journal, bool match)
{
	char env[64];
	struct stat sb;
	FILE *f = tmpfile();

	assert_non_null(f);
	assert_int_equal(dup2(fileno(f), 2), 2);
	fclose(f);
	assert_int_equal(fstat(2, &sb), 0);
	unsetenv("JOURNAL_STREAM");
	if (journal) {
		snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)sb.st_dev,
			 (unsigned long long)sb.st_ino + (match ? 0 : 1));
		setenv("JOURNAL_STREAM", env, 1);
	}
}

static void expect_captured(const char *want)
{
	char buf[512];
	ssize_t n;

	fflush(stderr);
	n = pread(2, buf, sizeof(buf) - 1, 0);
	/* cmocka's own messages go to the real stderr again */
	assert_int_equal(dup2(real_stderr, 2), 2);
	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static void emit(void)
{
	pr_err("table %s", "full");
	pr_warn("warned");
	pr_notice("noticed");
	pr_info("informed\n");
	pr_debug("debugged");
}

static void test_plain(void **state)
{
	(void)state;
	capture(false, false);
	log_init("xvsd", false, LOG_INFO);
	emit();
	/* LOG_INFO: no debug line */
	expect_captured("xvsd: table full\nxvsd: warned\nxvsd: noticed\nxvsd: informed\n");
}

static void test_journal(void **state)
{
	(void)state;
	capture(true, true);
	log_init("xvsd", false, LOG_INFO);
	emit();
	expect_captured("<3>table full\n<4>warned\n<5>noticed\n<6>informed\n");
}

static void test_journal_elsewhere(void **state)
{
	(void)state;
	capture(true, false);
	log_init("xvsd", false, LOG_DEBUG);
	emit();
	expect_captured("xvsd: table full\nxvsd: warned\nxvsd: noticed\nxvsd: informed\n"
			"xvsd: debugged\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_journal),
		cmocka_unit_test(test_journal_elsewhere),
	};

	real_stderr = dup(2);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
