// SPDX-License-Identifier: GPL-2.0
/*
 * Neighbour upkeep of real servers, end to end. The test unshares its own
 * network and mount namespaces (so nothing can leak: they die with it),
 * makes a director namespace with a veth to a real-server namespace,
 * starts build/xvsd -n there on a private bpffs and drives it with
 * build/xvsadm; `ip -d neigh show` is the judge. Checked: a server's entry
 * becomes managed and REACHABLE with no traffic at all, follows a MAC
 * change, follows route changes to a gateway, leaves the admin's and other
 * managers' entries alone, goes when no server needs it (-d, -D, -C), stays
 * over SIGTERM and kill -9, and a restarted xvsd removes leftovers. The
 * probe fallback (no managed entries) runs in-process on neigh.c. Needs root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "xvsd/neigh.h"

#define VIP "192.168.1.200:80"
#define RS_MAC "02:00:00:00:00:42"

static struct {
	bool ok;		/* root and namespaces set up */
	char build[PATH_MAX];	/* where xvsd and xvsadm are */
	char dir[64];		/* tmpfs of our own: socket, log, bpffs */
	char sock[128], pin[128], log[128];
	int ns_dir, ns_rs;	/* network namespaces */
	pid_t xvsd;
} E;

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Run a shell command in the real server's namespace. */
static int in_rs(const char *cmd)
{
	int rc;

	if (setns(E.ns_rs, CLONE_NEWNET))
		return -1;
	rc = sh("%s", cmd);
	if (setns(E.ns_dir, CLONE_NEWNET))
		abort();
	return rc;
}

static int xvsadm(const char *args)
{
	return sh("%s/xvsadm %s >/dev/null 2>&1", E.build, args);
}

static void write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		fail_msg("write %s: %s", path, strerror(errno));
	close(fd);
}

/* The director's entry for addr, as `ip -d neigh show` prints it ("" for none). */
static const char *neigh_line(const char *addr)
{
	static char buf[512];
	char cmd[128];
	size_t n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ip -d neigh show to %s dev eth1", addr);
	f = popen(cmd, "r");
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		pclose(f);
	}
	buf[n] = '\0';
	return buf;
}

/* Every space-separated word of words is in line. */
static bool has_all(const char *line, const char *words)
{
	char w[64];
	int len;

	while (sscanf(words, " %63s%n", w, &len) == 1) {
		if (!strstr(line, w))
			return false;
		words += len;
	}
	return true;
}

static bool has_any(const char *line, const char *words)
{
	char w[64];
	int len;

	while (sscanf(words, " %63s%n", w, &len) == 1) {
		if (strstr(line, w))
			return true;
		words += len;
	}
	return false;
}

static void show_log(void)
{
	sh("tail -n 30 %s >&2", E.log);
}

/*
 * Wait up to ms for addr's entry to hold every word of all and none of none;
 * all == NULL waits for the entry to be gone.
 */
static bool neigh_wait(const char *addr, const char *all, const char *none, int ms)
{
	const char *line = "";
	int t;

	for (t = 0; t <= ms; t += 100) {
		line = neigh_line(addr);
		if (!all ? !*line : (*line && has_all(line, all) && !has_any(line, none)))
			return true;
		usleep(100000);
	}
	print_message("neighbour %s: wanted %s%s%s, have \"%s\"\n", addr, all ? all : "no entry",
		      none && *none ? " without " : "", none ? none : "", line);
	show_log();
	return false;
}

static bool xvsd_answers(void)
{
	return xvsadm("-L -n") == 0;
}

