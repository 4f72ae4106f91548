#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Connection sync of an fwmark service and a port-0 service between the
# directors of tests/e2e/ha.sh (docs/ha.md, docs/fwmark.md): both run
# FWM 1 -p (mark rule: VIP port 80, looked up before VIP:80's own service)
# and TCP VIP:0 -p (so VIP:8080), d1 a master sync daemon, d2 a backup one.
# A client's requests through d1 to VIP:80 and VIP:8080 show up in d2's
# table with their persistence templates (the
# fwmark one as IPVS lists it, 0.0.0.1:0); after d1's links go down, the
# client's new requests through d2 go to the servers the synced templates
# name.

. "$(dirname "$0")/lib.sh"
. "$XVS_ROOT/tests/e2e/ha.sh"

command -v keepalived >/dev/null || skip_all "missing keepalived (scripts/deps.sh install)"
for c in bpftool jq; do
	command -v $c >/dev/null || skip_all "missing $c (scripts/deps.sh install)"
done

# Both services and the mark rule on director $1.
services()
{
	ha_adm "$1" -A -f 1 -s rr -p 60 &&
	ha_adm "$1" -a -f 1 -r 10.0.0.2 -m &&
	ha_adm "$1" -a -f 1 -r 10.0.0.3 -m &&
	ha_adm "$1" mark -t mangle -A PREROUTING -d 192.168.1.200/32 -p tcp \
		--dport 80 -j MARK --set-mark 1 &&
	ha_adm "$1" -A -t 192.168.1.200:0 -s rr -p 60 &&
	ha_adm "$1" -a -t 192.168.1.200:0 -r 10.0.0.2 -m &&
	ha_adm "$1" -a -t 192.168.1.200:0 -r 10.0.0.3 -m
}

# Director $1's templates of the client: "virtual rip" lines, sorted.
templates()
{
	ha_adm "$1" -L -n -c |
		awk '$4 == "192.168.1.50:0" { print $5, $6 }' | sort
}

# The real server (1, 2) answering the client's request to VIP:$1.
answer()
{
	on "$NS_CLI" curl -s -m 2 "http://192.168.1.200:$1/" |
		sed -n 's/.*Real Server rs\([0-9]\).*/\1/p' | head -n 1
}

test_setup XVSD 'pair up with FWM 1 -p and TCP VIP:0 -p on both; master on d1, backup on d2' '
	ha_up &&
	services d1 && services d2 &&
	ha_adm d1 --start-daemon master --mcast-interface eth1 --syncid 9 &&
	ha_adm d2 --start-daemon backup --mcast-interface eth1 --syncid 9
'

test_expect_success 'requests through d1 to VIP:80 (mark 1) and VIP:8080 (port 0)' '
	answer 80 >"$TOPO_TMP/rs_fwm" &&
	answer 8080 >"$TOPO_TMP/rs_p0" &&
	cat "$TOPO_TMP/rs_fwm" "$TOPO_TMP/rs_p0" &&
	grep -qx "[12]" "$TOPO_TMP/rs_fwm" &&
	grep -qx "[12]" "$TOPO_TMP/rs_p0" &&
	templates d1 >"$TOPO_TMP/tpl_d1" &&
	cat "$TOPO_TMP/tpl_d1" &&
	grep -q "^0.0.0.1:0 10.0.0.$(($(cat "$TOPO_TMP/rs_fwm") + 1)):0$" "$TOPO_TMP/tpl_d1" &&
	grep -q "^192.168.1.200:0 10.0.0.$(($(cat "$TOPO_TMP/rs_p0") + 1)):0$" "$TOPO_TMP/tpl_d1"
'

test_expect_success 'd2 has both templates and both connections' '
	wait_until 3 eval "templates d2 | cmp -s - \"$TOPO_TMP/tpl_d1\"" &&
	ha_adm d2 -L -n -c >"$TOPO_TMP/d2c" &&
	cat "$TOPO_TMP/d2c" &&
	grep -q " 192.168.1.200:80 " "$TOPO_TMP/d2c" &&
	grep -q " 192.168.1.200:8080 " "$TOPO_TMP/d2c" &&
	ha_adm d2 -L -n >"$TOPO_TMP/d2l" &&
	cat "$TOPO_TMP/d2l"
'

test_expect_success 'd1 links down: through d2 the client keeps the synced templates servers' '
	on "$NS_D1" ip link set eth0 down &&
	on "$NS_D1" ip link set eth1 down &&
	wait_until 15 ha_holds d2 192.168.1.200 eth0 &&
	wait_until 5 eval "answer 80 >\"$TOPO_TMP/first\"; test -s \"$TOPO_TMP/first\"" &&
	cmp "$TOPO_TMP/first" "$TOPO_TMP/rs_fwm" &&
	for i in 1 2 3; do
		test "$(answer 80)" = "$(cat "$TOPO_TMP/rs_fwm")" &&
		test "$(answer 8080)" = "$(cat "$TOPO_TMP/rs_p0")" || return 1
	done
'

test_done
