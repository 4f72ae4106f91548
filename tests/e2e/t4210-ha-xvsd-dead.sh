#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xvsd's health reaches keepalived (tests/e2e/ha.sh, docs/ha.md): keepalived
# runs `xvsd --check` as a vrrp_script (interval 1, fall 2). When d1's xvsd
# is killed (its datapath keeps forwarding, but nobody manages it), d1's
# instances go FAULT and d2 takes the VIP and the gateway; a restarted xvsd
# on d1 reads the FAULT its keepalived wrote meanwhile, stays STANDBY until
# the script passes again and d1 preempts, then serves.

. "$(dirname "$0")/lib.sh"
. "$XVS_ROOT/tests/e2e/ha.sh"

command -v keepalived >/dev/null || skip_all "missing keepalived (scripts/deps.sh install)"
for c in bpftool jq; do
	command -v $c >/dev/null || skip_all "missing $c (scripts/deps.sh install)"
done

test_setup XVSD 'pair up: d1 MASTER, d2 BACKUP' '
	ha_up
'

test_expect_success 'xvsd --check: 0 while xvsd answers, 1 with a message when none does' '
	on "$NS_D1" "$XVS_BUILD/xvsd" --check --socket "$TOPO_RUN/d1/xvsd.sock" &&
	! on "$NS_D1" "$XVS_BUILD/xvsd" --check --socket "$TOPO_RUN/d1/none.sock" 2>err &&
	grep -q "no xvsd answers on $TOPO_RUN/d1/none.sock" err
'

test_expect_success 'd1 xvsd killed: keepalived gives up the VIP, d2 serves' '
	t0=$(date +%s.%N) &&
	ha_xvsd_kill d1 &&
	ha_time_until 15 "$t0" ha_served_by d2 >"$TOPO_TMP/failover" &&
	grep -q "VRRP_Script(chk_xvsd) failed" "$TOPO_TMP/d1/keepalived.log" &&
	grep -q "(VI_1) Entering FAULT STATE" "$TOPO_TMP/d1/keepalived.log" &&
	! ha_holds d1 192.168.1.200 eth0 &&
	! ha_holds d1 $HA_GW eth1 &&
	ha_holds d2 192.168.1.200 eth0 &&
	ha_holds d2 $HA_GW eth1
'
echo "# failover, d1 xvsd killed: $(cat "$TOPO_TMP/failover" 2>/dev/null) s"

test_expect_success 'd1 xvsd restarted: FAULT read from the FIFO, then d1 preempts and serves' '
	ha_xvsd_start d1 &&
	grep -q "VRRP instance VI_1: MASTER -> FAULT" "$TOPO_TMP/d1/xvsd.log" &&
	wait_until 15 ha_is d1 VI_1 MASTER &&
	wait_until 5 ha_is d2 VI_1 BACKUP &&
	test "$(ha_standby d1)" = 0 &&
	test "$(ha_standby d2)" = 1 &&
	wait_until 5 ha_served_by d1
'

test_done
