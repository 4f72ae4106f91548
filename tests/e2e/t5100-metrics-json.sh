#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Monitoring a director as an admin would: Prometheus metrics scraped with
# curl from the client namespace over the director's XDP-attached eth0 and
# checked by promtool, and `ipvsadm -j` listings checked by jq; both must
# show the same numbers as `ipvsadm -L -n --stats --exact` after the seed's
# ten curls. Also: metrics off by default, set from the command line or
# xvsd.conf, bad requests and slow clients, bad addresses and a taken port.
# Docs: docs/ops.md.

. "$(dirname "$0")/lib.sh"

MADDR=192.168.1.100:9100
for c in jq promtool ss; do
	command -v "$c" >/dev/null && test_set_prereq "$(echo "$c" | tr a-z A-Z)"
done

# One test needing a tool Debian ships (scripts/deps.sh installs it).
test_with()
{
	if test_have_prereq "$1"; then
		test_expect_success "$2" "$3"
	else
		test_skip "$2" "no $(echo "$1" | tr A-Z a-z): scripts/deps.sh install"
	fi
}

# Scrape from the client: headers to $1.head, body to $1.
scrape()
{
	on "$NS_CLI" curl -sS -m 5 -D "$1.head" -o "$1" "http://$MADDR/metrics"
}

# The value of one sample line of scrape file $1: metric{labels} as $2.
sample()
{
	awk -v k="$2" '$1 == k { print $2; found = 1 } END { exit !found }' "$1"
}

SVC_L='protocol="TCP",vip="192.168.1.200",port="80"'

# Stop xvsd and check that nothing answers any more.
xvsd_stop()
{
	topo_xvsd_stop && ! topo_xvsd_up
}

test_setup XVSD 'setup: seed topology, nginx, xvsd without --metrics, the seed rules' '
	topo_build &&
	topo_real_servers &&
	topo_xvsd_start &&
	ipvsadm -A -t 192.168.1.200:80 -s rr &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.2:80 -m &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.3:80 -m
'

test_with SS 'metrics are off by default: xvsd listens on no TCP port' '
	on "$NS_DIR" ss -Hltn >listeners &&
	cat listeners &&
	test_cmp /dev/null listeners
'

test_expect_success 'the seed traffic: ten curls through the VIP' '
	for i in {1..10}; do
		which_rs || return 1
	done >order &&
	test $(wc -l <order) = 10
'

test_with JQ 'ipvsadm -j: every listing is valid JSON' '
	for args in "-L -n -j" "-L -j" "-L -n --json --stats" "-L -n -j --rate" \
		"-L -n -j --thresholds" "-L -n -j --persistent-conn" "-L -n -j --exact" \
		"-L -n -j -t 192.168.1.200:80" "-L -n -c -j" "-L --timeout -j" "-L --daemon -j"; do
		ipvsadm $args >doc.json &&
		jq -e . doc.json >/dev/null || { echo "ipvsadm $args:"; cat doc.json; return 1; }
	done
'

test_with JQ 'ipvsadm -j shows the same numbers as the text listings' '
	ipvsadm -L -n --stats --exact >stats &&
	ipvsadm -L -n -j >list.json &&
	read -r conns inpkts outpkts inbytes outbytes <<<"$(awk "/^TCP  192.168.1.200:80 /{print \$3, \$4, \$5, \$6, \$7}" stats)" &&
	jq -r ".services[0] | [.stats.conns, .stats.inpkts, .stats.outpkts, .stats.inbytes, .stats.outbytes] | @tsv" list.json >got &&
	printf "%s\t%s\t%s\t%s\t%s\n" "$conns" "$inpkts" "$outpkts" "$inbytes" "$outbytes" >expect &&
	test_cmp expect got &&
	jq -r ".services[0] | .protocol, .address, .port, .scheduler, (.servers[] | \"\(.address):\(.port) \(.forward) \(.weight) \(.active_conns) \(.inactive_conns) \(.stats.conns)\")" list.json >got &&
	printf "%s\n" TCP 192.168.1.200 80 rr "10.0.0.2:80 Masq 1 0 5 5" "10.0.0.3:80 Masq 1 0 5 5" >expect &&
	test_cmp expect got
'

