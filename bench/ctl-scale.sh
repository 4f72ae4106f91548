#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ctl-scale.sh SERVICES SERVERS [LIMIT]: how long a fresh xvsd takes to apply
# (ipvsadm-restore), list (-L -n) and clear (-C) SERVICES TCP services of
# SERVERS masqueraded servers each (bench/lib/scale.sh's shape), sized with
# --max-services SERVICES --max-servers SERVICES*SERVERS. Runs in the seed
# topology's namespaces (tests/e2e/topo.sh), with its own pin dir and socket,
# removed on exit; each step is cut off after LIMIT seconds (default 300).
# Prints one line per step and xvsd's CPU time and peak memory.
# docs/control-plane.md has the figures.

set -u
. "$(dirname "$0")/../tests/e2e/topo.sh"

[ $# -ge 2 ] || { echo "usage: $0 SERVICES SERVERS [LIMIT]" >&2; exit 2; }
S=$1
D=$2
LIMIT=${3:-300}
[ "$(id -u)" = 0 ] || { echo "ctl-scale: needs root" >&2; exit 2; }

. "$(dirname "$0")/lib/scale.sh"

trap topo_cleanup EXIT
trap 'exit 1' INT TERM

# Seconds "$@" takes, cut off after LIMIT; fails when it fails.
step()
{
	local what=$1 t
	shift
	t=$(scale_time timeout "$LIMIT" "$@") || { echo "$what: failed or over $LIMIT s" >&2; return 1; }
	echo "$what: $t s"
}

topo_init && topo_build || exit 1
topo_xvsd_start --max-services "$S" --max-servers $((S * D)) || exit 1
scale_rules "$S" "$D" >"$TOPO_TMP/rules"
echo "$S services x $D servers: $(wc -l <"$TOPO_TMP/rules") lines"
if [ -n "${CTL_SCALE_PERF:-}" ]; then
	# perf record of xvsd over the apply: CTL_SCALE_PERF=FILE (cpu-clock: no PMU in a VM)
	perf record -q -e cpu-clock ${CTL_SCALE_PERF_ARGS:--g} -p "$XVSD_PID" -o "$CTL_SCALE_PERF" &
	perf_pid=$!
	sleep 1
fi
step apply ipvsadm-restore <"$TOPO_TMP/rules" || exit 1
if [ -n "${CTL_SCALE_PERF:-}" ]; then
	kill -INT "$perf_pid"
	wait "$perf_pid"
fi
step list sh -c 'xvsadm -L -n >"$1"' _ "$TOPO_TMP/list" || exit 1
lines=$(wc -l <"$TOPO_TMP/list")
[ "$lines" = $((3 + S * (D + 1))) ] || { echo "listing: $lines lines, want $((3 + S * (D + 1)))" >&2; exit 1; }
step "apply again (ipvsadm-restore clears first: servers from the trash)" ipvsadm-restore <"$TOPO_TMP/rules" || exit 1
step clear xvsadm -C || exit 1
awk '{ printf "xvsd cpu: %.2f s user, %.2f s system\n", $14 / 100, $15 / 100 }' "/proc/$XVSD_PID/stat"
grep VmHWM "/proc/$XVSD_PID/status"
