#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Failover of an LVS-NAT director pair run by the real keepalived -P
# (tests/e2e/ha.sh, docs/ha.md): d1 MASTER, d2 BACKUP with its service
# STANDBY; d1's links go down (a dead director: its XDP program stays
# attached and would keep forwarding) -> d2 takes the VIP and the gateway
# and serves new connections; d1 comes back and preempts; then d1's
# keepalived and xvsd are killed -> d2 again. Each failover time is measured
# from the event to the first new connection the new MASTER serves, and
# printed.

. "$(dirname "$0")/lib.sh"
. "$XVS_ROOT/tests/e2e/ha.sh"

command -v keepalived >/dev/null || skip_all "missing keepalived (scripts/deps.sh install)"
for c in bpftool jq; do
	command -v $c >/dev/null || skip_all "missing $c (scripts/deps.sh install)"
done

report()
{
	echo "# $1: $(cat "$TOPO_TMP/$2" 2>/dev/null) s"
}

test_setup XVSD 'pair up: d1 MASTER of VI_1 and VI_GW, d2 BACKUP' '
	ha_up
'

test_expect_success 'd2 follows its BACKUP state: service STANDBY there, not on d1' '
	test "$(ha_standby d2)" = 1 &&
	test "$(ha_standby d1)" = 0
'

test_expect_success 'clients are served by d1 only' '
	for i in 1 2 3 4; do which_rs || return 1; done &&
	test "$(ha_conns d1)" = 4 &&
	test "$(ha_conns d2)" = 0
'

test_expect_success 'd1 links down: d2 takes both addresses, serves new connections' '
	t0=$(date +%s.%N) &&
	on "$NS_D1" ip link set eth0 down &&
	on "$NS_D1" ip link set eth1 down &&
	ha_time_until 15 "$t0" ha_served_by d2 >"$TOPO_TMP/failover1" &&
	ha_holds d2 192.168.1.200 eth0 &&
	ha_holds d2 $HA_GW eth1 &&
	ha_is d2 VI_1 MASTER &&
	test "$(ha_standby d2)" = 0 &&
	which_rs && which_rs
'
report "failover, d1 links down" failover1

test_expect_success 'd1 links up: d1 preempts, d2 STANDBY again, clients served by d1' '
	t0=$(date +%s.%N) &&
	on "$NS_D1" ip link set eth0 up &&
	on "$NS_D1" ip link set eth1 up &&
	ha_time_until 15 "$t0" ha_served_by d1 >"$TOPO_TMP/failback" &&
	wait_until 5 ha_is d2 VI_1 BACKUP &&
	ha_holds d1 192.168.1.200 eth0 &&
	test "$(ha_standby d2)" = 1 &&
	ha_served_by d1
'
report "failback, d1 links up" failback

test_expect_success 'd1 keepalived and xvsd killed: d2 takes over, serves new connections' '
	t0=$(date +%s.%N) &&
	ha_keepalived_kill d1 &&
	ha_xvsd_kill d1 &&
	ha_time_until 15 "$t0" ha_served_by d2 >"$TOPO_TMP/failover2" &&
	ha_holds d2 192.168.1.200 eth0 &&
	test "$(ha_standby d2)" = 0 &&
	which_rs && which_rs
'
report "failover, d1 keepalived and xvsd killed" failover2

test_done
