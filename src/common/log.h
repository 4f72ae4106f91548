/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Logging for xvsd and xvsadm: pr_err/pr_warn/pr_info/pr_debug over one
 * log_print(), to stderr (default) or syslog. On a stderr that is
 * journald's stream (systemd sets JOURNAL_STREAM), each line carries its
 * level as a "<N>" prefix, so the journal keeps priorities either way.
 * libbpf's messages are routed through it one level lower (log_libbpf_print).
 */
#ifndef XVS_LOG_H
#define XVS_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <syslog.h>

void log_init(const char *ident, bool use_syslog, int max_level);
void log_print(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int log_libbpf_print(int level, const char *fmt, va_list ap);

#define pr_err(fmt, ...)	log_print(LOG_ERR, fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)	log_print(LOG_WARNING, fmt, ##__VA_ARGS__)
#define pr_notice(fmt, ...)	log_print(LOG_NOTICE, fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)	log_print(LOG_INFO, fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)	log_print(LOG_DEBUG, fmt, ##__VA_ARGS__)

#endif /* XVS_LOG_H */
