#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The seed's LVS-NAT walkthrough (shared/seed/lvs-nat.md) end to end: the
# section 1.5 commands, the listings ipvsadm 1.31 prints for them (recorded in
# reference/ipvsadm-walkthrough.txt), section 3.2's ten curls, section 3.3's
# --stats/--rate/-c, and the scheduler section (wrr, weights 2:1).
# Expected listings mark line ends with `|` so trailing spaces stay visible.

. "$(dirname "$0")/lib.sh"

# Strip the end-of-line markers of an expected listing.
expect()
{
	sed 's/|$//' >"$TOPO_TMP/expect"
}

test_setup XVSD 'setup: seed topology, nginx on rs1 and rs2, xvsd on the director' '
	topo_build &&
	topo_real_servers &&
	topo_xvsd_start
'

test_expect_success XVSADM 'section 1.5 commands succeed silently' '
	ipvsadm -C &&
	ipvsadm --set 30 5 60 &&
	ipvsadm -A -t 192.168.1.200:80 -s rr &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.2:80 -m &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.3:80 -m &&
	ipvsadm-save >"$TOPO_TMP/sysconfig-ipvsadm" &&
	test -s "$TOPO_TMP/sysconfig-ipvsadm"
'

test_expect_success 'ipvsadm -L -n is ipvsadm 1.31 output byte for byte' '
	expect <<-\EOF &&
	IP Virtual Server version 1.2.1 (size=4096)
	Prot LocalAddress:Port Scheduler Flags
	  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
	TCP  192.168.1.200:80 rr
	  -> 10.0.0.2:80                  Masq    1      0          0         |
	  -> 10.0.0.3:80                  Masq    1      0          0         |
	EOF
	ipvsadm -L -n >actual &&
	test_cmp "$TOPO_TMP/expect" actual
'

test_expect_success 'ipvsadm -L resolves names (loopback resolver) like ipvsadm' '
	expect <<-\EOF &&
	IP Virtual Server version 1.2.1 (size=4096)
	Prot LocalAddress:Port Scheduler Flags
	  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
	TCP  192.168.1.200:http rr
	  -> 10.0.0.2:http                Masq    1      0          0         |
	  -> 10.0.0.3:http                Masq    1      0          0         |
	EOF
	ipvsadm -L >actual &&
	test_cmp "$TOPO_TMP/expect" actual
'

test_expect_success 'ipvsadm-save output (the saved /etc/sysconfig/ipvsadm) and -S -n' '
	expect <<-\EOF &&
	-A -t 192.168.1.200:http -s rr
	-a -t 192.168.1.200:http -r 10.0.0.2:http -m -w 1
	-a -t 192.168.1.200:http -r 10.0.0.3:http -m -w 1
	EOF
	test_cmp "$TOPO_TMP/expect" "$TOPO_TMP/sysconfig-ipvsadm" &&
	expect <<-\EOF &&
	-A -t 192.168.1.200:80 -s rr
	-a -t 192.168.1.200:80 -r 10.0.0.2:80 -m -w 1
	-a -t 192.168.1.200:80 -r 10.0.0.3:80 -m -w 1
	EOF
	ipvsadm -S -n >actual &&
	test_cmp "$TOPO_TMP/expect" actual &&
	ipvsadm-save -n >actual &&
	test_cmp "$TOPO_TMP/expect" actual
'

test_expect_success '--set 30 5 60 then --timeout' '
	echo "Timeout (tcp tcpfin udp): 30 5 60" >expect &&
	ipvsadm -L --timeout >actual &&
	test_cmp expect actual
'

test_expect_success 'before traffic: --stats, --rate and -c as ipvsadm prints them' '
	expect <<-\EOF &&
	IP Virtual Server version 1.2.1 (size=4096)
	Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
	  -> RemoteAddress:Port
	TCP  192.168.1.200:80                    0        0        0        0        0
	  -> 10.0.0.2:80                         0        0        0        0        0
	  -> 10.0.0.3:80                         0        0        0        0        0
	EOF
	ipvsadm -L -n --stats >actual &&
	test_cmp "$TOPO_TMP/expect" actual &&
	expect <<-\EOF &&
	IP Virtual Server version 1.2.1 (size=4096)
	Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS
	  -> RemoteAddress:Port
	TCP  192.168.1.200:80                    0        0        0        0        0
	  -> 10.0.0.2:80                         0        0        0        0        0
	  -> 10.0.0.3:80                         0        0        0        0        0
	EOF
	ipvsadm -L -n --rate >actual &&
	test_cmp "$TOPO_TMP/expect" actual &&
	expect <<-\EOF &&
	IPVS connection entries
	pro expire state       source             virtual            destination
	EOF
	ipvsadm -L -n -c >actual &&
	test_cmp "$TOPO_TMP/expect" actual
