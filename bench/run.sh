#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark suite (`sudo make bench`). Builds the topology of
# bench/lib/topo.sh in namespaces of its own (prefix xvb<pid>-), runs every
# case of bench/lib/cases.sh through the metrics of bench/lib/metrics.sh
# BENCH_RUNS times, then the table-scale and control-plane measurements, and
# reports: a table on stdout, bench/results/bench.json and bench.png.
# docs/benchmarks.md says how to read them.
#
# Bounded: each measurement <= 10 s, the suite stops starting new work after
# BENCH_BUDGET seconds (default 540, so it ends within 10 minutes). All
# traffic stays inside the namespaces; everything is removed on exit.
#
# Environment: BENCH_RUNS (default 3), BENCH_CASES (subset, space separated),
# BENCH_FLOWS, BENCH_SKIP_SCALE=1, BENCH_SKIP_UDP=1 (TCP metrics only),
# BENCH_WRK_CLIENTS, BENCH_BUDGET, XVS_BUILD (the xvs build to
# measure, default build/: point it at a build of a fixed commit while the
# tree is being edited).

set -u
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
XVS_ROOT=$(cd "$BENCH_DIR/.." && pwd)
TOPO_PFX=xvb$$-
. "$XVS_ROOT/tests/e2e/topo.sh"
. "$BENCH_DIR/lib/topo.sh"
. "$BENCH_DIR/lib/cases.sh"
. "$BENCH_DIR/lib/metrics.sh"
. "$BENCH_DIR/lib/scale.sh"
. "$BENCH_DIR/lib/report.sh"

BENCH_RUNS=${BENCH_RUNS:-3}
BENCH_BUDGET=${BENCH_BUDGET:-540}
BENCH_FLOWS=${BENCH_FLOWS:-"1 10000 1000000"}
RESULTS=$BENCH_DIR/results
SECONDS=0

die()
{
	echo "bench: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "needs root (namespaces, XDP, bpffs): sudo make bench"
"$XVS_ROOT/scripts/deps.sh" check bench >/dev/null 2>&1 ||
	"$XVS_ROOT/scripts/deps.sh" install bench || die "cannot install the bench packages"
for c in wrk haproxy sockperf nft conntrack gnuplot ss taskset; do
	command -v $c >/dev/null || die "missing command $c (scripts/deps.sh install bench)"
done
for b in xvsd xvsadm; do
	[ -x "$XVS_BUILD/$b" ] || die "build/$b missing: run make first"
done
make -s -C "$XVS_ROOT" -f bench/Makefile B="$XVS_BUILD/bench" || die "cannot build the bench tools"

cleanup()
{
	trap - EXIT INT TERM
	topo_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

topo_init || die "cannot create scratch directories"
mkdir -p "$RESULTS" || die "cannot create $RESULTS"
BENCH_RAW=$RESULTS/raw.tsv
BENCH_LOG=$RESULTS/bench.log
: >"$BENCH_RAW"
: >"$BENCH_LOG"

# record CASE METRIC PARAM RUN VALUE
record()
{
	[ -n "$5" ] && printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$BENCH_RAW"
}

over_budget()
{
	[ $SECONDS -ge "$BENCH_BUDGET" ] || return 1
	echo "bench: time budget of ${BENCH_BUDGET}s used up, skipping $1" | tee -a "$BENCH_LOG" >&2
}

say()
{
	printf '[%3ds] %s\n' $SECONDS "$*" >&2
}

run_case()
{
	local c=$1 r f lat v warm
	say "case $c: ${CASE_TITLE[$c]}"
	bench_clear
	if ! "case_up_$c" >>"$BENCH_LOG" 2>&1; then
		echo "bench: case $c did not come up, see $BENCH_LOG" >&2
		tail -n 20 "$TOPO_TMP"/*.log >>"$BENCH_LOG" 2>/dev/null
		"case_down_$c" >>"$BENCH_LOG" 2>&1
		return
	fi
	if [ -n "$CASE_HTTP" ]; then
		for ((r = 1; r <= BENCH_RUNS; r++)); do
			record "$c" conn_s - $r "$(m_http close)"
			bench_clear
			record "$c" req_s - $r "$(m_http keepalive)"
			lat=$(m_lat) && set -- $lat &&
			record "$c" lat_p50 - $r "$1" &&
			record "$c" lat_p99 - $r "$2"
		done
		say "  tcp done"
	fi
	if [ -n "$CASE_UDP" ] && [ "${BENCH_SKIP_UDP:-0}" != 1 ]; then
		for f in $BENCH_FLOWS; do
			for ((r = 1; r <= BENCH_RUNS; r++)); do
				warm=
				[ $r = 1 ] && warm=--warmup
				record "$c" pps1 "$f" $r "$(m_pps "$f" 1 $warm)"
			done
			for ((r = 1; r <= BENCH_RUNS; r++)); do
				record "$c" pps2 "$f" $r "$(m_pps "$f" 0,1)"
			done
		done
		for ((r = 1; r <= BENCH_RUNS; r++)); do
			record "$c" cpu_ns - $r "$(m_cpu)"
		done
		say "  udp done"
	fi
	"case_down_$c" >>"$BENCH_LOG" 2>&1
}

say "topology"
bench_topo_build >>"$BENCH_LOG" 2>&1 || die "cannot build the topology, see $BENCH_LOG"
bench_servers >>"$BENCH_LOG" 2>&1 || die "cannot start the servers, see $BENCH_LOG"
BENCH_DIR_MAC=$(on "$NS_DIR" cat /sys/class/net/eth0/address)

for c in $BENCH_CASES; do
	over_budget "case $c" && break
	run_case "$c"
done
if [ "${BENCH_SKIP_SCALE:-0}" != 1 ]; then
	over_budget "table scale" || { say "table scale"; scale_lookups; }
	over_budget "control plane" || { say "control plane"; scale_control; }
fi
report
say "done"
