# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The report: summary.awk's medians and ratios as a table on stdout, as
# bench/results/bench.json, and as bench/results/bench.png (gnuplot).

# One summary field: sum_get CASE METRIC PARAM FIELD (5 min, 6 median,
# 7 max, 8 vs nft, 9 vs direct).
sum_get()
{
	awk -F'\t' -v c="$1" -v m="$2" -v p="$3" -v f="$4" \
		'$1 == c && $2 == m && $3 == p { print $f; found = 1 } END { if (!found) print "-" }' \
		"$BENCH_SUM"
}

# A number scaled and formatted, or "-": fmt VALUE DIVISOR PRINTF-FORMAT.
fmt()
{
	awk -v v="$1" -v d="$2" -v f="$3" 'BEGIN { if (v == "-") print "-"; else printf f "\n", v / d }'
}

report_table()
{
	local c f m
	printf '\nUDP 64 B through the director, Mpps (median of %s; min-max), sunk at the real servers\n' "$BENCH_RUNS"
	for m in pps1 pps2; do
		[ $m = pps1 ] && echo "one generator thread (the chain runs serially on one CPU):"
		[ $m = pps2 ] && echo "two generator threads (saturated, both CPUs):"
		printf '  %-9s' case
		for f in $BENCH_FLOWS; do printf ' %22s' "$f flows"; done
		printf '   %s\n' "x nft / x direct (1 flow)"
		for c in $BENCH_CASES; do
			[ "$(sum_get "$c" $m 1 6)" = - ] && continue
			printf '  %-9s' "$c"
			for f in $BENCH_FLOWS; do
				printf ' %6s (%5s-%5s)  ' "$(fmt "$(sum_get "$c" $m "$f" 6)" 1e6 %.3f)" \
					"$(fmt "$(sum_get "$c" $m "$f" 5)" 1e6 %.2f)" \
					"$(fmt "$(sum_get "$c" $m "$f" 7)" 1e6 %.2f)"
			done
			printf '   %s / %s\n' "$(sum_get "$c" $m 1 8)" "$(sum_get "$c" $m 1 9)"
		done
	done
	printf '\nTCP through the director (median of %s)\n' "$BENCH_RUNS"
	printf '  %-9s %10s %9s %10s %9s %8s %8s %9s %12s\n' case "conn/s" "x direct" "req/s" \
		"x direct" "p50 us" "p99 us" "+p50 us" "dir ns/pkt"
	for c in $BENCH_CASES; do
		printf '  %-9s %10s %9s %10s %9s %8s %8s %9s %12s\n' "$c" \
			"$(fmt "$(sum_get "$c" conn_s - 6)" 1 %.0f)" "$(sum_get "$c" conn_s - 9)" \
			"$(fmt "$(sum_get "$c" req_s - 6)" 1 %.0f)" "$(sum_get "$c" req_s - 9)" \
			"$(sum_get "$c" lat_p50 - 6)" "$(sum_get "$c" lat_p99 - 6)" \
			"$(sum_get "$c" lat_p50 - 9)" "$(sum_get "$c" cpu_ns - 6)"
	done
	printf '\nConnection table (conn_v4 + conn_out layouts, random keys)\n'
	printf '  %10s %10s %12s %10s %8s %12s\n' conns "ns/lookup" "Mlookups/s" "B/conn" "fill s" \
		"ns/mem read"
	for f in $BENCH_LOOKUP_SIZES; do
		printf '  %10s %10s %12s %10s %8s %12s\n' "$f" "$(sum_get table lookup_ns "$f" 6)" \
			"$(sum_get table lookup_mps "$f" 6)" "$(sum_get table bytes_conn "$f" 6)" \
			"$(sum_get table fill_s "$f" 6)" "$(sum_get table mem_ns "$f" 6)"
	done
	printf '\nControl plane, seconds (median of %s)\n' "$BENCH_RUNS"
	printf '  %-10s %8s %8s %8s %8s\n' shape apply list clear again
	for f in $BENCH_CONTROL_SHAPES; do
		printf '  %-10s %8s %8s %8s %8s\n' "$f" "$(sum_get control apply "$f" 6)" \
			"$(sum_get control list "$f" 6)" "$(sum_get control clear "$f" 6)" \
			"$(sum_get control again "$f" 6)"
	done
}

