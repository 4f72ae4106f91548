#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Configuration without traffic, against ipvsadm 1.31's recorded output
# (reference/ipvsadm-walkthrough.txt sections A and B): the empty table and
# defaults, -E with persistence, the list spellings, --set with zeros, and
# the save/restore round trip (-S | -R, ipvsadm-save | ipvsadm-restore).
# Expected listings mark line ends with `|` so trailing spaces stay visible.

. "$(dirname "$0")/lib.sh"

expect()
{
	sed 's/|$//' >"$TOPO_TMP/expect"
}

test_setup XVSD 'setup: seed topology and a fresh xvsd' '
	topo_build &&
	topo_xvsd_start
'

test_expect_success XVSADM 'empty table: bare ipvsadm, -L -n, -l print the banner only' '
	expect <<-\EOF &&
	IP Virtual Server version 1.2.1 (size=4096)
	Prot LocalAddress:Port Scheduler Flags
	  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
	EOF
	ipvsadm >actual && test_cmp "$TOPO_TMP/expect" actual &&
	ipvsadm -L -n >actual && test_cmp "$TOPO_TMP/expect" actual &&
	ipvsadm -l >actual && test_cmp "$TOPO_TMP/expect" actual
'

test_expect_success 'empty table: IPVS default timeouts, empty -c, --stats, -S' '
	echo "Timeout (tcp tcpfin udp): 900 120 300" >expect &&
	ipvsadm -L -n --timeout >actual && test_cmp expect actual &&
	printf "IPVS connection entries\npro expire state       source             virtual            destination\n" >expect &&
	ipvsadm -L -n -c >actual && test_cmp expect actual &&
	printf "%s\n" "IP Virtual Server version 1.2.1 (size=4096)" \
		"Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes" \
		"  -> RemoteAddress:Port" >expect &&
	ipvsadm -L -n --stats >actual && test_cmp expect actual &&
	ipvsadm -S -n >actual && test_cmp /dev/null actual &&
	ipvsadm-save -n >actual && test_cmp /dev/null actual
'

test_expect_success 'ipvsadm -v and --version print ipvsadm 1.31 version line' '
	echo "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)" >expect &&
	ipvsadm -v >actual && test_cmp expect actual &&
	ipvsadm --version >actual && test_cmp expect actual
'

test_expect_success 'seed service, then -E -s rr -p 300 lists and saves persistence' '
	ipvsadm --set 30 5 60 &&
	ipvsadm -A -t 192.168.1.200:80 -s rr &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.2:80 -m &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.3:80 -m &&
	ipvsadm -E -t 192.168.1.200:80 -s wrr &&
	ipvsadm -e -t 192.168.1.200:80 -r 10.0.0.2:80 -m -w 2 &&
	ipvsadm -E -t 192.168.1.200:80 -s rr -p 300 &&
	expect <<-\EOF &&
	IP Virtual Server version 1.2.1 (size=4096)
	Prot LocalAddress:Port Scheduler Flags
	  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
	TCP  192.168.1.200:80 rr persistent 300
	  -> 10.0.0.2:80                  Masq    2      0          0         |
	  -> 10.0.0.3:80                  Masq    1      0          0         |
	EOF
	for l in "-L -n" -Ln "-l -n" "--list --numeric"; do
		ipvsadm $l >actual && test_cmp "$TOPO_TMP/expect" actual || return 1
	done &&
	expect <<-\EOF &&
	-A -t 192.168.1.200:80 -s rr -p 300
	-a -t 192.168.1.200:80 -r 10.0.0.2:80 -m -w 2
	-a -t 192.168.1.200:80 -r 10.0.0.3:80 -m -w 1
	EOF
	ipvsadm -S -n >actual && test_cmp "$TOPO_TMP/expect" actual
'

test_expect_success '-E without -p drops persistence' '
	ipvsadm -E -t 192.168.1.200:80 -s rr &&
	expect <<-\EOF &&
	IP Virtual Server version 1.2.1 (size=4096)
	Prot LocalAddress:Port Scheduler Flags
	  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
	TCP  192.168.1.200:80 rr
	  -> 10.0.0.2:80                  Masq    2      0          0         |
	  -> 10.0.0.3:80                  Masq    1      0          0         |
	EOF
	ipvsadm -L -n >actual && test_cmp "$TOPO_TMP/expect" actual
'

test_expect_success '--set 0 0 0 changes nothing, --set 900 120 300 restores defaults' '
	ipvsadm --set 0 0 0 &&
	echo "Timeout (tcp tcpfin udp): 30 5 60" >expect &&
	ipvsadm -L -n --timeout >actual && test_cmp expect actual &&
	ipvsadm --set 900 120 300 &&
	echo "Timeout (tcp tcpfin udp): 900 120 300" >expect &&
	ipvsadm -L -n --timeout >actual && test_cmp expect actual &&
	ipvsadm --set 0 7 0 &&
	echo "Timeout (tcp tcpfin udp): 900 7 300" >expect &&
	ipvsadm -L -n --timeout >actual && test_cmp expect actual
'

test_expect_success 'a richer table: several services, schedulers, weights, port mapping' '
	ipvsadm -A -u 192.168.1.200:53 -s wlc &&
	ipvsadm -a -u 192.168.1.200:53 -r 10.0.0.3:5353 -m -w 3 &&
	ipvsadm -a -u 192.168.1.200:53 -r 10.0.0.2:53 -m -w 0 &&
	ipvsadm -A -t 192.168.1.200:443 -s wrr -p &&
	ipvsadm -a -t 192.168.1.200:443 -r 10.0.0.2:8443 -m -w 65535 &&
	ipvsadm -A -t 192.168.1.201:8080 &&
	ipvsadm -a -t 192.168.1.201:8080 -r 10.0.0.3 -m &&
	expect <<-\EOF &&
	-A -t 192.168.1.200:80 -s rr
	-a -t 192.168.1.200:80 -r 10.0.0.2:80 -m -w 2
	-a -t 192.168.1.200:80 -r 10.0.0.3:80 -m -w 1
	-A -t 192.168.1.200:443 -s wrr -p 360
	-a -t 192.168.1.200:443 -r 10.0.0.2:8443 -m -w 65535
	-A -t 192.168.1.201:8080 -s wlc
	-a -t 192.168.1.201:8080 -r 10.0.0.3:8080 -m -w 1
	-A -u 192.168.1.200:53 -s wlc
	-a -u 192.168.1.200:53 -r 10.0.0.2:53 -m -w 0
	-a -u 192.168.1.200:53 -r 10.0.0.3:5353 -m -w 3
	EOF
	ipvsadm -S -n >saved &&
	test_cmp "$TOPO_TMP/expect" saved &&
	ipvsadm -L -n >listed
'

test_expect_success 'round trip: -C, then -R of the -S output gives the same table' '
	ipvsadm -C &&
	ipvsadm -S -n >actual && test_cmp /dev/null actual &&
	ipvsadm -R <saved &&
	ipvsadm -S -n >actual && test_cmp saved actual &&
	ipvsadm -L -n >actual && test_cmp listed actual
'

test_expect_success 'round trip: ipvsadm-save | ipvsadm-restore (names, comments)' '
	ipvsadm-save >named &&
	grep -q "^-A -t 192.168.1.200:http -s rr$" named &&
	{ echo "# saved by the test"; cat named; } >named-commented &&
	ipvsadm -C &&
	ipvsadm-restore <named-commented &&
	ipvsadm -S -n >actual && test_cmp saved actual &&
	ipvsadm-save >actual && test_cmp named actual
'

test_done
