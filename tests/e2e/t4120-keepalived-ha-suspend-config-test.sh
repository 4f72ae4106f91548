#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# keepalived's ha_suspend in xvsd -f (docs/keepalived.md): while the
# director does not hold the virtual server's address its checkers do not
# probe, so a dead server stays listed and a revived one stays out; with the
# address back they probe again and the pool follows. Then `xvsd -t`
# (keepalived -t): 0 for a clean file, 5 with keepalived's messages for
# warnings and errors, no root needed, nothing started.

. "$(dirname "$0")/lib.sh"

KA=
LOG=

write_conf()
{
	cat >"$KA" <<-EOF
	virtual_server 192.168.1.200 80 {
	    delay_loop 1
	    lb_algo rr
	    lb_kind NAT
	    protocol TCP
	    ha_suspend

	    real_server 10.0.0.2 80 {
	        TCP_CHECK {
	            connect_timeout 1
	            retry 0
	        }
	    }

	    real_server 10.0.0.3 80 {
	        TCP_CHECK {
	            connect_timeout 1
	            retry 0
	        }
	    }
	}
	EOF
}

nginx_stop()
{
	local pid
	pid=$(cat "$TOPO_TMP/nginx-$1/nginx.pid") &&
	kill -QUIT "$pid" &&
	wait_until 5 eval "! kill -0 $pid 2>/dev/null"
}

# Are the real servers listed for the VIP exactly $@ (in any order)?
has_servers()
{
	ipvsadm -L -n | awk '$1 == "->" && $2 ~ /^10\..*:80$/ {print $2}' | sort >"$TOPO_TMP/srv" &&
	printf '%s\n' "$@" | sort | diff -q - "$TOPO_TMP/srv" >/dev/null
}

vip()
{
	on "$NS_DIR" ip addr "$1" "$VIP/32" dev eth0
}

test_setup XVSD 'setup: seed topology without the VIP on the director, xvsd -f' '
	topo_build &&
	topo_real_servers &&
	vip del &&
	KA=$TOPO_TMP/keepalived.conf && LOG=$TOPO_TMP/xvsd.log &&
	write_conf &&
	topo_xvsd_start -f "$KA" &&
	wait_until 5 has_servers 10.0.0.3:80 10.0.0.2:80
'

test_expect_success 'VIP not held: checkers suspended, a dead rs1 stays listed' '
	grep -q "Suspending healthchecker for service \[10.0.0.2\]:tcp:80" "$LOG" &&
	grep -q "Suspending healthchecker for service \[10.0.0.3\]:tcp:80" "$LOG" &&
	nginx_stop rs1 &&
	sleep 3 &&
	has_servers 10.0.0.3:80 10.0.0.2:80 &&
	! grep -q "TCP connection to \[10.0.0.2\]:tcp:80 failed" "$LOG"
'

test_expect_success 'VIP added: checkers active again, rs1 leaves' '
	vip add &&
	wait_until 3 grep -q "Activating healthchecker for service \[10.0.0.2\]:tcp:80" "$LOG" &&
	wait_until 5 has_servers 10.0.0.3:80 &&
	grep -q "Removing service \[10.0.0.2\]:tcp:80 from VS \[192.168.1.200\]:tcp:80" "$LOG"
'

test_expect_success 'VIP gone again: a revived rs1 stays out until it is back' '
	vip del &&
	wait_until 3 eval "test \$(grep -c \"Suspending healthchecker for service \[10.0.0.2\]\" \"$LOG\") = 2" &&
	rm -f "$TOPO_TMP/nginx-rs1/nginx.pid" && topo_nginx "$NS_RS1" rs1 &&
	sleep 3 &&
	has_servers 10.0.0.3:80 &&
	vip add &&
	wait_until 5 has_servers 10.0.0.2:80 10.0.0.3:80
'

# xvsd -t as nobody: what keepalived -t prints and its exit code
config_test()
{
	setpriv --reuid=65534 --regid=65534 --clear-groups "$XVS_BUILD/xvsd" -c /dev/null -t "$@"
}

test_expect_success 'xvsd -t: a clean file exits 0 and prints nothing' '
	chmod 644 "$KA" && chmod 755 "$TOPO_TMP" &&
	config_test -f "$KA" >out 2>err &&
	test_cmp /dev/null out && test_cmp /dev/null err
'

# xvsd -t on file $2: exit 5 and stderr exactly the lines of file $1
config_test_5()
{
	local rc=0
	{ ! test -e "$2" || chmod 644 "$2"; } &&
	config_test -f "$2" >"$TOPO_TMP/ct.out" 2>"$TOPO_TMP/ct.err" || rc=$?
	test "$rc" = 5 &&
	test_cmp "$1" "$TOPO_TMP/ct.err" &&
	test_cmp /dev/null "$TOPO_TMP/ct.out"
}

test_expect_success 'xvsd -t: warnings and errors exit 5 with keepalived messages' '
	old=$TOPO_TMP/old.conf &&
	sed "s/retry 0/nb_get_retry 3/" "$KA" >"$old" &&
	printf "(%s: Line %s) Unknown keyword '"'"'nb_get_retry'"'"'\n" "$old" 11 "$old" 18 >want &&
	config_test_5 want "$old" &&
	printf "virtual_server 10.1.1.1 80 {\n protocol TCP\n}\n" >"$TOPO_TMP/norse.conf" &&
	echo "Virtual server [10.1.1.1]:tcp:80 has no real servers - ignoring" >want &&
	config_test_5 want "$TOPO_TMP/norse.conf" &&
	printf "global_defs {\n lvs_sync_daemon eth1 VI_9\n}\n" >"$TOPO_TMP/sd.conf" &&
	printf "(%s: Line 2) Unable to find vrrp instance VI_9 for lvs_sync_daemon - ignoring\n" \
		"$TOPO_TMP/sd.conf" >want &&
	config_test_5 want "$TOPO_TMP/sd.conf" &&
	echo "$TOPO_TMP/none.conf: No such file or directory" >want &&
	config_test_5 want "$TOPO_TMP/none.conf" 2>/dev/null
'

test_done
