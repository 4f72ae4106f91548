#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Connection sync between the directors of tests/e2e/ha.sh (docs/ha.md,
# IPVS's sync daemon): d1 runs a master sync daemon, d2 a backup one, on
# the internal link eth1. A slow download opened through d1 shows up in d2's
# connection table (and d2's server counts) before any failover; then d1's
# links go down, d2 takes the VIP and the download goes on to the end
# without a reset, through d2, to the same real server. Also: ipvsadm's
# daemon commands, listing and errors.

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

test_expect_success 'start master on d1, backup on d2; -L --daemon as ipvsadm' '
	ha_adm d1 --start-daemon master --mcast-interface eth1 --syncid 7 &&
	ha_adm d2 --start-daemon backup --mcast-interface eth1 --syncid 7 &&
	echo "master sync daemon (mcast=eth1, syncid=7)" >"$TOPO_TMP/want1" &&
	echo "backup sync daemon (mcast=eth1, syncid=7)" >"$TOPO_TMP/want2" &&
	ha_adm d1 -L --daemon >"$TOPO_TMP/got1" &&
	ha_adm d2 -L --daemon >"$TOPO_TMP/got2" &&
	test_cmp "$TOPO_TMP/want1" "$TOPO_TMP/got1" &&
	test_cmp "$TOPO_TMP/want2" "$TOPO_TMP/got2" &&
	expect_error 255 "Daemon has already run" \
		ha_adm d1 --start-daemon master --mcast-interface eth1
'

test_expect_success 'a download through d1 is in d2 table before any failover' '
	download_start "$TOPO_TMP/dl" &&
	wait_until 5 eval "synced d1 | grep -q ^ESTABLISHED" &&
	wait_until 5 eval "synced d2 | grep -q ^ESTABLISHED" &&
	synced d1 >"$TOPO_TMP/on_d1" &&
	synced d2 >"$TOPO_TMP/on_d2" &&
	cat "$TOPO_TMP/on_d1" "$TOPO_TMP/on_d2" &&
	test_cmp "$TOPO_TMP/on_d1" "$TOPO_TMP/on_d2" &&
	test "$(wc -l <"$TOPO_TMP/on_d2")" = 1 &&
	rs=$(awk "{ print \$3 }" "$TOPO_TMP/on_d2") &&
	awk "{ print \$2 }" "$TOPO_TMP/on_d2" >"$TOPO_TMP/dl_client" &&
	test "$(active_of d2 "$rs")" = 1 &&
	test "$(ha_conns d2)" = 0 &&
	ha_is d2 VI_1 BACKUP
'

test_expect_success 'd1 links down: the download continues through d2 to the end' '
	t0=$(date +%s.%N) &&
	on "$NS_D1" ip link set eth0 down &&
	on "$NS_D1" ip link set eth1 down &&
	ha_time_until 15 "$t0" ha_served_by d2 >"$TOPO_TMP/failover" &&
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
