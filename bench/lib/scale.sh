# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Scale measurements: connection-table lookups and memory (xvslookup, no
# traffic), and the control plane's time to apply, list and clear a large
# configuration through a fresh xvsd in the director.

BENCH_LOOKUP_SIZES="1000 100000 1000000 10000000"
BENCH_CONTROL_SHAPES=${BENCH_CONTROL_SHAPES:-"1023x8 127x64 10000x100"}

scale_lookups()
{
	local n out rc
	for n in $BENCH_LOOKUP_SIZES; do
		over_budget "lookups at $n connections" && return
		out=$(timeout 60 "$XVS_BUILD/bench/xvslookup" "$n" 2>&1)
		rc=$?
		echo "xvslookup $n: $out" >>"$BENCH_LOG"
		if [ $rc != 0 ]; then
			echo "bench: lookups at $n connections: $out" >&2
			continue
		fi
		record table lookup_ns "$n" 1 "$(sed -n 's/.*ns_lookup=\([0-9.]*\).*/\1/p' <<<"$out")"
		record table lookup_mps "$n" 1 "$(sed -n 's/.*mlookups_s=\([0-9.]*\).*/\1/p' <<<"$out")"
		record table bytes_conn "$n" 1 "$(sed -n 's/.*bytes_conn=\([0-9]*\).*/\1/p' <<<"$out")"
		record table fill_s "$n" 1 "$(sed -n 's/.*fill_s=\([0-9.]*\).*/\1/p' <<<"$out")"
		record table mem_ns "$n" 1 "$(sed -n 's/.*ns_mem=\([0-9.]*\).*/\1/p' <<<"$out")"
	done
}

# An ipvsadm-restore file of $1 TCP services with $2 masqueraded servers each.
scale_rules()
{
	awk -v s="$1" -v d="$2" -v vip="$VIP" 'BEGIN {
		for (i = 0; i < s; i++) {
			printf "-A -t %s:%d -s rr\n", vip, 1000 + i
			for (j = 0; j < d; j++)
				printf "-a -t %s:%d -r 10.0.%d.%d:80 -m -w 1\n",
					vip, 1000 + i, int(j / 250), 2 + j % 250
		}
	}'
}

# Seconds a command takes.
scale_time()
{
	local t0 t1
	t0=$(date +%s.%N)
	"$@" || return 1
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

# SERVICESxSERVERS shapes (issue 6's target is 10000x100: 1M servers), each
# run into a fresh xvsd sized for it (--max-services, --max-servers): apply
# (ipvsadm-restore), list (-L -n, its line count checked), clear (-C), and
# apply again after the clear (every server comes back through the trash),
# then clear and stop.
scale_control()
{
	local shape s d f r t lines want
	for shape in $BENCH_CONTROL_SHAPES; do
		s=${shape%x*}
		d=${shape#*x}
		f=$TOPO_TMP/rules-$shape
		scale_rules "$s" "$d" >"$f"
		want=$((3 + s * (d + 1)))
		for ((r = 1; r <= BENCH_RUNS; r++)); do
			over_budget "control plane $shape" && return
			topo_xvsd_start --max-services "$s" --max-servers $((s * d)) >>"$BENCH_LOG" 2>&1 ||
				{ echo "bench: xvsd did not start" >&2; return; }
			if t=$(scale_time xvsadm -R <"$f" 2>>"$BENCH_LOG"); then
				record control apply "$shape" $r "$t"
				t=$(scale_time sh -c 'xvsadm -L -n >"$1"' _ "$TOPO_TMP/list") &&
				lines=$(wc -l <"$TOPO_TMP/list") &&
				if [ "$lines" = "$want" ]; then
					record control list "$shape" $r "$t"
				else
					echo "bench: listing of $shape has $lines lines, want $want" >&2
				fi
				t=$(scale_time xvsadm -C) && record control clear "$shape" $r "$t"
				t=$(scale_time xvsadm -R <"$f" 2>>"$BENCH_LOG") &&
				record control again "$shape" $r "$t"
			else
				echo "bench: restore of $shape failed, see $BENCH_LOG" >&2
			fi
			bench_xvs_down >>"$BENCH_LOG" 2>&1
		done
	done
}
