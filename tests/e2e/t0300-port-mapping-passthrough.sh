#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Port mapping (VIP:80 -> RIP:8080, UDP VIP:5353 -> RIP:53) and traffic
# that is not for a virtual service: the director keeps routing it and
# answering it itself, untouched by xvs.

. "$(dirname "$0")/lib.sh"

test_setup XVSD 'setup: seed topology, nginx, UDP echo on rs1, xvsd' '
	topo_build &&
	topo_real_servers &&
	topo_bg "$NS_RS1" "$TOOLS/udp_echo" 53 rs1 &&
	topo_xvsd_start &&
	ipvsadm -A -t 192.168.1.200:80 -s rr &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.2:8080 -m &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.3:8080 -m &&
	ipvsadm -A -u 192.168.1.200:5353 -s rr &&
	ipvsadm -a -u 192.168.1.200:5353 -r 10.0.0.2:53 -m
'

test_expect_success 'TCP VIP:80 reaches the servers on port 8080' '
	which_rs >got && which_rs >>got &&
	printf "Real Server rs2\nReal Server rs1\n" >expect &&
	test_cmp expect got &&
	grep -c "\"GET / HTTP/1.1\" 200" "$TOPO_TMP/nginx-rs1/access.log" &&
	ipvsadm -L -n -c | awk "NR > 2 {print \$5, \$6}" | sort >dests &&
	printf "192.168.1.200:80 10.0.0.2:8080\n192.168.1.200:80 10.0.0.3:8080\n" >expect &&
	test_cmp expect dests
'

test_expect_success 'UDP VIP:5353 reaches rs1 on port 53, the answer comes from VIP:5353' '
	on "$NS_CLI" "$TOOLS/udp_ask" 192.168.1.200 5353 hello >got &&
	echo "rs1 hello" >expect &&
	test_cmp expect got
'

test_expect_success 'a VIP port without a service is the director'"'"'s own (refused)' '
	on "$NS_CLI" curl -s -m 5 http://192.168.1.200:81/ ; rc=$? &&
	echo "curl exit $rc" &&
	test $rc = 7
'

# A documented limit: IPVS balances the director's own connections to a
# VIP (LOCAL_OUT); xvs works on received packets only, so they reach the
# director's own stack.
test_expect_success 'the director'"'"'s own connection to the VIP is not balanced (limit)' '
	on "$NS_DIR" curl -s -m 5 http://192.168.1.200/ ; rc=$? &&
	echo "curl exit $rc" &&
	test $rc = 7
'

test_expect_success 'the director still routes other traffic both ways' '
	on "$NS_CLI" ip route add 10.0.0.0/24 via 192.168.1.100 &&
	on "$NS_CLI" curl -s -m 5 http://10.0.0.2/ | grep -q "Real Server rs1" &&
	on "$NS_CLI" curl -s -m 5 http://10.0.0.3:8080/ | grep -q "Real Server rs2" &&
	on "$NS_CLI" "$TOOLS/udp_ask" 10.0.0.2 53 direct >got &&
	echo "rs1 direct" >expect &&
	test_cmp expect got &&
	topo_bg "$NS_CLI" "$TOOLS/udp_echo" 9999 client &&
	wait_until 3 on "$NS_RS1" "$TOOLS/udp_ask" 192.168.1.50 9999 out 500 >got &&
	echo "client out" >expect &&
	test_cmp expect got
'

test_expect_success 'direct traffic is not counted as virtual-service traffic' '
	ipvsadm -L -n --stats --exact >stats && cat stats &&
	awk "/^TCP /{print \$3}" stats >conns &&
	echo 2 >expect && test_cmp expect conns
'

test_done