test_with JQ 'ipvsadm -c -j: the ten connections as -L -n -c lists them' '
	ipvsadm -L -n -c -j >conns.json &&
	ipvsadm -L -n -c | tail -n +3 | awk "{print \$1, \$3, \$4, \$5, \$6}" | sort >expect &&
	jq -r ".connections[] | \"\(.protocol) \(.state) \(.source_address):\(.source_port) \(.virtual_address):\(.virtual_port) \(.destination_address):\(.destination_port)\"" conns.json | sort >got &&
	test_cmp expect got &&
	test $(wc -l <got) = 10 &&
	ipvsadm -L --timeout >t.txt &&
	jq -r "\"Timeout (tcp tcpfin udp): \(.timeout.tcp) \(.timeout.tcpfin) \(.timeout.udp)\"" \
		<<<"$(ipvsadm -L --timeout -j)" >t.json.txt &&
	test_cmp t.txt t.json.txt
'

test_expect_success '-j is refused outside listings, and the text listing is unchanged' '
	expect_error 2 "Illegal '\''json'\'' option with the '\''save'\'' command" ipvsadm -S -j &&
	expect_error 2 "Illegal '\''json'\'' option with the '\''add-service'\'' command" \
		ipvsadm -A -t 192.168.1.200:81 -s rr -j &&
	ipvsadm -L -n >actual &&
	printf "%s\n" "IP Virtual Server version 1.2.1 (size=4096)" \
		"Prot LocalAddress:Port Scheduler Flags" \
		"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn" \
		"TCP  192.168.1.200:80 rr" \
		"  -> 10.0.0.2:80                  Masq    1      0          5         " \
		"  -> 10.0.0.3:80                  Masq    1      0          5         " >expect &&
	test_cmp expect actual
'

test_expect_success 'bad --metrics values are refused before anything starts' '
	expect_error 1 "xvsd: invalid metrics address '\''nonsense'\'' (use ADDR:PORT, [ADDR6]:PORT or :PORT, numeric)" \
		"$XVS_BUILD/xvsd" --metrics nonsense &&
	expect_error 1 "xvsd: invalid metrics address '\''192.168.1.100:0'\'' (use ADDR:PORT, [ADDR6]:PORT or :PORT, numeric)" \
		"$XVS_BUILD/xvsd" --metrics 192.168.1.100:0 &&
	topo_xvsd_up
'

test_expect_success 'xvsd restarts with metrics = ADDR:PORT from xvsd.conf' '
	xvsd_stop &&
	echo "metrics = $MADDR   # Prometheus" >xvsd.conf &&
	topo_xvsd_start -c "$TOPO_TMP/xvsd.conf" &&
	wait_until 5 scrape m0 &&
	grep -q "^HTTP/1.1 200 OK" m0.head
'

test_expect_success 'GET /metrics: 200, the exposition content type, a body of Content-Length' '
	scrape m1 &&
	cat m1.head &&
	grep -q "^HTTP/1.1 200 OK" m1.head &&
	grep -qi "^Content-Type: text/plain; version=0.0.4; charset=utf-8" m1.head &&
	len=$(sed -n "s/^Content-Length: \([0-9]*\).*/\1/p" m1.head) &&
	test "$len" = "$(stat -c %s m1)"
'

test_with PROMTOOL 'promtool check metrics accepts the scrape' '
	promtool check metrics <m1
'

test_expect_success 'metrics equal ipvsadm --stats --exact and the server rows of -L -n' '
	ipvsadm -L -n --stats --exact >stats &&
	scrape m2 &&
	read -r conns inpkts outpkts inbytes outbytes <<<"$(awk "/^TCP  192.168.1.200:80 /{print \$3, \$4, \$5, \$6, \$7}" stats)" &&
	test "$conns" = 10 &&
	test "$(sample m2 "xvs_service_connections_total{$SVC_L}")" = "$conns" &&
	test "$(sample m2 "xvs_service_in_packets_total{$SVC_L}")" = "$inpkts" &&
	test "$(sample m2 "xvs_service_out_packets_total{$SVC_L}")" = "$outpkts" &&
	test "$(sample m2 "xvs_service_in_bytes_total{$SVC_L}")" = "$inbytes" &&
	test "$(sample m2 "xvs_service_out_bytes_total{$SVC_L}")" = "$outbytes" &&
	for rs in 2 3; do
		lab="$SVC_L,server=\"10.0.0.$rs\",server_port=\"80\"" &&
		row=($(awk -v k="10.0.0.$rs:80" "\$2 == k {print \$3, \$4, \$5, \$6, \$7}" stats)) &&
		test "$(sample m2 "xvs_server_connections_total{$lab}")" = 5 &&
		test "$(sample m2 "xvs_server_connections_total{$lab}")" = "${row[0]}" &&
		test "$(sample m2 "xvs_server_in_bytes_total{$lab}")" = "${row[3]}" &&
		test "$(sample m2 "xvs_server_weight{$lab}")" = 1 &&
		test "$(sample m2 "xvs_server_active_connections{$lab}")" = 0 &&
		test "$(sample m2 "xvs_server_inactive_connections{$lab}")" = 5 || return 1
	done &&
	test "$(sample m2 "xvs_service_servers{$SVC_L}")" = 2 &&
	test "$(sample m2 "xvs_services")" = 1 &&
	grep -qx "xvs_service_info{$SVC_L,scheduler=\"rr\",persistent=\"0\"} 1" m2
