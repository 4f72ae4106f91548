#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lblc and lblcr through ipvsadm and the datapath: every client goes to the
# VIP, one destination address, so its locality cache entry keeps one
# server while that server is not overloaded in lblc's sense (ipvs.md 1.4);
# rr on the same service alternates. Weight 0 moves the address on.

. "$(dirname "$0")/lib.sh"

test_setup XVSD 'setup: seed topology, nginx, xvsd, an lblc service' '
	topo_build &&
	topo_real_servers &&
	topo_xvsd_start &&
	ipvsadm -A -t 192.168.1.200:80 -s lblc &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.2:80 -m &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.3:80 -m
'

six_requests()
{
	local i
	for i in 1 2 3 4 5 6; do
		which_rs || return 1
	done | sort | uniq -c | awk "{print \$1}"
}

test_expect_success 'lblc: listed, six requests all on one server' '
	ipvsadm -L -n | grep -x "TCP  192.168.1.200:80 lblc" &&
	six_requests >got && echo 6 >expect && test_cmp expect got
'

test_expect_success 'lblc: that server at weight 0: the address moves to the other' '
	first=$(which_rs) &&
	case $first in *rs1) ip=10.0.0.2 ;; *rs2) ip=10.0.0.3 ;; esac &&
	ipvsadm -e -t 192.168.1.200:80 -r $ip:80 -m -w 0 &&
	now=$(which_rs) && again=$(which_rs) &&
	echo "$first -> $now $again" &&
	test "$now" != "$first" && test "$now" = "$again"
'

test_expect_success 'rr on the same servers alternates (the cache is lblc'"'"'s)' '
	ipvsadm -e -t 192.168.1.200:80 -r 10.0.0.2:80 -m -w 1 &&
	ipvsadm -e -t 192.168.1.200:80 -r 10.0.0.3:80 -m -w 1 &&
	ipvsadm -E -t 192.168.1.200:80 -s rr &&
	six_requests >got && printf "3\n3\n" >expect && test_cmp expect got
'

test_expect_success 'lblcr: six requests on one server of the set' '
	ipvsadm -E -t 192.168.1.200:80 -s lblcr &&
	ipvsadm -L -n | grep -x "TCP  192.168.1.200:80 lblcr" &&
	six_requests >got && echo 6 >expect && test_cmp expect got
'

test_done
