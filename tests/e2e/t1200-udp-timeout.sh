#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# UDP virtual service: datagrams alternate (rr), replies come back from the
# VIP, each flow is one inactive "UDP" entry in -c that lives --set udp
# seconds of idleness and then expires, and the counts follow.

. "$(dirname "$0")/lib.sh"

conn_rows()
{
	ipvsadm -L -n -c | tail -n +3
}

no_conns()
{
	test -z "$(conn_rows)"
}

test_setup XVSD 'setup: seed topology, UDP echo servers, xvsd, a UDP service' '
	topo_build &&
	topo_bg "$NS_RS1" "$TOOLS/udp_echo" 53 rs1 &&
	topo_bg "$NS_RS2" "$TOOLS/udp_echo" 53 rs2 &&
	topo_xvsd_start &&
	ipvsadm --set 30 5 4 &&
	ipvsadm -A -u 192.168.1.200:53 -s rr &&
	ipvsadm -a -u 192.168.1.200:53 -r 10.0.0.2:53 -m &&
	ipvsadm -a -u 192.168.1.200:53 -r 10.0.0.3:53 -m
'

test_expect_success '--set then --timeout' '
	echo "Timeout (tcp tcpfin udp): 30 5 4" >expect &&
	ipvsadm -L --timeout >actual &&
	test_cmp expect actual
'

test_expect_success 'four flows alternate in IPVS order, answered from the VIP' '
	for i in 1 2 3 4; do
		on "$NS_CLI" "$TOOLS/udp_ask" 192.168.1.200 53 "ping$i" || return 1
	done >answers &&
	printf "rs2 ping1\nrs1 ping2\nrs2 ping3\nrs1 ping4\n" >expect &&
	test_cmp expect answers
'

test_expect_success '-c shows four UDP entries with the udp timeout, all inactive' '
	conn_rows >rows && cat rows &&
	test $(wc -l <rows) = 4 &&
	awk "\$1 != \"UDP\" || \$3 != \"UDP\" || \$5 != \"192.168.1.200:53\"" rows >bad &&
	test_cmp /dev/null bad &&
	for e in $(awk "{print \$2}" rows); do
		test "$(expire_secs "$e")" -le 4 || return 1
	done &&
	ipvsadm -L -n | awk "/->/ && \$2 != \"RemoteAddress:Port\" {print \$2, \$5, \$6}" >counts &&
	printf "10.0.0.2:53 0 2\n10.0.0.3:53 0 2\n" >expect &&
	test_cmp expect counts
'

test_expect_success 'they expire after the udp timeout and the counts follow' '
	start=$SECONDS &&
	wait_until 10 no_conns &&
	echo "gone after $((SECONDS - start)) s" &&
	ipvsadm -L -n | awk "/->/ && \$2 != \"RemoteAddress:Port\" {print \$2, \$5, \$6}" >counts &&
	printf "10.0.0.2:53 0 0\n10.0.0.3:53 0 0\n" >expect &&
	test_cmp expect counts
'

test_expect_success 'a flow that keeps talking stays (each packet re-arms the timer)' '
	on "$NS_CLI" bash -c "exec 3<>/dev/udp/192.168.1.200/53 &&
		for i in 1 2 3 4 5 6; do echo keep >&3; sleep 1; done" &&
	test $(conn_rows | wc -l) = 1
'

test_expect_success '--stats counts 5 UDP connections' '
	ipvsadm -L -n --stats --exact | awk "/^UDP /{print \$3}" >conns &&
	echo 5 >expect &&
	test_cmp expect conns
'

test_done
