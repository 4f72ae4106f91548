#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The tc datapath (xvsd --datapath tc) with the senders' checksum offload ON,
# as the stack hands tc CHECKSUM_PARTIAL packets on real NICs with GRO too:
# every TCP and UDP packet must reach its receiver with a valid checksum
# (TcpInCsumErrors / UdpInCsumErrors stay 0 in the client and the servers).

. "$(dirname "$0")/lib.sh"

csum_errors()
{
	local ns
	for ns in "$NS_CLI" "$NS_RS1" "$NS_RS2"; do
		echo "$ns Tcp $(snmp_get "$ns" Tcp InCsumErrors) Udp $(snmp_get "$ns" Udp InCsumErrors)"
	done
}

test_setup XVSD 'setup: seed topology with offload on, nginx, UDP echo, xvsd --datapath tc' '
	TOPO_OFFLOAD=1 topo_build &&
	topo_real_servers &&
	topo_bg "$NS_RS1" "$TOOLS/udp_echo" 53 rs1 &&
	topo_bg "$NS_RS2" "$TOOLS/udp_echo" 53 rs2 &&
	topo_xvsd_start --datapath tc &&
	ipvsadm -A -t 192.168.1.200:80 -s rr &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.2:80 -m &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.3:80 -m &&
	ipvsadm -A -u 192.168.1.200:53 -s rr &&
	ipvsadm -a -u 192.168.1.200:53 -r 10.0.0.2:53 -m &&
	ipvsadm -a -u 192.168.1.200:53 -r 10.0.0.3:53 -m
'

test_expect_success 'senders have tx checksum offload on; the director runs no XDP' '
	for ns in "$NS_CLI" "$NS_RS1" "$NS_RS2"; do
		on "$ns" ethtool -k eth0 | grep -qx "tx-checksumming: on" || return 1
	done &&
	! on "$NS_DIR" ip link show | grep -q " xdp" &&
	on "$NS_DIR" tc filter show dev eth0 ingress | grep -q bpf &&
	on "$NS_DIR" tc filter show dev eth1 ingress | grep -q bpf &&
	csum_errors >before && cat before
'

test_expect_success 'ten curls alternate' '
	for i in {1..10}; do
		which_rs || return 1
	done >got &&
	printf "Real Server rs2\nReal Server rs1\n%.0s" 1 2 3 4 5 >expect &&
	test_cmp expect got
'

test_expect_success 'two 4 MiB downloads arrive intact' '
	on "$NS_CLI" curl -s -m 20 -o dl1.bin http://192.168.1.200/big.bin &&
	on "$NS_CLI" curl -s -m 20 -o dl2.bin http://192.168.1.200/big.bin &&
	cmp dl1.bin "$TOPO_TMP/big.bin" &&
	cmp dl2.bin "$TOPO_TMP/big.bin"
'

test_expect_success 'UDP answers come back' '
	for i in 1 2 3 4; do
		on "$NS_CLI" "$TOOLS/udp_ask" 192.168.1.200 53 "u$i" || return 1
	done >got &&
	printf "rs2 u1\nrs1 u2\nrs2 u3\nrs1 u4\n" >expect &&
	test_cmp expect got
'

test_expect_success 'no checksum errors at any receiver' '
	csum_errors >after && cat after &&
	test_cmp before after &&
	awk "{ if (\$3 != 0 || \$5 != 0) exit 1 }" after
'

test_done
