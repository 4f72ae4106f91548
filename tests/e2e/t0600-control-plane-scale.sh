#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Control-plane speed at the size the limits allow: ipvsadm-restore of 1023
# TCP services x 8 NAT servers (8184 servers, XVS_MAX_DEST's 8191) into a
# fresh xvsd well under 5 s (it took 10 s when each change rebuilt addr_set
# from every server, 0.9 s since: docs/control-plane.md), the listing
# complete, addr_set holding the one VIP and the 8 server addresses with
# their service counts; the second restore (every server back from the
# trash after its -C) and -C itself within the same bound; -C leaves
# addr_set empty.

. "$(dirname "$0")/lib.sh"

SVCS=1023
DESTS=8
BOUND=5	# seconds; the regression took 10 on this 2-CPU VM

rules()
{
	awk -v s=$SVCS -v d=$DESTS -v vip="$VIP" 'BEGIN {
		for (i = 0; i < s; i++) {
			printf "-A -t %s:%d -s rr\n", vip, 1000 + i
			for (j = 0; j < d; j++)
				printf "-a -t %s:%d -r 10.0.0.%d:80 -m -w 1\n", vip, 1000 + i, 2 + j
		}
	}'
}

# Seconds "$@" takes (fails when the command does), into $SECS.
timed()
{
	local t0 t1
	t0=$(date +%s%N)
	"$@" || return 1
	t1=$(date +%s%N)
	SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
	echo "$* took $SECS s"
}

under_bound()
{
	awk -v t="$SECS" -v b=$BOUND 'BEGIN { exit !(t < b) }'
}

# addr_set's entries as "kind count" lines, sorted (bpftool's JSON: keys
# and values as hex byte strings; kind is the key's last byte, the count
# the value's first, little-endian).
addr_set()
{
	bpftool -j map dump pinned "$TOPO_XVSD_PIN/$ABI/addr_set" |
		python3 -c 'import json, sys
for e in json.load(sys.stdin):
    k = [int(x, 16) for x in e["key"]]
    v = [int(x, 16) for x in e["value"]]
    print(k[7], v[0] | v[1] << 8 | v[2] << 16 | v[3] << 24)' | sort
}

ABI=v$(sed -n 's/^#define XVS_ABI_VERSION[[:space:]]*//p' "$XVS_ROOT/include/xvs/abi.h")

test_setup XVSD 'setup: seed topology, xvsd, the rules file' '
	topo_build &&
	topo_xvsd_start &&
	rules >"$TOPO_TMP/rules" &&
	test "$(wc -l <"$TOPO_TMP/rules")" = $((SVCS * (DESTS + 1)))
'

test_expect_success "restore of $SVCS x $DESTS under $BOUND s, the listing complete" '
	timed ipvsadm-restore <"$TOPO_TMP/rules" &&
	under_bound &&
	ipvsadm -L -n >"$TOPO_TMP/list" &&
	test "$(wc -l <"$TOPO_TMP/list")" = $((3 + SVCS * (DESTS + 1))) &&
	test "$(grep -c "^  -> 10.0.0.[2-9]:80 *Masq *1 " "$TOPO_TMP/list")" = $((SVCS * DESTS))
'

test_expect_success 'addr_set: the VIP once per service, each server once per service' '
	addr_set >"$TOPO_TMP/aset" &&
	printf "1 %d\n" $SVCS >"$TOPO_TMP/want" &&
	for i in $(seq $DESTS); do printf "2 %d\n" $SVCS; done >>"$TOPO_TMP/want" &&
	test_cmp "$TOPO_TMP/want" "$TOPO_TMP/aset"
'

test_expect_success "again (the servers come back from the trash) under $BOUND s" '
	timed ipvsadm-restore <"$TOPO_TMP/rules" &&
	under_bound &&
	ipvsadm -L -n >"$TOPO_TMP/list" &&
	test "$(wc -l <"$TOPO_TMP/list")" = $((3 + SVCS * (DESTS + 1))) &&
	addr_set >"$TOPO_TMP/aset" &&
	test_cmp "$TOPO_TMP/want" "$TOPO_TMP/aset"
'

test_expect_success "-C under $BOUND s leaves addr_set empty" '
	timed ipvsadm -C &&
	under_bound &&
	test "$(ipvsadm -L -n | wc -l)" = 3 &&
	test -z "$(addr_set)"
'

test_done
