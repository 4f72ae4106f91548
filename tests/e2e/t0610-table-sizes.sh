#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xvsd --max-services / --max-servers size the service and server tables
# (svc_dests, dest_info and the maps beside them): 3 services and 5 servers
# fit, the next one is refused with ipvsadm's message and nothing changes;
# a restart with other sizes keeps the pinned tables and says so; bad sizes
# are refused before anything is loaded.

. "$(dirname "$0")/lib.sh"

ABI=v$(sed -n 's/^#define XVS_ABI_VERSION[[:space:]]*//p' "$XVS_ROOT/include/xvs/abi.h")

# max_entries of pinned map $1.
entries()
{
	bpftool -j map show pinned "$TOPO_XVSD_PIN/$ABI/$1" |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["max_entries"])'
}

test_setup XVSD 'setup: seed topology, xvsd with 3 services and 5 servers' '
	topo_build &&
	topo_xvsd_start --max-services 3 --max-servers 5
'

test_expect_success 'the id maps hold ids 0..N, addr_set both' '
	test "$(entries svc_dests)" = 4 &&
	test "$(entries svc_map)" = 4 &&
	test "$(entries svc_stats)" = 4 &&
	test "$(entries dest_info)" = 6 &&
	test "$(entries dest_cnt)" = 6 &&
	test "$(entries dest_stats)" = 6 &&
	test "$(entries addr_set)" = 10
'

test_expect_success '3 services fit, the 4th is refused and not added' '
	for p in 1 2 3; do ipvsadm -A -t "$VIP:$p" -s rr || return 1; done &&
	! ipvsadm -A -t "$VIP:4" -s rr 2>"$TOPO_TMP/err" &&
	grep -q "Memory allocation problem" "$TOPO_TMP/err" &&
	test "$(ipvsadm -L -n | grep -c "^TCP")" = 3
'

test_expect_success '5 servers fit, the 6th is refused and not added' '
	for h in 2 3 4 5 6; do
		ipvsadm -a -t "$VIP:1" -r "10.0.0.$h:80" -m || return 1
	done &&
	! ipvsadm -a -t "$VIP:2" -r 10.0.0.7:80 -m 2>"$TOPO_TMP/err" &&
	grep -q "Memory allocation problem" "$TOPO_TMP/err" &&
	test "$(ipvsadm -L -n | grep -c "^  -> 10")" = 5
'

test_expect_success 'a restart with other sizes keeps the pinned tables and the rules' '
	topo_xvsd_stop &&
	topo_xvsd_start --max-services 100 --max-servers 100 &&
	grep -q "keeping the pinned tables of 3 services and 5 real servers (asked 100 and 100)" \
		"$TOPO_TMP/xvsd.log" &&
	test "$(entries svc_dests)" = 4 &&
	test "$(entries dest_info)" = 6 &&
	test "$(ipvsadm -L -n | grep -c "^  -> 10")" = 5
'

test_expect_success 'bad sizes are refused with the range' '
	! on "$NS_DIR" "$XVS_BUILD/xvsd" -n --socket "$TOPO_TMP/x.sock" \
		--pin-dir "$TOPO_TMP/nopin" --max-services 0 2>"$TOPO_TMP/err" &&
	grep -q "invalid max_services .0. (1..65535 services)" "$TOPO_TMP/err" &&
	! on "$NS_DIR" "$XVS_BUILD/xvsd" -n --socket "$TOPO_TMP/x.sock" \
		--pin-dir "$TOPO_TMP/nopin" --max-servers 4194304 2>"$TOPO_TMP/err" &&
	grep -q "invalid max_servers .4194304. (1..4194303 real servers)" "$TOPO_TMP/err" &&
	test ! -e "$TOPO_TMP/nopin"
'

test_done
