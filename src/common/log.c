// SPDX-License-Identifier: GPL-2.0
/* Logging backend: stderr with a program prefix, or syslog. */
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "log.h"

static const char *log_ident = "xvs";
static bool log_syslog;
static int log_max_level = LOG_INFO;

void log_init(const char *ident, bool use_syslog, int max_level)
{
	log_ident = ident;
	log_syslog = use_syslog;
	log_max_level = max_level;
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
