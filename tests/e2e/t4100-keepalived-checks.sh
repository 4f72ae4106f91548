#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xvsd -f keepalived.conf on the seed topology: the seed's virtual_server
# (timers shortened so the test takes seconds, persistence off so clients
# spread), TCP_CHECK health checks, a sorry server, SIGHUP reload and a
# restarted xvsd that keeps the servers' health.

. "$(dirname "$0")/lib.sh"

KA=
LOG=

# The seed's config (lvs-nat.md, master director) with test timings and a
# sorry server: a second nginx on rs2 at :8090 answering "Sorry".
write_conf()
{
	local w2=${1:-1}
	cat >"$KA" <<-EOF
	global_defs {
	   router_id LVS_MASTER
	}

	virtual_server 192.168.1.200 80 {
	    delay_loop 1
	    lb_algo rr
	    lb_kind NAT
	    protocol TCP
	    sorry_server 10.0.0.3 8090

	    real_server 10.0.0.2 80 {
	        weight 1
	        TCP_CHECK {
	            connect_timeout 1
	            nb_get_retry 1
	            delay_before_retry 1
	            connect_port 80
	        }
	    }

	    real_server 10.0.0.3 80 {
	        weight $w2
	        TCP_CHECK {
	            connect_timeout 1
	            nb_get_retry 1
	            delay_before_retry 1
	            connect_port 80
	        }
	    }
	}
	EOF
}

sorry_nginx()
{
	local d=$TOPO_TMP/nginx-sorry
	mkdir -p "$d/tmp" "$d/www" && echo "Sorry" >"$d/www/index.html" &&
	cat >"$d/nginx.conf" <<-EOF
	worker_processes 1;
	pid $d/nginx.pid;
	error_log $d/error.log;
	events { worker_connections 64; }
	http {
	    access_log off;
	    client_body_temp_path $d/tmp/body;
	    proxy_temp_path $d/tmp/proxy;
	    fastcgi_temp_path $d/tmp/fastcgi;
	    uwsgi_temp_path $d/tmp/uwsgi;
	    scgi_temp_path $d/tmp/scgi;
	    server { listen 8090; root $d/www; }
	}
	EOF
	on "$NS_RS2" nginx -c "$d/nginx.conf" -p "$d" -e "$d/error.log" &&
	wait_until 5 test -s "$d/nginx.pid" &&
	TOPO_PIDS+=("$(cat "$d/nginx.pid")")
}

# Stop the nginx of real server $1 (rs1/rs2) by its PID; wait until it is gone.
nginx_stop()
{
	local pid
	pid=$(cat "$TOPO_TMP/nginx-$1/nginx.pid") &&
	kill -QUIT "$pid" &&
	wait_until 5 eval "! kill -0 $pid 2>/dev/null"
}

nginx_start()
{
	local ns=$NS_RS1
	[ "$1" = rs2 ] && ns=$NS_RS2
	rm -f "$TOPO_TMP/nginx-$1/nginx.pid" && topo_nginx "$ns" "$1"
}

# The real servers listed for the VIP, "addr weight" per line.
servers()
{
	ipvsadm -L -n | awk '$1 == "->" && $2 ~ /^10\..*:80$/ {print $2, $4}'
}

has_servers()
{
	servers >"$TOPO_TMP/srv" && printf '%s\n' "$@" | diff -q - "$TOPO_TMP/srv" >/dev/null
}

test_setup XVSD 'setup: seed topology, nginx, sorry nginx, xvsd -f keepalived.conf' '
	topo_build &&
	topo_real_servers &&
	sorry_nginx &&
	KA=$TOPO_TMP/keepalived.conf && LOG=$TOPO_TMP/xvsd.log &&
	write_conf &&
	topo_xvsd_start -f "$KA"
'

test_expect_success 'the virtual server and both real servers are in place' '
	wait_until 5 has_servers "10.0.0.2:80 1" "10.0.0.3:80 1" &&
	ipvsadm -L -n | grep -q "^TCP  192.168.1.200:80 rr" &&
	grep -q "Unknown keyword .nb_get_retry." "$LOG"
'

