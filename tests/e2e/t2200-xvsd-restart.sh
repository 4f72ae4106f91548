#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The datapath outlives xvsd: kill -9 during a long transfer breaks nothing,
# new connections are still balanced while xvsd is down, and a restarted
# xvsd adopts the pinned state (configuration, connections, counters).
# Then the same with a clean SIGTERM.

. "$(dirname "$0")/lib.sh"

conn_rows()
{
	ipvsadm -L -n -c | tail -n +3
}

test_setup XVSD 'setup: seed topology, nginx, xvsd, the seed service' '
	topo_build &&
	topo_real_servers &&
	topo_xvsd_start &&
	ipvsadm --set 30 5 60 &&
	ipvsadm -A -t 192.168.1.200:80 -s rr &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.2:80 -m &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.3:80 -m -w 2 &&
	ipvsadm -S -n >saved &&
	ipvsadm -L --timeout >timeouts
'

test_expect_success 'a long transfer is running' '
	download_start dl.bin &&
	wait_until 5 eval "conn_rows | grep -q ESTABLISHED"
'

test_expect_success 'kill -9 xvsd: the transfer keeps going' '
	topo_xvsd_stop KILL &&
	s1=$(stat -c %s dl.bin) &&
	wait_until 3 eval "test \$(stat -c %s dl.bin) -gt $s1" &&
	echo "$s1 -> $(stat -c %s dl.bin) bytes"
'

test_expect_success 'while xvsd is down, new connections are still balanced' '
	for i in 1 2 3 4; do
		which_rs || return 1
	done | sort | uniq -c | awk "{print \$4, \$1}" >got &&
	printf "rs1 2\nrs2 2\n" >expect &&
	test_cmp expect got
'

test_expect_success 'xvsd restarts and adopts the configuration' '
	topo_xvsd_start &&
	! grep -q "^exit" dl.bin.status &&
	ipvsadm -S -n >actual && test_cmp saved actual &&
	ipvsadm -L --timeout >actual && test_cmp timeouts actual
'

test_expect_success 'the transfer completes intact' '
	download_ok dl.bin 40
'

test_expect_success 'connections and counters made across the restart are all there' '
	conn_rows >rows && cat rows &&
	test $(wc -l <rows) = 5 &&
	ipvsadm -L -n --stats --exact | awk "/^TCP /{print \$3}" >conns &&
	echo 5 >expect && test_cmp expect conns
'

test_expect_success 'SIGTERM leaves the datapath running; restart adopts again' '
	topo_xvsd_stop TERM &&
	which_rs && which_rs &&
	topo_xvsd_start &&
	ipvsadm -S -n >actual && test_cmp saved actual &&
	ipvsadm -L -n --stats --exact | awk "/^TCP /{print \$3}" >conns &&
	echo 7 >expect && test_cmp expect conns
'

test_done
