#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xvsd -f keepalived.conf on the seed topology, the health rules beyond
# add/remove (docs/keepalived.md): inhibit_on_failure keeps a dead server
# listed at weight 0 and gives it its weight back; notify_up / notify_down
# run with the arguments the file gives; quorum 3 with hysteresis 1 over two
# servers of weight 2 is lost only below 2 and regained only at 4, running
# quorum_down / quorum_up once each.

. "$(dirname "$0")/lib.sh"

KA=
LOG=
NOTES=

write_conf()
{
	cat >"$KA" <<-EOF
	virtual_server 192.168.1.200 80 {
	    delay_loop 1
	    lb_algo wrr
	    lb_kind NAT
	    protocol TCP
	    quorum 3
	    hysteresis 1
	    quorum_up "$TOPO_TMP/note.sh quorum up"
	    quorum_down "$TOPO_TMP/note.sh quorum down"

	    real_server 10.0.0.2 80 {
	        weight 2
	        inhibit_on_failure
	        notify_up "$TOPO_TMP/note.sh rs1 up"
	        notify_down "$TOPO_TMP/note.sh rs1 down"
	        TCP_CHECK {
	            connect_timeout 1
	            retry 0
	        }
	    }

	    real_server 10.0.0.3 80 {
	        weight 2
	        notify_up "$TOPO_TMP/note.sh rs2 up"
	        notify_down "$TOPO_TMP/note.sh rs2 down"
	        TCP_CHECK {
	            connect_timeout 1
	            retry 0
	        }
	    }
	}
	EOF
}

# The script every notify runs: one line per call with its arguments.
write_note()
{
	printf '#!/bin/sh\necho "$*" >>"%s"\n' "$NOTES" >"$TOPO_TMP/note.sh" &&
	chmod +x "$TOPO_TMP/note.sh"
}

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
has_servers()
{
	ipvsadm -L -n | awk '$1 == "->" && $2 ~ /^10\..*:80$/ {print $2, $4}' >"$TOPO_TMP/srv" &&
	printf '%s\n' "$@" | diff -q - "$TOPO_TMP/srv" >/dev/null
}

# Has the notify file exactly $1 lines "$2"?
noted()
{
	[ "$(grep -cx "$2" "$NOTES" 2>/dev/null)" = "$1" ]
}

test_setup XVSD 'setup: seed topology, nginx, xvsd -f keepalived.conf' '
	topo_build &&
	topo_real_servers &&
	KA=$TOPO_TMP/keepalived.conf && LOG=$TOPO_TMP/xvsd.log && NOTES=$TOPO_TMP/notes &&
	write_note && write_conf &&
	topo_xvsd_start -f "$KA" &&
	wait_until 5 has_servers "10.0.0.2:80 2" "10.0.0.3:80 2"
'

test_expect_success 'no notify at start: both servers start up, quorum held' '
	sleep 1.5 &&
	! test -s "$NOTES" &&
	! grep -q "quorum" "$LOG"
'

test_expect_success 'rs1 down: listed at weight 0 (inhibit_on_failure), notify_down rs1, quorum kept (2 >= 3-1)' '
	nginx_stop rs1 &&
	wait_until 6 has_servers "10.0.0.2:80 0" "10.0.0.3:80 2" &&
	grep -q "Disabling service \[10.0.0.2\]:tcp:80 of VS \[192.168.1.200\]:tcp:80" "$LOG" &&
	wait_until 3 noted 1 "rs1 down" &&
	for i in 1 2 3; do which_rs || return 1; done | sort -u >got &&
	echo "Real Server rs2" >expect && test_cmp expect got &&
	! grep -q "Lost quorum" "$LOG" &&
	noted 0 "quorum down"
'

test_expect_success 'rs2 down too: removed (no inhibit), notify_down rs2, quorum lost once' '
	nginx_stop rs2 &&
	wait_until 6 has_servers "10.0.0.2:80 0" &&
	wait_until 3 noted 1 "rs2 down" &&
	wait_until 3 noted 1 "quorum down" &&
	grep -q "Lost quorum 3-1=2 > 0 for VS \[192.168.1.200\]:tcp:80" "$LOG"
'

test_expect_success 'rs2 back: weight 2 < 3+1, quorum stays down (hysteresis)' '
	nginx_start rs2 &&
	wait_until 6 has_servers "10.0.0.2:80 0" "10.0.0.3:80 2" &&
	wait_until 3 noted 1 "rs2 up" &&
	sleep 1.5 &&
	noted 0 "quorum up" &&
	! grep -q "Gained quorum" "$LOG"
'

test_expect_success 'rs1 back: its weight again, notify_up rs1, quorum gained once (4 >= 3+1)' '
	nginx_start rs1 &&
	wait_until 6 has_servers "10.0.0.2:80 2" "10.0.0.3:80 2" &&
	grep -q "Enabling service \[10.0.0.2\]:tcp:80 of VS \[192.168.1.200\]:tcp:80" "$LOG" &&
	wait_until 3 noted 1 "rs1 up" &&
	wait_until 3 noted 1 "quorum up" &&
	grep -q "Gained quorum 3+1=4 <= 4 for VS \[192.168.1.200\]:tcp:80" "$LOG" &&
	sort "$NOTES" >got &&
	printf "%s\n" "quorum down" "quorum up" "rs1 down" "rs1 up" "rs2 down" "rs2 up" >expect &&
	test_cmp expect got
'

test_done
