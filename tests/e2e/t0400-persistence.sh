#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Persistence (-p): every connection of one client goes to the server its
# first one got, a template entry (client port 0) shows in -c, and -E without
# -p brings rr back.

. "$(dirname "$0")/lib.sh"

test_setup XVSD 'setup: seed topology, nginx, xvsd, the seed service with -p 300' '
	topo_build &&
	topo_real_servers &&
	topo_xvsd_start &&
	ipvsadm -A -t 192.168.1.200:80 -s rr -p 300 &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.2:80 -m &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.3:80 -m
'

test_expect_success 'six curls from one client all reach the same server' '
	for i in 1 2 3 4 5 6; do
		which_rs || return 1
	done | sort | uniq -c | awk "{print \$1}" >got &&
	echo 6 >expect &&
	test_cmp expect got
'

# IPVS shows one template per client, NONE until a connection it controls
# reaches ESTABLISHED, then ASSURED (ip_vs_control_assure_ct).
test_expect_success '-c shows one ASSURED template, port 0, with the 300 s timeout' '
	ipvsadm -L -n -c >conns && cat conns &&
	grep -E "^TCP [0-9:]+ +[A-Z_]+ +192\.168\.1\.50:0 " conns >tpl &&
	test $(wc -l <tpl) = 1 &&
	grep -E "^TCP 0[45]:[0-9]{2}  ASSURED     192\.168\.1\.50:0     192\.168\.1\.200:80   10\.0\.0\.[23]:80$" tpl
'

test_expect_success '-E without -p: rr again' '
	ipvsadm -E -t 192.168.1.200:80 -s rr &&
	for i in 1 2 3 4; do
		which_rs || return 1
	done | sort | uniq -c | awk "{print \$4, \$1}" >got &&
	printf "rs1 2\nrs2 2\n" >expect &&
	test_cmp expect got
'

test_done
