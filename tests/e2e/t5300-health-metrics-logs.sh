#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Operations view of health checks and state changes: xvsd -f keepalived.conf
# with --metrics on the seed topology; the scrape shows each real server up
# or down, its checker failures and the virtual server's quorum, and the
# sync daemons running or not, checked by promtool at every step; every
# state change is in the log exactly once
# however long the state lasts (virtual server added, server down, quorum
# lost, control-socket changes naming the service, the connection table
# full as one episode).
# Docs: docs/ops.md.

. "$(dirname "$0")/lib.sh"

MADDR=192.168.1.100:9100
command -v promtool >/dev/null && test_set_prereq PROMTOOL
KA=
LOG=

# The seed's virtual server, test timings; quorum 2 of weight 1+1: one server down loses it.
write_conf()
{
	cat >"$KA" <<-EOF
	virtual_server 192.168.1.200 80 {
	    delay_loop 1
	    lb_algo rr
	    lb_kind NAT
	    protocol TCP
	    quorum 2

	    real_server 10.0.0.2 80 {
	        weight 1
	        TCP_CHECK {
	            connect_timeout 1
	            retry 1
	            delay_before_retry 1
	        }
	    }

	    real_server 10.0.0.3 80 {
	        weight 1
	        TCP_CHECK {
	            connect_timeout 1
	            retry 1
	            delay_before_retry 1
	        }
	    }
	}
	EOF
}

scrape()
{
	on "$NS_CLI" curl -sS -m 5 -o "$1" "http://$MADDR/metrics"
}

# Scrape to $1 and check it with promtool when Debian's is installed.
scrape_checked()
{
	scrape "$1" || return 1
	test_have_prereq PROMTOOL || return 0
	promtool check metrics <"$1"
}

sample()
{
	awk -v k="$2" '$1 == k { print $2; found = 1 } END { exit !found }' "$1"
}

VS_L='virtual_server="[192.168.1.200]:tcp:80"'
rs_l()
{
	echo "$VS_L,server=\"10.0.0.$1\",server_port=\"80\""
}

# Health samples of a fresh scrape: "up2 up3 failures2 failures3 quorum".
health()
{
	scrape h || return 1
	echo "$(sample h "xvs_healthcheck_server_up{$(rs_l 2)}") $(sample h "xvs_healthcheck_server_up{$(rs_l 3)}") $(sample h "xvs_healthcheck_failures_total{$(rs_l 2)}") $(sample h "xvs_healthcheck_failures_total{$(rs_l 3)}") $(sample h "xvs_healthcheck_quorum_up{$VS_L}")"
}

health_is()
{
	test "$(health)" = "$1"
}

# Lines of the log matching $1 (a fixed string).
log_count()
{
	grep -cF -- "$1" "$LOG"
}

nginx_rs1_stop()
{
	local pid
	pid=$(cat "$TOPO_TMP/nginx-rs1/nginx.pid") &&
	kill -QUIT "$pid" &&
	wait_until 5 eval "! kill -0 $pid 2>/dev/null"
}

test_setup XVSD 'setup: seed topology, nginx, xvsd -f keepalived.conf --metrics' '
	topo_build &&
	topo_real_servers &&
	KA=$TOPO_TMP/keepalived.conf && LOG=$TOPO_TMP/xvsd.log &&
	write_conf &&
	topo_xvsd_start -f "$KA" --metrics $MADDR &&
	wait_until 5 scrape m0
'

test_expect_success 'both servers up, no failures, quorum up; promtool accepts the scrape' '
	wait_until 5 health_is "1 1 0 0 1" &&
	scrape_checked m1 &&
	grep -qx "# TYPE xvs_healthcheck_failures_total counter" m1 &&
	grep -qx "# TYPE xvs_healthcheck_server_up gauge" m1 &&
	test "$(sample m1 "xvs_healthcheck_sorry_server_active{$VS_L}")" = 0 &&
	test "$(log_count "Adding Virtual Server [192.168.1.200]:tcp:80")" = 1
'

test_expect_success 'rs1 down: its gauge 0, one failure, quorum lost; promtool accepts the scrape' '
	nginx_rs1_stop &&
	wait_until 10 health_is "0 1 1 0 0" &&
	scrape_checked m2
'

test_expect_success 'the down state lasting does not log again nor count again' '
	n=$(log_count "TCP connection to [10.0.0.2]:tcp:80 failed") &&
	test "$n" -ge 1 &&
	sleep 4 &&
	test "$(log_count "TCP connection to [10.0.0.2]:tcp:80 failed")" = "$n" &&
	health_is "0 1 1 0 0" &&
	test "$(log_count "Removing service [10.0.0.2]:tcp:80 from VS [192.168.1.200]:tcp:80")" = 1 &&
	test "$(log_count "Lost quorum")" = 1
