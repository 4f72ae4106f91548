#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Port-0 persistent services and one-packet scheduling through ipvsadm:
# ipvsadm's refusals (exit 2, nothing changed), the listing lines, a
# client that sticks to one server across the VIP's ports (IPVS keys a
# port-0 service's templates with port 0, ipvs.md 2.4), an invalidated
# template shown with ports 65535, and -o datagrams answered from the VIP,
# their entries gone once answered.

. "$(dirname "$0")/lib.sh"

test_setup XVSD 'setup: seed topology, nginx on 80 and 8080, xvsd' '
	topo_build &&
	topo_real_servers &&
	topo_xvsd_start
'

test_expect_success 'port 0 without -p: ipvsadm refuses, nothing is added' '
	{ ipvsadm -A -t 192.168.1.200:0 -s rr 2>err; test $? = 2; } &&
	echo "Zero port specified for non-persistent service" >expect &&
	test_cmp expect err &&
	ipvsadm -S -n >saved &&
	test ! -s saved
'

test_expect_success '-o on a TCP service: ipvsadm refuses' '
	{ ipvsadm -A -t 192.168.1.200:53 -o 2>err; test $? = 2; } &&
	echo "One-Packet Scheduling is only for UDP virtual services" >expect &&
	test_cmp expect err &&
	ipvsadm -S -n >saved &&
	test ! -s saved
'

test_expect_success 'listing: TCP VIP:0 rr persistent 360, UDP ops' '
	ipvsadm -A -t 192.168.1.200:0 -s rr -p &&
	ipvsadm -a -t 192.168.1.200:0 -r 10.0.0.2 -m &&
	ipvsadm -a -t 192.168.1.200:0 -r 10.0.0.3 -m &&
	ipvsadm -A -u 192.168.1.200:53 -s rr -o &&
	ipvsadm -L -n >list && cat list &&
	grep -x "TCP  192.168.1.200:0 rr persistent 360" list &&
	grep -E "^  -> 10\.0\.0\.2:0 +Masq +1 " list &&
	grep -x "UDP  192.168.1.200:53 rr ops" list
'

test_expect_success 'one client: the same server on port 80 and on port 8080' '
	a=$(which_rs) && b=$(on "$NS_CLI" curl -s -m 5 "http://$VIP:8080/" |
		grep -o "Real Server rs[0-9]*") &&
	c=$(which_rs) &&
	echo "$a $b $c" &&
	test -n "$a" && test "$a" = "$b" && test "$a" = "$c"
'

test_expect_success '-c: one template with port 0 on both sides, a connection per port' '
	ipvsadm -L -n -c >conns && cat conns &&
	grep -E "^TCP [0-9:]+ +[A-Z]+ +192\.168\.1\.50:0 +192\.168\.1\.200:0 +10\.0\.0\.[23]:0$" conns >tpl &&
	test $(wc -l <tpl) = 1 &&
	grep -E "192\.168\.1\.200:8080 +10\.0\.0\.[23]:8080$" conns
'

# IPVS re-keys a template whose server is gone with ports 65535 so it never
# matches again; it lingers until its timer ends (ip_vs_check_template).
test_expect_success 'server removed: client rescheduled, the old template shows ports 65535' '
	old=$(ipvsadm -L -n -c | grep -oE "192\.168\.1\.200:0 +10\.0\.0\.[23]:0" |
		grep -oE "10\.0\.0\.[23]") &&
	test -n "$old" &&
	ipvsadm -d -t 192.168.1.200:0 -r "$old" &&
	now=$(which_rs) && echo "now $now" &&
	ipvsadm -L -n -c >conns && cat conns &&
	grep -E "^TCP [0-9:]+ +[A-Z]+ +192\.168\.1\.50:0 +192\.168\.1\.200:65535 +$old:65535\$" conns &&
	grep -E "192\.168\.1\.50:0 +192\.168\.1\.200:0 +10\.0\.0\.[23]:0\$" conns >tpl &&
	test $(wc -l <tpl) = 1 && ! grep -q "$old:" tpl
'

no_udp_conns()
{
	! ipvsadm -L -n -c | grep -q "^UDP"
}

test_expect_success '-o: answers come back from the VIP; answered entries go within a sweep' '
	topo_bg "$NS_RS1" "$TOOLS/udp_echo" 53 rs1 &&
	topo_bg "$NS_RS2" "$TOOLS/udp_echo" 53 rs2 &&
	ipvsadm -a -u 192.168.1.200:53 -r 10.0.0.2:53 -m &&
	ipvsadm -a -u 192.168.1.200:53 -r 10.0.0.3:53 -m &&
	for i in 1 2 3 4; do
		on "$NS_CLI" "$TOOLS/udp_ask" 192.168.1.200 53 "q$i" 2000 || return 1
	done >answers &&
	cat answers &&
	test $(grep -c "^rs1 " answers) = 2 &&
	test $(grep -c "^rs2 " answers) = 2 &&
	wait_until 3 no_udp_conns
'

test_done
