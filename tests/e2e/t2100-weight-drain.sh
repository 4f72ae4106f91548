#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Weight 0 drains a server as in IPVS: it gets no new connections but its
# open connection keeps flowing to the end, and weight 1 brings it back.

. "$(dirname "$0")/lib.sh"

conn_rows()
{
	ipvsadm -L -n -c | tail -n +3
}

test_setup XVSD 'setup: seed topology, nginx, xvsd, the seed service' '
	topo_build &&
	topo_real_servers &&
	topo_xvsd_start &&
	ipvsadm -A -t 192.168.1.200:80 -s rr &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.2:80 -m &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.3:80 -m
'

test_expect_success 'a long download starts on rs2 (the first rr pick)' '
	download_start dl.bin &&
	wait_until 5 eval "conn_rows | grep -q \"ESTABLISHED .* 10.0.0.3:80\$\""
'

test_expect_success 'weight 0 on rs2: listed with its open connection still active' '
	ipvsadm -e -t 192.168.1.200:80 -r 10.0.0.3:80 -m -w 0 &&
	ipvsadm -L -n | awk "\$2 == \"10.0.0.3:80\" {print \$4, \$5}" >got &&
	echo "0 1" >expect &&
	test_cmp expect got
'

test_expect_success 'new connections all go to rs1 while rs2 drains' '
	for i in 1 2 3 4 5 6; do
		which_rs || return 1
	done >got &&
	printf "Real Server rs1\n%.0s" 1 2 3 4 5 6 >expect &&
	test_cmp expect got &&
	! grep -q "^exit" dl.bin.status
'

test_expect_success 'the drained connection completes intact' '
	download_ok dl.bin 20 &&
	ipvsadm -L -n --stats --exact | awk "\$2 == \"10.0.0.3:80\" {print \$3}" >got &&
	echo 1 >expect &&
	test_cmp expect got
'

test_expect_success 'weight 1 again: rs2 takes new connections' '
	ipvsadm -e -t 192.168.1.200:80 -r 10.0.0.3:80 -m -w 1 &&
	for i in 1 2 3 4; do
		which_rs || return 1
	done | sort | uniq -c | awk "{print \$4, \$1}" >got &&
	printf "rs1 2\nrs2 2\n" >expect &&
	test_cmp expect got
'

test_done
