#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Director-local clients (docs/local-clients.md): with --local-cgroup, a
# process on the director in that cgroup connecting to a VIP is scheduled
# like any client (rr order, counted in --stats) and sees the VIP as its
# peer; a director process outside the cgroup still reaches the director's
# own stack; a process of another namespace in the cgroup is left to XDP.

. "$(dirname "$0")/lib.sh"

# Loading the datapath takes the verifier ~5 s, twice that on a busy machine;
# this script starts xvsd more than once.
TOPO_XVSD_WAIT=300

# `ip netns exec` remounts /sys, hiding /sys/fs/cgroup from xvsd and the
# clients: the cgroup2 hierarchy is mounted again under /run for the test.
grep -qw cgroup2 /proc/filesystems || skip_all "no cgroup2 file system"
CGM=/run/${TOPO_PFX}cgroup2
CG=$CGM/${TOPO_PFX}local

# The cgroup goes once nothing runs in it, before the rest of the cleanup.
local_cleanup()
{
	topo_kill_pids
	rmdir "$CG" 2>/dev/null
	umount "$CGM" 2>/dev/null && rmdir "$CGM"
	test_cleanup
}
trap local_cleanup EXIT

# Run a command in namespace $1 from inside the test's cgroup.
in_cg()
{
	local ns=$1
	shift
	ip netns exec "$ns" bash -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG" "$@"
}

test_setup XVSD 'setup: seed topology, nginx, a cgroup, xvsd --local-cgroup, the seed service' '
	mkdir -p "$CGM" && mount -t cgroup2 none "$CGM" && mkdir "$CG" &&
	topo_build &&
	topo_real_servers &&
	topo_xvsd_start --local-cgroup "$CG" &&
	grep -q "balancing connections to VIPs from processes in cgroup $CG" "$TOPO_TMP/xvsd.log" &&
	ipvsadm -A -t 192.168.1.200:80 -s rr &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.2:80 -m &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.3:80 -m &&
	topo_bg "$NS_RS1" "$TOOLS/udp_echo" 53 rs1 &&
	topo_bg "$NS_RS2" "$TOOLS/udp_echo" 53 rs2 &&
	ipvsadm -A -u 192.168.1.200:53 -s rr &&
	ipvsadm -a -u 192.168.1.200:53 -r 10.0.0.2:53 -m &&
	ipvsadm -a -u 192.168.1.200:53 -r 10.0.0.3:53 -m
'

test_expect_success 'a director process in the cgroup is balanced in rr order' '
	for i in 1 2 3 4; do
		in_cg "$NS_DIR" curl -s -m 5 http://192.168.1.200/ |
			grep -o "Real Server rs[0-9]*" || return 1
	done >got &&
	printf "Real Server rs2\nReal Server rs1\nReal Server rs2\nReal Server rs1\n" >expect &&
	test_cmp expect got
'

test_expect_success 'the local connections count in --stats, without packets' '
	ipvsadm -L -n --stats --exact >stats && cat stats &&
	grep -E "^TCP  192\.168\.1\.200:80 +4 +0 +0 +0 +0$" stats &&
	grep -E "^  -> 10\.0\.0\.2:80 +2 " stats
'

test_expect_success 'the application sees the VIP as its peer (getpeername)' '
	in_cg "$NS_DIR" "$TOOLS/sock_peer" tcp 192.168.1.200 80 >got &&
	echo 192.168.1.200:80 >expect &&
	test_cmp expect got
'

test_expect_success 'connected UDP from the director is balanced in rr order' '
	for m in a b; do
		in_cg "$NS_DIR" "$TOOLS/udp_ask" 192.168.1.200 53 $m 2000 || return 1
	done >got &&
	printf "rs2 a\nrs1 b\n" >expect &&
	test_cmp expect got
'

# sendto() without connect(): scheduled per socket and VIP, and the answers
# come from the VIP, as they would through IPVS.
test_expect_success 'unconnected UDP: one server per socket, answers from the VIP' '
	in_cg "$NS_DIR" "$TOOLS/sock_peer" udp 192.168.1.200 53 x y >got &&
	printf "rs2 x 192.168.1.200:53\nrs2 y 192.168.1.200:53\n" >expect &&
	test_cmp expect got
'

test_expect_success 'a director process outside the cgroup reaches its own stack (refused)' '
	on "$NS_DIR" curl -s -m 5 http://192.168.1.200/ ; rc=$? &&
	echo "curl exit $rc" &&
	test $rc = 7
'

test_expect_success 'a process of another namespace in the cgroup is left to XDP' '
	in_cg "$NS_CLI" curl -s -m 5 http://192.168.1.200/ | grep -q "Real Server rs" &&
	ipvsadm -L -n -c >conns && cat conns &&
	grep -q "^TCP .* 192\.168\.1\.50:[0-9]* *192\.168\.1\.200:80 " conns
'

test_expect_success 'a port without a service is not touched' '
	in_cg "$NS_DIR" curl -s -m 5 http://192.168.1.200:81/ ; rc=$? &&
	echo "curl exit $rc" &&
	test $rc = 7
'

test_done
