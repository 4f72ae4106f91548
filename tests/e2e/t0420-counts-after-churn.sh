#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ActiveConn/InActConn of `-L -n` equal what `-L -n -c` lists after churn:
# many short connections (left in TIME_WAIT), two downloads held open
# (ESTABLISHED) and one half-closed connection (FIN_WAIT), then traffic
# stops and both listings are read back to back. A connection counts as
# active in ESTABLISHED, SYN_SENT, SYN_RECV and SYNACK, as the kernel's
# tcp_state_active() says (ipvs.md 2.2), inactive in any other state.

. "$(dirname "$0")/lib.sh"

test_setup XVSD 'setup: seed topology, nginx, xvsd, the seed service (wlc)' '
	topo_build &&
	topo_real_servers &&
	topo_xvsd_start &&
	ipvsadm -A -t 192.168.1.200:80 -s wlc &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.2:80 -m &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.3:80 -m
'

test_expect_success 'churn: 2 downloads held, 1 half-closed, 60 short requests' '
	download_start dl1 &&
	download_start dl2 &&
	topo_bg "$NS_CLI" "$TOOLS/tcp_hold" 192.168.1.200 80 60 >hold.out &&
	for i in $(seq 60); do
		curl_vip >/dev/null || return 1
	done
'

# Per server "addr active inactive", from each listing.
counts_of_list()
{
	awk "\$1 == \"->\" && \$2 ~ /^10\\./ { print \$2, \$5, \$6 }" "$1" | sort
}

counts_of_conns()
{
	awk "\$1 == \"TCP\" && \$4 !~ /:0\$/ {
		act = \$3 ~ /^(ESTABLISHED|SYN_SENT|SYN_RECV|SYNACK)\$/
		a[\$6] += act; i[\$6] += !act; seen[\$6] = 1
	} END { for (d in seen) print d, a[d] + 0, i[d] + 0 }" "$1" | sort
}

# -L -n, -L -n -c, -L -n again: one snapshot when the counts did not move.
snapshot()
{
	local try
	for try in 1 2 3 4 5; do
		ipvsadm -L -n >list1 && ipvsadm -L -n -c >conns && ipvsadm -L -n >list2 &&
		counts_of_list list1 >c1 && counts_of_list list2 >c2 &&
		cmp -s c1 c2 && return 0
		sleep 0.2
	done
	return 1
}

test_expect_success 'traffic stopped: -L -n counts equal -L -n -c per server' '
	snapshot &&
	cat list1 conns &&
	counts_of_list list1 >from_list &&
	counts_of_conns conns >from_conns &&
	test_cmp from_list from_conns &&
	awk "{ a += \$2; i += \$3 } END { exit !(a >= 2 && i >= 61) }" from_list
'

test_done
