// SPDX-License-Identifier: GPL-2.0
/* Logging backend: stderr with a program prefix (a level prefix for journald), or syslog. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>

#include "log.h"

static const char *log_ident = "xvs";
static bool log_syslog;
static bool log_journal;
static int log_max_level = LOG_INFO;

/*
 * True when stderr is the journal's stream: JOURNAL_STREAM names its device
 * and inode (systemd.exec(5)); a redirected stderr no longer matches.
 */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat sb;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 || fstat(2, &sb))
		return false;
	return sb.st_dev == dev && sb.st_ino == ino;
}

void log_init(const char *ident, bool use_syslog, int max_level)
{
	log_ident = ident;
	log_syslog = use_syslog;
	log_max_level = max_level;
	log_journal = !use_syslog && stderr_is_journal();
	if (use_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void log_vprint(int level, const char *fmt, va_list ap)
{
	if (level > log_max_level)
		return;
	if (log_syslog) {
		vsyslog(level, fmt, ap);
		return;
	}
	/* journald names the program itself; the level is what it lacks. */
	if (log_journal)
		fprintf(stderr, "<%d>", level);
	else
		fprintf(stderr, "%s: ", log_ident);
	vfprintf(stderr, fmt, ap);
	if (!*fmt || fmt[strlen(fmt) - 1] != '\n')
		fputc('\n', stderr);
}

void log_print(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprint(level, fmt, ap);
	va_end(ap);
}

int log_libbpf_print(int level, const char *fmt, va_list ap)
{
	/* libbpf is chatty: demote each of its levels by one. */
	static const int map[] = {
		[LIBBPF_WARN] = LOG_INFO,
		[LIBBPF_INFO] = LOG_DEBUG,
		[LIBBPF_DEBUG] = LOG_DEBUG + 1,
	};

	log_vprint(map[level], fmt, ap);
	return 0;
}
