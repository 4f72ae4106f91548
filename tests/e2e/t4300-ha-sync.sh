#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Connection sync between the directors of tests/e2e/ha.sh (docs/ha.md,
# IPVS's sync daemon): d1 runs a master sync daemon, d2 a backup one, on
# the internal link eth1. An idle connection opened through d1 before d2's
# backup daemon starts reaches d2 with the master's periodic refresh; a slow
# download opened afterwards shows up in d2's connection table (and d2's
# server counts) at once. Then d1's links go down, d2 takes the VIP, the
# download goes on to the end without a reset and the idle connection is
# answered, both through d2 by the same real servers. Also: ipvsadm's daemon
# commands, listing and errors.

. "$(dirname "$0")/lib.sh"
. "$XVS_ROOT/tests/e2e/ha.sh"

command -v keepalived >/dev/null || skip_all "missing keepalived (scripts/deps.sh install)"
for c in bpftool jq; do
	command -v $c >/dev/null || skip_all "missing $c (scripts/deps.sh install)"
done

# The client's connections to the VIP in director $1's table:
# "state client:port rip:port" lines.
synced()
{
	ha_adm "$1" -L -n -c |
		awk '$4 ~ /^192\.168\.1\.50:/ && $5 == "192.168.1.200:80" { print $3, $4, $6 }'
}

# ActiveConn of real server $2 on director $1.
active_of()
{
	ha_adm "$1" -L -n | awk -v rs="$2" '$1 == "->" && $2 == rs { print $5 }'
}

# A connection to the VIP opened now and left idle until $1.go exists (at
# most 120 s), then used for one request; the answer goes to $1 and
# "exit N" to $1.status.
idle_start()
{
	topo_bg "$NS_CLI" bash -c 'exec 3<>/dev/tcp/192.168.1.200/80 || exit 1
		for ((i = 0; i < 1200; i++)); do
			[ -e "$1.go" ] && break
			sleep 0.1
		done
		printf "GET / HTTP/1.0\r\n\r\n" >&3
		cat <&3 >"$1"
		echo "exit $?" >"$1.status"' _ "$1"
}

# The nginx name (1, 2) of real server address:port $1.
rs_name()
{
	case $1 in
	10.0.0.2:80) echo 1 ;;
	10.0.0.3:80) echo 2 ;;
	esac
}

test_setup XVSD 'pair up: d1 MASTER, d2 BACKUP' '
	ha_up
'

test_expect_success 'no daemon: -L --daemon prints nothing, --stop-daemon fails' '
	ha_adm d1 -L --daemon >"$TOPO_TMP/none" &&
	test_cmp /dev/null "$TOPO_TMP/none" &&
	expect_error 255 "No daemon is running" ha_adm d1 --stop-daemon master
'

test_expect_success 'bad daemon settings are refused and start nothing' '
	expect_error 255 "No such device" \
		ha_adm d1 --start-daemon master --mcast-interface nosuchif &&
	expect_error 2 "illegal start-daemon parameter specified" \
		ha_adm d1 --start-daemon primary --mcast-interface eth1 &&
	expect_error 2 "illegal syncid specified" \
		ha_adm d1 --start-daemon master --mcast-interface eth1 --syncid 256 &&
	ha_adm d1 -L --daemon >"$TOPO_TMP/none" &&
	test_cmp /dev/null "$TOPO_TMP/none"
'

test_expect_success 'master on d1; an idle connection through d1 is not on d2' '
	ha_adm d1 --start-daemon master --mcast-interface eth1 --syncid 7 &&
	echo "master sync daemon (mcast=eth1, syncid=7)" >"$TOPO_TMP/want1" &&
	ha_adm d1 -L --daemon >"$TOPO_TMP/got1" &&
	test_cmp "$TOPO_TMP/want1" "$TOPO_TMP/got1" &&
	expect_error 255 "Daemon has already run" \
		ha_adm d1 --start-daemon master --mcast-interface eth1 &&
	idle_start "$TOPO_TMP/idle" &&
	wait_until 5 eval "synced d1 | grep -q ^ESTABLISHED" &&
	synced d1 >"$TOPO_TMP/idle_d1" &&
	test "$(wc -l <"$TOPO_TMP/idle_d1")" = 1 &&
	sleep 1 &&
	synced d2 >"$TOPO_TMP/idle_d2" &&
	test_cmp /dev/null "$TOPO_TMP/idle_d2"