static void xvsd_start(void)
{
	int t;

	E.xvsd = fork();
	assert_true(E.xvsd >= 0);
	if (!E.xvsd) {
		char path[PATH_MAX + 8];
		int fd = open(E.log, O_WRONLY | O_CREAT | O_APPEND, 0600);

		/* Never outlive the test, whatever happens to it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(fd, 1);
		dup2(fd, 2);
		snprintf(path, sizeof(path), "%s/xvsd", E.build);
		execl(path, "xvsd", "-n", "-D", "-i", "eth1", "--socket", E.sock, "--pin-dir",
		      E.pin, "--conn-max", "1024", (char *)NULL);
		_exit(127);
	}
	for (t = 0; t < 150; t++) {
		if (xvsd_answers())
			return;
		if (waitpid(E.xvsd, NULL, WNOHANG) == E.xvsd) {
			E.xvsd = 0;
			break;
		}
		usleep(100000);
	}
	show_log();
	fail_msg("xvsd did not start");
}

static void xvsd_stop(int sig)
{
	if (!E.xvsd)
		return;
	kill(E.xvsd, sig);
	waitpid(E.xvsd, NULL, 0);
	E.xvsd = 0;
}

/*
 * A running xvsd with one empty service, an empty neighbour table and no
 * route but the connected one, whatever an earlier failed test left.
 */
static void fresh(void)
{
	if (!E.ok) {
		print_message("skip: needs root\n");
		skip();
	}
	if (!E.xvsd)
		xvsd_start();
	assert_int_equal(xvsadm("-C"), 0);
	sh("ip route flush 192.168.1.0/24; ip neigh flush dev eth1 nud all");
	assert_int_equal(xvsadm("-A -t " VIP " -s rr"), 0);
}

static int group_setup(void **state)
{
	char exe[PATH_MAX];
	ssize_t n;

	(void)state;
	if (geteuid())
		return 0;
	/* build/tests/unit/test_xvsd_neigh -> build */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return -1;
	exe[n] = '\0';
	snprintf(E.build, sizeof(E.build), "%s", dirname(dirname(dirname(exe))));
	snprintf(E.dir, sizeof(E.dir), "/run/xvs-neigh-XXXXXX");
	if (!mkdtemp(E.dir))
		return -1;
	/* Private mounts: the tmpfs and bpffs vanish with this process. */
	if (unshare(CLONE_NEWNS | CLONE_NEWNET) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", E.dir, "tmpfs", 0, "mode=0700"))
		return -1;
	snprintf(E.sock, sizeof(E.sock), "%s/xvsd.sock", E.dir);
	snprintf(E.log, sizeof(E.log), "%s/xvsd.log", E.dir);
	snprintf(E.pin, sizeof(E.pin), "%s/bpffs", E.dir);
	if (mkdir(E.pin, 0700) || mount("bpf", E.pin, "bpf", 0, NULL))
		return -1;
	strcat(E.pin, "/xvs");
	E.ns_dir = open("/proc/self/ns/net", O_RDONLY);
	if (E.ns_dir < 0 || unshare(CLONE_NEWNET))
		return -1;
	E.ns_rs = open("/proc/self/ns/net", O_RDONLY);
	if (E.ns_rs < 0 || setns(E.ns_dir, CLONE_NEWNET))
		return -1;
	write_file("/proc/sys/net/ipv4/ip_forward", "1");
	if (sh("ip link set lo up && ip link add eth1 type veth peer name eth0 netns "
	       "/proc/self/fd/%d && ip link set eth1 up && ip addr add 10.0.0.1/24 dev eth1",
	       E.ns_rs))
		return -1;
	/* One real server host answering for 10.0.0.2-4; 10.0.0.5 is nobody. */
	if (in_rs("ip link set lo up && ip link set eth0 up && ip addr add 10.0.0.2/24 dev eth0 "
		  "&& ip addr add 10.0.0.3/24 dev eth0 && ip addr add 10.0.0.4/24 dev eth0"))
		return -1;
	setenv("XVS_SOCKET", E.sock, 1);
	E.ok = true;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	if (!E.ok)
		return 0;
	xvsd_stop(SIGTERM);
	umount2(E.dir, MNT_DETACH);
	rmdir(E.dir);
	return 0;
}

/* No managed entries: xvsd pokes the entry with NTF_USE (neigh.c in-process). */
static void test_probe_fallback(void **state)
{
	static struct xvsd_dest *dests[4];
	static struct xvsd st = { .dests = dests, .max_dest = 4 };
	struct xvsd_dest live = { .id = 1 }, gone = { .id = 2 }, noroute = { .id = 3 };
	struct neigh *nb;

	(void)state;
	if (!E.ok) {
		print_message("skip: needs root\n");
		skip();
	}
	/* xvsd would remove entries of ours it does not want itself. */
	xvsd_stop(SIGTERM);
	live.info.addr = inet_addr("10.0.0.4");
	live.info.flags = XVS_DEST_F_AVAILABLE;
	gone.info.addr = inet_addr("10.0.0.3");
	gone.trashed = true;
	noroute.info.addr = inet_addr("192.168.1.99");
	noroute.info.flags = XVS_DEST_F_AVAILABLE;
	st.dests[1] = &live;
	st.dests[2] = &gone;
	st.dests[3] = &noroute;

	nb = neigh_new(&st, true);
	assert_non_null(nb);
	assert_int_equal(neigh_sync(nb), 0);
	assert_true(neigh_wait("10.0.0.4", "REACHABLE proto 88", "managed", 3000));
	assert_string_equal(neigh_line("10.0.0.3"), "");
	assert_int_equal(neigh_sync(nb), 0);
	assert_true(neigh_wait("10.0.0.4", "REACHABLE proto 88", "managed", 0));

	live.trashed = true;
	assert_int_equal(neigh_sync(nb), 0);
	assert_true(neigh_wait("10.0.0.4", NULL, NULL, 0));
	neigh_free(nb);
}

static void test_managed_without_traffic(void **state)
{
	(void)state;
	fresh();
	assert_int_equal(xvsadm("-a -t " VIP " -r 10.0.0.2:80 -m"), 0);
	/* Nothing is sent to the server: only the kernel's own ARP resolves it. */
	assert_true(neigh_wait("10.0.0.2", "managed REACHABLE proto 88", "", 5000));
	assert_int_equal(xvsadm("-d -t " VIP " -r 10.0.0.2:80"), 0);
	assert_true(neigh_wait("10.0.0.2", NULL, NULL, 3000));
}

/* A stale entry with a MAC the server no longer has gets corrected, unprompted. */
static void test_mac_change_followed(void **state)
{
	static const char *const knobs[][3] = {
		{ "/proc/sys/net/ipv4/neigh/eth1/base_reachable_time_ms", "1000", "30000" },
		{ "/proc/sys/net/ipv4/neigh/eth1/delay_first_probe_time", "1", "5" },
		{ "/proc/sys/net/ipv4/neigh/eth1/retrans_time_ms", "200", "1000" },
	};
	bool ok;
	size_t i;

	(void)state;
	fresh();
	/*
	 * The interface's timers, shortened: REACHABLE for about 1 s, then
	 * the kernel's managed-entry work (every 5 s, a global setting left
	 * alone) moves it through DELAY and PROBE to FAILED, and the next
	 * round resolves it again by broadcast.
	 */
	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		write_file(knobs[i][0], knobs[i][1]);
	assert_int_equal(xvsadm("-a -t " VIP " -r 10.0.0.2:80 -m"), 0);
	ok = neigh_wait("10.0.0.2", "managed REACHABLE", RS_MAC, 5000);
	if (ok) {
		assert_int_equal(in_rs("ip link set eth0 address " RS_MAC), 0);
		ok = neigh_wait("10.0.0.2", "managed REACHABLE " RS_MAC, "", 20000);
	}
	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		write_file(knobs[i][0], knobs[i][2]);
	assert_true(ok);
	assert_int_equal(xvsadm("-C"), 0);
	assert_true(neigh_wait("10.0.0.2", NULL, NULL, 3000));
}

static void test_admin_entries_left_alone(void **state)
{
	(void)state;
	fresh();
	assert_int_equal(sh("ip neigh add 10.0.0.3 dev eth1 lladdr 02:00:00:00:00:03 nud permanent"),
			 0);
	/* Managed by someone else (a protocol number iproute2 has no name for). */
	assert_int_equal(sh("ip neigh add 10.0.0.5 dev eth1 managed protocol 77"), 0);
	assert_int_equal(xvsadm("-a -t " VIP " -r 10.0.0.3:80 -m"), 0);
	assert_int_equal(xvsadm("-a -t " VIP " -r 10.0.0.5:80 -m"), 0);
	assert_int_equal(xvsadm("-a -t " VIP " -r 10.0.0.4:80 -m"), 0);
	/* 10.0.0.4 shows xvsd has passed by the other two. */
	assert_true(neigh_wait("10.0.0.4", "managed proto 88", "", 3000));
	assert_true(neigh_wait("10.0.0.3", "PERMANENT 02:00:00:00:00:03", "managed proto", 0));
	assert_true(neigh_wait("10.0.0.5", "managed proto 77", "", 0));
	assert_int_equal(xvsadm("-C"), 0);
	assert_true(neigh_wait("10.0.0.4", NULL, NULL, 3000));
	assert_true(neigh_wait("10.0.0.3", "PERMANENT 02:00:00:00:00:03", "managed proto", 0));
	assert_true(neigh_wait("10.0.0.5", "managed proto 77", "", 0));
}

/* An entry goes only when no server of any service needs it any more. */
static void test_shared_next_hop(void **state)
{
	(void)state;
	fresh();
	assert_int_equal(xvsadm("-A -u " VIP " -s wrr"), 0);
	assert_int_equal(xvsadm("-a -t " VIP " -r 10.0.0.2:80 -m"), 0);
	assert_int_equal(xvsadm("-a -u " VIP " -r 10.0.0.2:53 -m"), 0);
	assert_int_equal(xvsadm("-a -u " VIP " -r 10.0.0.4:53 -m"), 0);
	assert_true(neigh_wait("10.0.0.2", "managed proto 88", "", 3000));
	assert_true(neigh_wait("10.0.0.4", "managed proto 88", "", 3000));
	assert_int_equal(xvsadm("-D -t " VIP), 0);
	sleep(2);
	assert_true(neigh_wait("10.0.0.2", "managed proto 88", "", 0));
	assert_int_equal(xvsadm("-d -u " VIP " -r 10.0.0.2:53"), 0);
	assert_true(neigh_wait("10.0.0.2", NULL, NULL, 3000));
	assert_true(neigh_wait("10.0.0.4", "managed proto 88", "", 0));
	assert_int_equal(xvsadm("-C"), 0);
	assert_true(neigh_wait("10.0.0.4", NULL, NULL, 3000));
}

/* Servers behind a gateway: the gateway's entry, moved when the route moves. */
static void test_gateway_follows_route(void **state)
{
	(void)state;
	fresh();
	assert_int_equal(sh("ip route add 192.168.1.0/24 via 10.0.0.2"), 0);
	assert_int_equal(xvsadm("-a -t " VIP " -r 192.168.1.77:80 -m"), 0);
	assert_true(neigh_wait("10.0.0.2", "managed REACHABLE proto 88", "", 5000));
	assert_int_equal(sh("ip route replace 192.168.1.0/24 via 10.0.0.3"), 0);
	assert_true(neigh_wait("10.0.0.3", "managed REACHABLE proto 88", "", 5000));
	assert_true(neigh_wait("10.0.0.2", NULL, NULL, 3000));
	assert_int_equal(xvsadm("-C"), 0);
	assert_true(neigh_wait("10.0.0.3", NULL, NULL, 3000));
}

/* Entries outlive xvsd; a restarted one keeps what it needs, drops the rest. */
static void test_restart_reconciles(void **state)
{
	int t;

	(void)state;
	fresh();
	assert_int_equal(xvsadm("-a -t " VIP " -r 10.0.0.2:80 -m"), 0);
	assert_true(neigh_wait("10.0.0.2", "managed REACHABLE proto 88", "", 5000));
	xvsd_stop(SIGTERM);
	assert_true(neigh_wait("10.0.0.2", "managed proto 88", "", 0));
	xvsd_start();
	xvsd_stop(SIGKILL);
	/* A leftover of ours no server needs, as a crash mid-way could leave. */
	assert_int_equal(sh("ip neigh add 10.0.0.9 dev eth1 managed protocol 88"), 0);
	xvsd_start();
	for (t = 0; t < 30 && *neigh_line("10.0.0.9"); t++) {
		assert_true(neigh_wait("10.0.0.2", "managed proto 88", "", 0));
		usleep(100000);
	}
	assert_true(neigh_wait("10.0.0.9", NULL, NULL, 0));
	assert_true(neigh_wait("10.0.0.2", "managed REACHABLE proto 88", "", 3000));
	assert_int_equal(xvsadm("-C"), 0);
	assert_true(neigh_wait("10.0.0.2", NULL, NULL, 3000));
}

int main(void)
{
	/* Order matters only in that the fallback test runs with xvsd stopped. */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_fallback),
		cmocka_unit_test(test_managed_without_traffic),
		cmocka_unit_test(test_mac_change_followed),
		cmocka_unit_test(test_admin_entries_left_alone),
		cmocka_unit_test(test_shared_next_hop),
		cmocka_unit_test(test_gateway_follows_route),
		cmocka_unit_test(test_restart_reconciles),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