'

# IP-layer counters of a real server: what it received from and sent to the
# director. IPv6 is off and every sender has GSO off, so each is one packet.
rs_counters()
{
	echo "$(snmp_get "$1" Ip InReceives) $(snmp_get "$1" IpExt InOctets)" \
		"$(snmp_get "$1" IpExt OutOctets)"
}

test_expect_success 'section 3.2: ten curls alternate between the servers in IPVS order' '
	rs1_before=$(rs_counters "$NS_RS1") &&
	rs2_before=$(rs_counters "$NS_RS2") &&
	for i in {1..10}; do
		on "$NS_CLI" curl -s -m 5 -o "$TOPO_TMP/page.$i" \
			-w "%{size_request} %{size_header} %{size_download}\n" \
			http://192.168.1.200 >>"$TOPO_TMP/curl-sizes" &&
		grep -o "Real Server rs[0-9]" "$TOPO_TMP/page.$i" >>"$TOPO_TMP/order" ||
		return 1
	done &&
	sleep 0.5 &&
	rs1_after=$(rs_counters "$NS_RS1") &&
	rs2_after=$(rs_counters "$NS_RS2") &&
	cat "$TOPO_TMP/order" &&
	# IPVS puts a new server at the head of the list: rr starts with the
	# server added last (10.0.0.3 = rs2).
	printf "Real Server rs2\nReal Server rs1\n%.0s" 1 2 3 4 5 >expect &&
	test_cmp expect "$TOPO_TMP/order"
'

test_expect_success 'after the curls -L -n counts each server 5 inactive (TIME_WAIT) connections' '
	expect <<-\EOF &&
	IP Virtual Server version 1.2.1 (size=4096)
	Prot LocalAddress:Port Scheduler Flags
	  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
	TCP  192.168.1.200:80 rr
	  -> 10.0.0.2:80                  Masq    1      0          5         |
	  -> 10.0.0.3:80                  Masq    1      0          5         |
	EOF
	ipvsadm -L -n >actual &&
	test_cmp "$TOPO_TMP/expect" actual
'

test_expect_success '--stats: 5 connections per server, 10 for the service' '
	ipvsadm -L -n --stats --exact >stats &&
	cat stats &&
	awk "/^TCP  192.168.1.200:80 /{print \$3}" stats >svc_conns &&
	echo 10 >expect && test_cmp expect svc_conns &&
	awk "/-> 10.0.0.[23]:80 /{print \$2, \$3}" stats >dest_conns &&
	printf "10.0.0.2:80 5\n10.0.0.3:80 5\n" >expect &&
	test_cmp expect dest_conns
'

# Fields of a --stats --exact row: conns inpkts outpkts inbytes outbytes.
stats_row()
{
	awk -v k="$1" '$1 == k || $2 == k { n = NF; print $(n-4), $(n-3), $(n-2), $(n-1), $n }' stats
}

test_expect_success 'packet and byte counters match what the real servers saw' '
	for rs in 1 2; do
		eval "b=(\$rs${rs}_before) a=(\$rs${rs}_after)" &&
		row=($(stats_row 10.0.0.$((rs + 1)):80)) &&
		echo "rs$rs: director in ${row[1]} pkts ${row[3]} B, out ${row[4]} B;" \
			"rs saw in $((a[0] - b[0])) pkts $((a[1] - b[1])) B, out $((a[2] - b[2])) B" &&
		test "${row[1]}" = $((a[0] - b[0])) &&
		test "${row[3]}" = $((a[1] - b[1])) &&
		test "${row[4]}" = $((a[2] - b[2])) || return 1
	done &&
	svc=($(stats_row 192.168.1.200:80)) &&
	d1=($(stats_row 10.0.0.2:80)) && d2=($(stats_row 10.0.0.3:80)) &&
	for i in 1 2 3 4; do
		test "${svc[i]}" = $((d1[i] + d2[i])) || return 1
	done
'

