#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scheduler distribution end to end, real nginx on three (then four) real
# servers: wrr 3:2:1 is exact per cycle, rr cycles exactly, lc sends new
# connections to the server without an active one, sh keeps each client
# address on one server, and mh moves only some client addresses, all of
# them to the new server, when a fourth server is added. Counts read from
# the pages are cross-checked with ipvsadm -L -n --stats.

. "$(dirname "$0")/lib.sh"

# Extra client source addresses for the source-hashing schedulers.
CLI_ADDRS=$(seq -f '192.168.1.%g' 51 80)

cli_addrs_add()
{
	local a
	for a in $CLI_ADDRS; do
		on "$NS_CLI" ip addr add "$a/24" dev eth0 || return 1
	done
}

test_setup XVSD 'setup: seed topology plus rs3 and rs4, xvsd, 30 client addresses' '
	topo_build &&
	topo_real_servers &&
	topo_add_rs 3 &&
	topo_add_rs 4 &&
	cli_addrs_add &&
	topo_xvsd_start
'

# A fresh service with scheduler $1 (extra ipvsadm -A flags after it).
svc_new()
{
	ipvsadm -C &&
	ipvsadm -A -t $VIP:80 -s "$@"
}

# Server rs$1 in the service with weight $2 (default 1).
rs_add()
{
	ipvsadm -a -t $VIP:80 -r 10.0.0.$(($1 + 1)):80 -m -w ${2:-1}
}

# The server one request from client address $1 lands on.
rs_from()
{
	on "$NS_CLI" curl -s -m 5 --interface "$1" "http://$VIP/" |
	grep -o 'Real Server rs[0-9]*' | sed 's/Real Server //'
}

# $1 requests from the main client address, one server name per line.
requests()
{
	local i
	for ((i = 0; i < $1; i++)); do
		which_rs | sed 's/Real Server //' || return 1
	done
}

# "rsN count" lines, by server name, of a list of server names on stdin.
tally()
{
	sort | uniq -c | awk '{print $2, $1}'
}

# "rsN Conns" lines from ipvsadm -L -n --stats, servers with Conns > 0.
# A server re-added after -C comes back from IPVS's trash with its
# counters, so cases zero them (-Z) before their requests.
stats_conns()
{
	ipvsadm -L -n --stats |
	awk '$1 == "->" && $3 > 0 { split($2, a, "[.:]"); print "rs" a[4] - 1, $3 }'
}

test_expect_success 'wrr 3:2:1: 12 connections are 3:2:1 in each cycle of 6' '
	svc_new wrr && rs_add 1 3 && rs_add 2 2 && rs_add 3 1 && ipvsadm -Z &&
	requests 12 >seq && cat seq &&
	printf "rs1 3\nrs2 2\nrs3 1\n" >expect &&
	head -n 6 seq | tally >got && test_cmp expect got &&
	tail -n 6 seq | tally >got && test_cmp expect got &&
	printf "rs1 6\nrs2 4\nrs3 2\n" >expect &&
	stats_conns >got && test_cmp expect got
'

test_expect_success 'rr over 3 servers: an exact cycle of the three' '
	svc_new rr && rs_add 1 && rs_add 2 && rs_add 3 && ipvsadm -Z &&
	requests 9 >seq && cat seq &&
	head -n 3 seq | sort -u | wc -l >got && echo 3 >expect && test_cmp expect got &&
	head -n 3 seq >cycle && cat cycle cycle cycle >expect && test_cmp expect seq &&
	printf "rs1 3\nrs2 3\nrs3 3\n" >expect &&
	stats_conns >got && test_cmp expect got
'

# Active connections of rs$1 in ipvsadm -L -n.
active_of()
{
	ipvsadm -L -n | awk -v d=10.0.0.$(($1 + 1)):80 '$2 == d { print $5 }'
}

# The servers of rs1..rs3 without an active connection; fails if any has
# more than one (each download is one).
idle_servers()
{
	local n
	for n in 1 2 3; do
		case $(active_of $n) in
		0) echo rs$n ;;
		1) ;;
		*) echo "rs$n: ActiveConn not 0 or 1" >&2; return 1 ;;
		esac
	done
}

test_expect_success 'lc: two servers with a running download, new connections go to the third' '
	svc_new lc && rs_add 1 && rs_add 2 && rs_add 3 &&
	download_start dl1 && dl1_pid=$BG_PID &&
	wait_until 5 test -s dl1 &&
	download_start dl2 && dl2_pid=$BG_PID &&
	wait_until 5 test -s dl2 &&
	ipvsadm -L -n &&
	idle=$(idle_servers) && echo "idle: $idle" &&
	test "$(echo $idle | wc -w)" = 1 &&
	requests 6 >seq && cat seq &&
	echo "$idle 6" >expect && tally <seq >got && test_cmp expect got
	rc=$?
	kill $dl1_pid $dl2_pid 2>/dev/null
	test $rc = 0
'

# "address server" lines for the client addresses $CLI_ADDRS.
map_clients()
{
	local a s
	for a in $CLI_ADDRS; do
		s=$(rs_from $a) && test -n "$s" || return 1
		echo "$a $s"
	done
}

# 4 requests of other traffic, not a multiple of 3: rr would shift the map.
test_expect_success 'sh: each client address sticks to one server, also after other traffic' '
	svc_new sh && rs_add 1 && rs_add 2 && rs_add 3 &&
	map_clients >map1 && cat map1 &&
	test "$(cut -d" " -f2 map1 | sort -u | wc -l)" = 3 &&
	map_clients >map2 && test_cmp map1 map2 &&
	requests 4 >/dev/null &&
	map_clients >map3 && test_cmp map1 map3
'

# Maglev keeps most lookup-table slots when a server joins, but not all: a
# few can pass between the old servers (with these 30 addresses, xvs's
# table, ip_vs_mh.c's 251 slots, moves 4 to rs4 and 1 between old servers).
test_expect_success 'mh: adding a fourth server moves <= 40% of clients, mostly to rs4' '
	svc_new mh && rs_add 1 && rs_add 2 && rs_add 3 &&
	map_clients >map1 && cat map1 &&
	test "$(cut -d" " -f2 map1 | sort -u | wc -l)" = 3 &&
	map_clients >again && test_cmp map1 again &&
	rs_add 4 &&
	map_clients >map2 &&
	join map1 map2 | awk "\$2 != \$3" >moved && cat moved &&
	n=$(wc -l <moved) && echo "moved: $n of 30" &&
	test $n -le 12 &&
	to_new=$(awk "\$3 == \"rs4\"" moved | wc -l) &&
	test $to_new -ge 1 && test $((n - to_new)) -le 3
'

test_done