test_expect_success 'clients get answers from both servers' '
	for i in 1 2 3 4; do which_rs || return 1; done | sort -u >got &&
	printf "Real Server rs1\nReal Server rs2\n" >expect &&
	test_cmp expect got
'

test_expect_success 'nginx on rs1 stopped: rs1 leaves within delay_loop + timeouts' '
	nginx_stop rs1 &&
	wait_until 8 has_servers "10.0.0.3:80 1" &&
	grep -q "TCP connection to \[10.0.0.2\]:tcp:80 failed." "$LOG" &&
	grep -q "Removing service \[10.0.0.2\]:tcp:80 from VS \[192.168.1.200\]:tcp:80" "$LOG"
'

test_expect_success 'clients keep getting answers, all from rs2' '
	for i in 1 2 3 4; do which_rs || return 1; done | sort | uniq -c |
		awk "{print \$2, \$3, \$4, \$1}" >got &&
	echo "Real Server rs2 4" >expect &&
	test_cmp expect got
'

test_expect_success 'nginx on rs1 started again: rs1 comes back' '
	nginx_start rs1 &&
	wait_until 8 has_servers "10.0.0.2:80 1" "10.0.0.3:80 1" &&
	grep -q "Adding service \[10.0.0.2\]:tcp:80 to VS \[192.168.1.200\]:tcp:80" "$LOG"
'

test_expect_success 'both down: the sorry server answers' '
	nginx_stop rs1 && nginx_stop rs2 &&
	wait_until 10 eval "ipvsadm -L -n | grep -q \"10.0.0.3:8090 \"" &&
	! servers | grep -q . &&
	curl_vip >got && echo Sorry >expect && test_cmp expect got &&
	grep -q "Adding sorry server \[10.0.0.3\]:tcp:8090 to VS" "$LOG"
'

test_expect_success 'both up again: the sorry server leaves' '
	nginx_start rs1 && nginx_start rs2 &&
	wait_until 10 has_servers "10.0.0.2:80 1" "10.0.0.3:80 1" &&
	! ipvsadm -L -n | grep -q ":8090 " &&
	grep -q "Removing sorry server \[10.0.0.3\]:tcp:8090 from VS" "$LOG"
'

test_expect_success 'SIGHUP with a new weight for rs2 changes only that' '
	ipvsadm -A -t 192.168.1.200:8080 -s wrr &&
	ipvsadm -a -t 192.168.1.200:8080 -r 10.0.0.2:8080 -m -w 3 &&
	ipvsadm -S -n | grep ":8080" >cli.before &&
	download_start dl.bin &&
	sleep 1 &&
	grep -c "ing service" "$LOG" >n.before &&
	write_conf 2 &&
	kill -HUP "$XVSD_PID" &&
	wait_until 5 has_servers "10.0.0.2:80 1" "10.0.0.3:80 2" &&
	grep -c "ing service" "$LOG" >n.after &&
	test_cmp n.before n.after &&
	ipvsadm -S -n | grep ":8080" >cli.after &&
	test_cmp cli.before cli.after &&
	download_ok dl.bin 20
'

test_expect_success 'a broken file on SIGHUP keeps the running configuration' '
	echo "virtual_server 192.168.1.200 80 {" >"$KA" &&
	kill -HUP "$XVSD_PID" &&
	wait_until 5 grep -q "not reloaded: the running one stays" "$LOG" &&
	has_servers "10.0.0.2:80 1" "10.0.0.3:80 2" &&
	write_conf 2
'

test_expect_success 'a restarted xvsd keeps rs1 down instead of adding it back' '
	nginx_stop rs1 &&
	wait_until 8 has_servers "10.0.0.3:80 2" &&
	kill -9 "$XVSD_PID" &&
	topo_xvsd_start -f "$KA" &&
	grep -q "health carried over" "$LOG" &&
	has_servers "10.0.0.3:80 2" &&
	sleep 2 &&
	has_servers "10.0.0.3:80 2" &&
	nginx_start rs1 &&
	wait_until 8 has_servers "10.0.0.2:80 1" "10.0.0.3:80 2"
'

test_done
