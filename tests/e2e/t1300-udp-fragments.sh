#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A UDP datagram larger than the path MTU (2000 bytes of payload over 1500):
# the client's stack sends it in two fragments, the director forwards each
# (docs/datapath.md, IP fragments), the real server reassembles it and
# answers with a fragmented datagram that comes back from the VIP. IPVS
# counts each datagram as one packet with all its bytes.

. "$(dirname "$0")/lib.sh"

MSG=$(head -c 2000 /dev/zero | tr '\0' x)

test_setup XVSD 'setup: seed topology, UDP echo servers, xvsd, a UDP service' '
	topo_build &&
	topo_bg "$NS_RS1" "$TOOLS/udp_echo" 53 rs1 &&
	topo_bg "$NS_RS2" "$TOOLS/udp_echo" 53 rs2 &&
	topo_xvsd_start &&
	ipvsadm -A -u 192.168.1.200:53 -s rr &&
	ipvsadm -a -u 192.168.1.200:53 -r 10.0.0.2:53 -m &&
	ipvsadm -a -u 192.168.1.200:53 -r 10.0.0.3:53 -m
'

test_expect_success 'a 2000-byte datagram is answered whole, from the VIP, twice' '
	on "$NS_CLI" "$TOOLS/udp_ask" 192.168.1.200 53 "$MSG" >answer1 &&
	on "$NS_CLI" "$TOOLS/udp_ask" 192.168.1.200 53 "$MSG" >answer2 &&
	printf "rs2 %s\n" "$MSG" >expect1 &&
	printf "rs1 %s\n" "$MSG" >expect2 &&
	test_cmp expect1 answer1 &&
	test_cmp expect2 answer2
'

test_expect_success 'it crossed the director in fragments: counted as IPVS counts datagrams' '
	ipvsadm -L -n --stats --exact | awk "\$1 == \"UDP\" {print \$3, \$4, \$5, \$6, \$7}" >stats &&
	cat stats &&
	echo "2 2 2 4056 4064" >expect &&
	test_cmp expect stats
'

test_done
