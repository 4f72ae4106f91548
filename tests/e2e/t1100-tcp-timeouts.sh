#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# TCP connection states and their timeouts as IPVS keeps them: an idle
# ESTABLISHED connection lives --set tcp seconds and counts as active; a
# server that closes first while the client keeps its side open leaves the
# connection in FIN_WAIT for --set tcpfin seconds (inactive), and then it
# expires and the counts follow.

. "$(dirname "$0")/lib.sh"

# The -c rows (without the two title lines).
conn_rows()
{
	ipvsadm -L -n -c | tail -n +3
}

# "ActiveConn InActConn" of real server $1 in -L -n.
dest_counts()
{
	ipvsadm -L -n | awk -v d="$1" '$2 == d { print $5, $6 }'
}

no_conns()
{
	test -z "$(conn_rows)"
}

test_setup XVSD 'setup: seed topology, nginx, xvsd, the seed service' '
	topo_build &&
	topo_real_servers &&
	topo_xvsd_start &&
	ipvsadm --set 6 5 60 &&
	ipvsadm -A -t 192.168.1.200:80 -s rr &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.2:80 -m &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.3:80 -m
'

test_expect_success 'an idle connection is ESTABLISHED, active, with the --set tcp timeout' '
	topo_bg "$NS_CLI" bash -c "exec 3<>/dev/tcp/192.168.1.200/80 && exec sleep 30" &&
	idle_pid=$BG_PID &&
	wait_until 5 eval "conn_rows | grep -q ESTABLISHED" &&
	conn_rows >rows && cat rows &&
	test $(wc -l <rows) = 1 &&
	read -r proto exp state src vip dst <rows &&
	test "$proto $state $vip $dst" = "TCP ESTABLISHED 192.168.1.200:80 10.0.0.3:80" &&
	test "$(expire_secs "$exp")" -le 6 &&
	test "$(expire_secs "$exp")" -ge 4 &&
	test "$(dest_counts 10.0.0.3:80)" = "1 0"
'

test_expect_success 'it expires after the --set tcp timeout and the counts follow' '
	start=$SECONDS &&
	wait_until 12 no_conns &&
	echo "gone after $((SECONDS - start)) s" &&
	test "$(dest_counts 10.0.0.3:80)" = "0 0" &&
	kill "$idle_pid"
'

test_expect_success 'server closes first, client holds its side: FIN_WAIT with --set tcpfin' '
	topo_bg "$NS_CLI" "$TOOLS/tcp_hold" 192.168.1.200 80 30 >hold.out &&
	hold_pid=$BG_PID &&
	wait_until 5 grep -q "server closed" hold.out &&
	grep -q "Real Server rs1" hold.out &&
	wait_until 2 eval "conn_rows | grep -q FIN_WAIT" &&
	fin_seen=$SECONDS &&
	conn_rows >rows && cat rows &&
	test $(wc -l <rows) = 1 &&
	read -r proto exp state src vip dst <rows &&
	test "$proto $state $vip $dst" = "TCP FIN_WAIT 192.168.1.200:80 10.0.0.2:80" &&
	test "$(expire_secs "$exp")" -le 5 &&
	test "$(dest_counts 10.0.0.2:80)" = "0 1"
'

test_expect_success 'the FIN_WAIT entry expires after tcpfin seconds, counts follow' '
	wait_until 10 no_conns &&
	took=$((SECONDS - fin_seen)) &&
	echo "gone after $took s" &&
	test $took -ge 3 &&
	test "$(dest_counts 10.0.0.2:80)" = "0 0" &&
	kill "$hold_pid"
'

test_expect_success 'a curl ends in TIME_WAIT with 120 s, not the --set values' '
	which_rs &&
	conn_rows >rows && cat rows &&
	read -r proto exp state src vip dst <rows &&
	test "$proto $state" = "TCP TIME_WAIT" &&
	test "$(expire_secs "$exp")" -ge 110
'

test_done