'

test_expect_success 'rs1 back: up again, the failure count stays, quorum regained once' '
	rm -f "$TOPO_TMP/nginx-rs1/nginx.pid" && topo_nginx "$NS_RS1" rs1 &&
	wait_until 10 health_is "1 1 1 0 1" &&
	sleep 3 &&
	test "$(log_count "Adding service [10.0.0.2]:tcp:80 to VS [192.168.1.200]:tcp:80")" = 1 &&
	test "$(log_count "Gained quorum")" = 1 &&
	scrape_checked m3
'

test_expect_success 'control-socket changes are logged once each, naming the service and server' '
	ipvsadm -A -t 192.168.1.200:8080 -s wrr &&
	ipvsadm -a -t 192.168.1.200:8080 -r 10.0.0.2:8080 -m -w 3 &&
	ipvsadm -d -t 192.168.1.200:8080 -r 10.0.0.2:8080 &&
	ipvsadm -D -t 192.168.1.200:8080 &&
	! ipvsadm -D -t 192.168.1.200:8080 2>/dev/null &&
	ipvsadm -L -n >/dev/null &&
	test "$(log_count "xvsd: add service TCP 192.168.1.200:8080 done")" = 1 &&
	test "$(log_count "xvsd: add server TCP 192.168.1.200:8080 -> 10.0.0.2:8080 done")" = 1 &&
	test "$(log_count "xvsd: delete server TCP 192.168.1.200:8080 -> 10.0.0.2:8080 done")" = 1 &&
	test "$(log_count "xvsd: delete service TCP 192.168.1.200:8080 done")" = 1 &&
	! grep -q "refused" "$LOG"
'

test_expect_success 'without -f there are no health families' '
	topo_xvsd_stop &&
	topo_xvsd_start --metrics $MADDR &&
	wait_until 5 scrape m4 &&
	! grep -q "^xvs_healthcheck" m4 &&
	grep -q "^xvs_services " m4
'

test_expect_success 'sync daemons: running or not, their settings as labels; promtool accepts it' '
	scrape_checked s0 &&
	test "$(sample s0 "xvs_sync_daemon_running{state=\"master\"}")" = 0 &&
	test "$(sample s0 "xvs_sync_daemon_running{state=\"backup\"}")" = 0 &&
	! grep -q "^xvs_sync_daemon_info{" s0 &&
	ipvsadm --start-daemon master --mcast-interface eth1 --syncid 5 &&
	scrape_checked s1 &&
	test "$(sample s1 "xvs_sync_daemon_running{state=\"master\"}")" = 1 &&
	test "$(sample s1 "xvs_sync_daemon_running{state=\"backup\"}")" = 0 &&
	grep -x "xvs_sync_daemon_info{.*" s1 >info &&
	echo "xvs_sync_daemon_info{state=\"master\",interface=\"eth1\",syncid=\"5\",group=\"224.0.0.81\",port=\"8848\"} 1" >want &&
	test_cmp want info &&
	ipvsadm --stop-daemon master &&
	scrape s2 &&
	test "$(sample s2 "xvs_sync_daemon_running{state=\"master\"}")" = 0
'

drops_conn_full()
{
	scrape d && sample d "xvs_drops_total{reason=\"conn_full\"}"
}

test_expect_success 'a full connection table: one warning while it drops, one notice after' '
	topo_xvsd_stop &&
	on "$NS_DIR" "$XVS_BUILD/xvsd" --cleanup --pin-dir "$TOPO_XVSD_PIN" --socket "$XVS_SOCKET" &&
	topo_xvsd_start --conn-max 4 --metrics $MADDR &&
	ipvsadm -A -t 192.168.1.200:80 -s rr &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.2:80 -m &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.3:80 -m &&
	ok=0 &&
	for i in 1 2 3 4 5 6 7 8; do
		if on "$NS_CLI" curl -s -m 2 -o /dev/null "http://$VIP/"; then
			ok=$((ok + 1))
		fi
	done &&
	echo "$ok of 8 answered" &&
	test "$ok" -ge 1 && test "$ok" -lt 8 &&
	test "$(drops_conn_full)" -gt 0 &&
	wait_until 3 eval "grep -q \"connection table full (\" \"\$LOG\"" &&
	test "$(log_count "connection table full (")" = 1 &&
	wait_until 15 eval "grep -q \"connection table no longer full\" \"\$LOG\"" &&
	grep "connection table" "$LOG" &&
	test "$(log_count "connection table no longer full: $(drops_conn_full) new connections dropped over")" = 1 &&
	sleep 2 &&
	test "$(log_count "connection table")" = 2
'

test_done