report_json()
{
	awk -F'\t' -v runs="$BENCH_RUNS" -v kernel="$(uname -r)" -v cpus="$(nproc)" \
		-v date="$(date -u +%Y-%m-%dT%H:%M:%SZ)" -v secs="$SECONDS" '
	function num(s) { return s == "-" ? "null" : s + 0 }
	BEGIN {
		u["conn_s"] = "connections/s"; u["req_s"] = "requests/s"
		u["lat_p50"] = "us (one way)"; u["lat_p99"] = "us (one way)"
		u["pps1"] = "packets/s"; u["pps2"] = "packets/s"; u["cpu_ns"] = "ns/packet"
		u["lookup_ns"] = "ns"; u["lookup_mps"] = "Mlookups/s"; u["bytes_conn"] = "bytes"
		u["fill_s"] = "s"; u["mem_ns"] = "ns"; u["apply"] = "s"; u["list"] = "s"; u["clear"] = "s"; u["again"] = "s"
		printf "{\n  \"date\": \"%s\", \"kernel\": \"%s\", \"cpus\": %d, \"runs\": %d, \"suite_seconds\": %d,\n", date, kernel, cpus, runs, secs
		printf "  \"results\": ["
	}
	{
		printf "%s\n    {\"case\": \"%s\", \"metric\": \"%s\", \"param\": \"%s\", \"unit\": \"%s\", ", (NR > 1 ? "," : ""), $1, $2, $3, u[$2]
		printf "\"n\": %d, \"min\": %s, \"median\": %s, \"max\": %s, ", $4, $5, $6, $7
		printf "\"vs_nft\": %s, \"%s\": %s}", num($8), ($2 ~ /^lat_/ ? "added_vs_direct" : "vs_direct"), num($9)
	}
	END { printf "\n  ]\n}\n" }' "$BENCH_SUM" >"$RESULTS/bench.json"
}

report_plot()
{
	local c f dat=$TOPO_TMP/pps.dat tcp=$TOPO_TMP/tcp.dat
	: >"$dat"
	for c in $BENCH_CASES; do
		[ "$(sum_get "$c" pps1 1 6)" = - ] && continue
		printf '%s' "$c" >>"$dat"
		for f in $BENCH_FLOWS; do
			printf ' %s %s %s' "$(fmt "$(sum_get "$c" pps1 "$f" 6)" 1e6 %.4f)" \
				"$(fmt "$(sum_get "$c" pps1 "$f" 5)" 1e6 %.4f)" \
				"$(fmt "$(sum_get "$c" pps1 "$f" 7)" 1e6 %.4f)" >>"$dat"
		done
		echo >>"$dat"
	done
	: >"$tcp"
	for c in $BENCH_CASES; do
		[ "$(sum_get "$c" conn_s - 6)" = - ] && continue
		printf '%s %s %s %s %s %s %s\n' "$c" \
			"$(fmt "$(sum_get "$c" conn_s - 6)" 1e3 %.3f)" "$(fmt "$(sum_get "$c" conn_s - 5)" 1e3 %.3f)" \
			"$(fmt "$(sum_get "$c" conn_s - 7)" 1e3 %.3f)" "$(fmt "$(sum_get "$c" req_s - 6)" 1e3 %.3f)" \
			"$(fmt "$(sum_get "$c" req_s - 5)" 1e3 %.3f)" "$(fmt "$(sum_get "$c" req_s - 7)" 1e3 %.3f)" >>"$tcp"
	done
	gnuplot -e "pps='$dat'; tcp='$tcp'; out='$RESULTS/bench.png'" "$BENCH_DIR/plot.gp" \
		>>"$BENCH_LOG" 2>&1 || echo "bench: gnuplot failed, see $BENCH_LOG" >&2
}

report()
{
	BENCH_SUM=$RESULTS/summary.tsv
	awk -f "$BENCH_DIR/lib/summary.awk" "$BENCH_RAW" >"$BENCH_SUM"
	report_table
	report_json
	report_plot
	printf '\nraw runs: %s, summary: %s, JSON: %s, plot: %s, log: %s (suite %d s)\n' \
		"$BENCH_RAW" "$BENCH_SUM" "$RESULTS/bench.json" "$RESULTS/bench.png" "$BENCH_LOG" $SECONDS
}