'

conn_gauge_is()
{
	scrape m3 && test "$(sample m3 xvs_connections)" = "$1"
}

test_expect_success 'table usage: 10 connections (after a sweep), the capacity, drops by reason' '
	wait_until 3 conn_gauge_is 10 &&
	test "$(sample m3 xvs_connections_max)" -gt 0 &&
	test "$(grep -c "^xvs_drops_total{reason=\"[a-z_]*\"} [0-9]*$" m3)" -ge 7 &&
	grep -q "^xvs_build_info{version=\"[0-9.]*\",abi=\"[0-9]*\",ctl_protocol=\"[0-9]*\"} 1$" m3
'

http_code()
{
	on "$NS_CLI" curl -s -m 5 -o /dev/null -w "%{http_code}" "$@"
}

# A raw request over bash's /dev/tcp; prints the status line.
raw_request()
{
	on "$NS_CLI" timeout 5 bash -c 'exec 3<>/dev/tcp/${1%:*}/${1#*:} &&
		printf "%b" "$2" >&3 && head -n 1 <&3' _ "$MADDR" "$1"
}

test_expect_success 'HEAD, 404, 405 and 400 answers' '
	test "$(http_code -I "http://$MADDR/metrics")" = 200 &&
	test "$(http_code "http://$MADDR/metrics?x=1")" = 200 &&
	test "$(http_code "http://$MADDR/")" = 404 &&
	test "$(http_code "http://$MADDR/metricsx")" = 404 &&
	test "$(http_code -X POST "http://$MADDR/metrics")" = 405 &&
	test "$(raw_request "BLAH\r\n\r\n")" = "HTTP/1.1 400 Bad Request$(printf "\r")" &&
	test "$(raw_request "GET /metrics HTTP/1.0\r\n\r\n")" = "HTTP/1.1 200 OK$(printf "\r")"
'

test_expect_success 'a client that never finishes its request does not hold up scrapes' '
	topo_bg "$NS_CLI" bash -c "exec 3<>/dev/tcp/${MADDR%:*}/${MADDR#*:} &&
		printf \"GET /metr\" >&3 && sleep 8" &&
	sleep 0.3 &&
	start=$(date +%s%N) &&
	scrape m4 &&
	grep -q "^HTTP/1.1 200 OK" m4.head &&
	echo "scrape took $(( ($(date +%s%N) - start) / 1000000 )) ms" &&
	test $(( ($(date +%s%N) - start) / 1000000 )) -lt 1000
'

test_expect_success 'xvsd keeps forwarding and answering while scraped' '
	which_rs &&
	topo_xvsd_up
'

test_expect_success 'a taken metrics port fails the start with a clear message; forwarding goes on' '
	xvsd_stop &&
	topo_bg "$NS_DIR" "$TOOLS/tcp_sink" 9100 &&
	sink=$BG_PID &&
	wait_until 5 eval "on \"$NS_DIR\" ss -Hltn | grep -q :9100" &&
	! on "$NS_DIR" "$XVS_BUILD/xvsd" -n -i eth0,eth1 --socket "$XVS_SOCKET" \
		--pin-dir "$TOPO_XVSD_PIN" --metrics 0.0.0.0:9100 2>err &&
	cat err &&
	grep -q "metrics endpoint: Address already in use" err &&
	which_rs &&
	kill "$sink" &&
	wait_until 5 eval "! on \"$NS_DIR\" ss -Hltn | grep -q :9100" &&
	topo_xvsd_start --metrics $MADDR &&
	wait_until 5 scrape m6
'

test_done
