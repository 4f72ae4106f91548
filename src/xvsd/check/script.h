/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running keepalived's scripts (misc_path, notify_up/down, quorum_up/down):
 * the command line is split into words as keepalived splits it ("double
 * quotes" and 'single quotes' group, no shell), and the program runs with
 * stdin/stdout on /dev/null.
 */
#ifndef XVSD_CHECK_SCRIPT_H
#define XVSD_CHECK_SCRIPT_H

/* Start cmdline; returns its pid and a pidfd (readable when it exits), or -errno. */
int script_spawn(const char *cmdline, int *pidfd);

#endif /* XVSD_CHECK_SCRIPT_H */
