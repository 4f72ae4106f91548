#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# keepalived's lvs_sync_daemon run by xvsd (docs/ha.md): both directors of
# tests/e2e/ha.sh run xvsd on their keepalived.conf (-f), whose global_defs
# says `@xvsd lvs_sync_daemon eth1 VI_1` (keepalived skips the @xvsd line:
# on a kernel without IPVS its VRRP process dies on lvs_sync_daemon). d1,
# MASTER of VI_1, runs the master daemon and d2 the backup one, both with
# syncid 51 (VI_1's virtual_router_id); a connection through d1 reaches d2's
# table, and both count the traffic in their metrics. d1's links go down: d2 turns its daemon into a master, d1 (FAULT)
# into a backup, as keepalived does with IPVS.

. "$(dirname "$0")/lib.sh"
. "$XVS_ROOT/tests/e2e/ha.sh"

command -v keepalived >/dev/null || skip_all "missing keepalived (scripts/deps.sh install)"
for c in bpftool jq; do
	command -v $c >/dev/null || skip_all "missing $c (scripts/deps.sh install)"
done

HA_GLOBAL_EXTRA='@xvsd lvs_sync_daemon eth1 VI_1'

# Is `ipvsadm -L --daemon` on director $1 exactly line $2?
daemon_is()
{
	[ "$(ha_adm "$1" -L --daemon)" = "$2" ]
}

# Value of metric $2 (name with labels) scraped from director $1's xvsd.
metric()
{
	on "${HA_NS[$1]}" curl -s -m 2 http://127.0.0.1:9100/metrics |
		awk -v m="$2" '$1 == m { print $2 }'
}

# The client's connections to the VIP in director $1's table.
synced()
{
	ha_adm "$1" -L -n -c |
		awk '$4 ~ /^192\.168\.1\.50:/ && $5 == "192.168.1.200:80" { print $3, $4, $6 }'
}

test_setup XVSD 'pair up on keepalived.conf with lvs_sync_daemon: d1 MASTER, d2 BACKUP' '
	ha_build && topo_real_servers &&
	ha_xvsd_start d1 -f "$(ha_conf d1)" --metrics 127.0.0.1:9100 &&
	ha_xvsd_start d2 -f "$(ha_conf d2)" --metrics 127.0.0.1:9100 &&
	ha_keepalived_start d1 && ha_keepalived_start d2 &&
	wait_until 15 ha_holds d1 192.168.1.200 eth0 &&
	wait_until 5 ha_is d1 VI_1 MASTER &&
	wait_until 5 ha_is d2 VI_1 BACKUP
'

test_expect_success 'keepalived runs VRRP with the file (the @xvsd line is not its)' '
	! grep -q "Initializing ipvs" "$TOPO_TMP/d1/keepalived.log" &&
	kill -0 "$(cat "$TOPO_RUN/d1/vrrp.pid")"
'

test_expect_success 'd1 runs the master daemon, d2 the backup one, syncid = VI_1 vrid' '
	wait_until 3 daemon_is d1 "master sync daemon (mcast=eth1, syncid=51)" &&
	wait_until 3 daemon_is d2 "backup sync daemon (mcast=eth1, syncid=51)"
'

test_expect_success 'a connection through d1 is in d2 table' '
	topo_bg "$NS_CLI" bash -c "exec 3<>/dev/tcp/192.168.1.200/80; sleep 30" &&
	wait_until 5 eval "synced d1 | grep -q ^ESTABLISHED" &&
	synced d1 >"$TOPO_TMP/on_d1" &&
	wait_until 3 eval "synced d2 | grep -q -F -f \"$TOPO_TMP/on_d1\""
'

test_expect_success 'the sync traffic is in both directors metrics' '
	test "$(metric d1 xvs_sync_messages_sent_total)" -gt 0 &&
	test "$(metric d1 xvs_sync_connections_sent_total)" -gt 0 &&
	test "$(metric d1 xvs_sync_send_errors_total)" = 0 &&
	test "$(metric d2 xvs_sync_messages_received_total)" -gt 0 &&
	test "$(metric d2 xvs_sync_connections_received_total)" -gt 0 &&
	test "$(metric d2 "xvs_sync_messages_dropped_total{reason=\"malformed\"}")" = 0 &&
	test "$(metric d2 xvs_sync_connections_dropped_total)" = 0 &&
	test "$(metric d2 xvs_sync_messages_sent_total)" = 0
'

test_expect_success 'd1 links down: d2 master daemon, d1 (FAULT) backup daemon' '
	on "$NS_D1" ip link set eth0 down &&
	on "$NS_D1" ip link set eth1 down &&
	wait_until 15 ha_is d2 VI_1 MASTER &&
	wait_until 3 daemon_is d2 "master sync daemon (mcast=eth1, syncid=51)" &&
	wait_until 5 eval "! ha_is d1 VI_1 MASTER" &&
	wait_until 3 daemon_is d1 "backup sync daemon (mcast=eth1, syncid=51)" &&
	grep "lvs_sync_daemon: VRRP instance VI_1 is MASTER: master sync daemon on eth1" \
		"$TOPO_TMP/d2/xvsd.log"
'

test_done