# Bytes are L3 lengths: the HTTP bytes curl counted plus 20 (IP) + 20..60
# (TCP) header bytes per packet.
test_expect_success 'byte counters are consistent with what curl moved' '
	read -r req hdr body <<<"$(awk "{r+=\$1; h+=\$2; b+=\$3} END {print r, h, b}" \
		"$TOPO_TMP/curl-sizes")" &&
	svc=($(stats_row 192.168.1.200:80)) &&
	echo "curl: sent $req B, got $((hdr + body)) B; director: in ${svc[1]} pkts ${svc[3]} B, out ${svc[2]} pkts ${svc[4]} B" &&
	test "${svc[3]}" -ge $((req + 40 * svc[1])) &&
	test "${svc[3]}" -le $((req + 80 * svc[1])) &&
	test "${svc[4]}" -ge $((hdr + body + 40 * svc[2])) &&
	test "${svc[4]}" -le $((hdr + body + 80 * svc[2]))
'

test_expect_success '-c lists each curl in TIME_WAIT with 120 s, whatever --set says' '
	ipvsadm -L -n -c >conns &&
	cat conns &&
	head -n 2 conns >head &&
	printf "IPVS connection entries\npro expire state       source             virtual            destination\n" >expect &&
	test_cmp expect head &&
	tail -n +3 conns >rows &&
	test $(wc -l <rows) = 10 &&
	# Same bytes as ipvsadm printf("%-3s %-6s %-11s %-18s %-18s %s\n").
	awk "{printf \"%-3s %-6s %-11s %-18s %-18s %s\n\", \$1, \$2, \$3, \$4, \$5, \$6}" rows >reformatted &&
	test_cmp rows reformatted &&
	awk "\$1 != \"TCP\" || \$3 != \"TIME_WAIT\" || \$4 !~ /^192\.168\.1\.50:[0-9]+$/ || \$5 != \"192.168.1.200:80\"" rows >bad &&
	test_cmp /dev/null bad &&
	awk "{print \$6}" rows | sort | uniq -c | awk "{print \$2, \$1}" >dests &&
	printf "10.0.0.2:80 5\n10.0.0.3:80 5\n" >expect &&
	test_cmp expect dests &&
	for e in $(awk "{print \$2}" rows); do
		s=$(expire_secs "$e") &&
		test "$s" -le 120 && test "$s" -ge 100 || { echo "expire $e"; return 1; }
	done
'

# IPVS's estimator: 2 s samples, EWMA 1/4; ten connections in a burst show
# as 1 conn/s for a few samples.
rate_ok()
{
	ipvsadm -L -n --rate >rate &&
	awk "/^TCP  192.168.1.200:80 /{ exit !(\$3 >= 1 && \$4 >= 1 && \$5 >= 1 && \$6 > 0 && \$7 > 0) }" rate
}

test_expect_success '--rate shows the burst (conn/s, packets/s, bytes/s)' '
	wait_until 6 rate_ok &&
	cat rate &&
	head -n 3 rate >head &&
	printf "%s\n" "IP Virtual Server version 1.2.1 (size=4096)" \
		"Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS" \
		"  -> RemoteAddress:Port" >expect &&
	test_cmp expect head
'

test_expect_success 'scheduling section: -E -s wrr and weights 2:1' '
	ipvsadm -E -t 192.168.1.200:80 -s wrr &&
	ipvsadm -e -t 192.168.1.200:80 -r 10.0.0.2:80 -m -w 2 &&
	ipvsadm -e -t 192.168.1.200:80 -r 10.0.0.3:80 -m -w 1 &&
	expect <<-\EOF &&
	IP Virtual Server version 1.2.1 (size=4096)
	Prot LocalAddress:Port Scheduler Flags
	  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
	TCP  192.168.1.200:80 wrr
	  -> 10.0.0.2:80                  Masq    2      0          5         |
	  -> 10.0.0.3:80                  Masq    1      0          5         |
	EOF
	ipvsadm -L -n >actual &&
	test_cmp "$TOPO_TMP/expect" actual
'

test_expect_success 'wrr 2:1: nine curls give rs1 six and rs2 three' '
	: >"$TOPO_TMP/wrr-order" &&
	for i in {1..9}; do
		which_rs >>"$TOPO_TMP/wrr-order" || return 1
	done &&
	cat "$TOPO_TMP/wrr-order" &&
	sort "$TOPO_TMP/wrr-order" | uniq -c | awk "{print \$4, \$1}" >split &&
	printf "rs1 6\nrs2 3\n" >expect &&
	test_cmp expect split
'

# IPVS wrr after those edits: cursor at the list head, cw = 1 (kept by
# ip_vs_wrr_dest_changed), list rs2 (w1), rs1 (w2): rs2 rs1 | cw 2: rs1 | ...
test_expect_success 'wrr picks in the order IPVS does' '
	printf "Real Server rs2\nReal Server rs1\nReal Server rs1\n%.0s" 1 2 3 >expect &&
	test_cmp expect "$TOPO_TMP/wrr-order"
'

test_done