'

test_expect_success 'backup on d2 learns the idle connection from the refresh' '
	ha_adm d2 --start-daemon backup --mcast-interface eth1 --syncid 7 &&
	echo "backup sync daemon (mcast=eth1, syncid=7)" >"$TOPO_TMP/want2" &&
	ha_adm d2 -L --daemon >"$TOPO_TMP/got2" &&
	test_cmp "$TOPO_TMP/want2" "$TOPO_TMP/got2" &&
	wait_until 8 eval "synced d2 | grep -q ^ESTABLISHED" &&
	synced d2 >"$TOPO_TMP/idle_d2" &&
	test_cmp "$TOPO_TMP/idle_d1" "$TOPO_TMP/idle_d2"
'

test_expect_success 'a download through d1 is in d2 table at once, before any failover' '
	download_start "$TOPO_TMP/dl" &&
	wait_until 5 eval "synced d1 | grep -v -F -f \"$TOPO_TMP/idle_d1\" | grep -q ^ESTABLISHED" &&
	synced d1 | grep -v -F -f "$TOPO_TMP/idle_d1" >"$TOPO_TMP/on_d1" &&
	wait_until 2 eval "synced d2 | grep -q -F -f \"$TOPO_TMP/on_d1\"" &&
	cat "$TOPO_TMP/on_d1" &&
	test "$(wc -l <"$TOPO_TMP/on_d1")" = 1 &&
	awk "{ print \$2 }" "$TOPO_TMP/on_d1" >"$TOPO_TMP/dl_client" &&
	rs=$(awk "{ print \$3 }" "$TOPO_TMP/on_d1") &&
	irs=$(awk "{ print \$3 }" "$TOPO_TMP/idle_d1") &&
	want=1 && if [ "$rs" = "$irs" ]; then want=2; fi &&
	test "$(active_of d2 "$rs")" = $want &&
	test "$(ha_conns d2)" = 0 &&
	ha_is d2 VI_1 BACKUP
'

test_expect_success 'd1 links down: through d2 the download goes on to the end, the idle connection is answered' '
	t0=$(date +%s.%N) &&
	on "$NS_D1" ip link set eth0 down &&
	on "$NS_D1" ip link set eth1 down &&
	ha_time_until 15 "$t0" ha_served_by d2 >"$TOPO_TMP/failover" &&
	touch "$TOPO_TMP/idle.go" &&
	wait_until 10 grep -q "^exit" "$TOPO_TMP/idle.status" &&
	cat "$TOPO_TMP/idle.status" &&
	grep -qx "exit 0" "$TOPO_TMP/idle.status" &&
	irs=$(awk "{ print \$3 }" "$TOPO_TMP/idle_d1") &&
	grep -q "Real Server rs$(rs_name "$irs")" "$TOPO_TMP/idle" &&
	download_ok "$TOPO_TMP/dl" 60 &&
	# d2 saw the end of it: its entry left ESTABLISHED with the FIN.
	synced d2 | grep " $(cat "$TOPO_TMP/dl_client") " >"$TOPO_TMP/after" &&
	cat "$TOPO_TMP/after" &&
	! grep -q ^ESTABLISHED "$TOPO_TMP/after"
'
echo "# failover with a download open: $(cat "$TOPO_TMP/failover" 2>/dev/null) s"

test_expect_success 'the backup daemon stops; -L --daemon is empty again' '
	ha_adm d2 --stop-daemon backup &&
	ha_adm d2 -L --daemon >"$TOPO_TMP/none" &&
	test_cmp /dev/null "$TOPO_TMP/none"
'

test_done
