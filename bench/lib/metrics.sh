# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# One measurement each, printing its value on stdout (nothing when it failed,
# with the reason on stderr). bench/run.sh records them.

BENCH_WRK_SECS=${BENCH_WRK_SECS:-3}
BENCH_WRK_CONNS=${BENCH_WRK_CONNS:-32}
BENCH_WRK_CLIENTS=${BENCH_WRK_CLIENTS:-2}
BENCH_PPS_SECS=${BENCH_PPS_SECS:-1.5}
BENCH_LAT_SECS=${BENCH_LAT_SECS:-2}

# Requests/s from wrk on the client, summed over BENCH_WRK_CLIENTS wrk
# processes (default 2, one per CPU), each with its share of the
# connections; process i loads CASE_HTTP's URL i mod their count (the direct
# case has one URL per server, the others the VIP). Every case runs the same
# clients: with one wrk thread against the VIP and two against the servers
# directly, the VIP cases measured the client's single thread (xvs_xdp 0.59x
# direct at 54860f6, 0.97x with two clients each, same build and machine).
# $1: close (a new connection per request) or keepalive.
m_http()
{
	local mode=$1 urls=($CASE_HTTP) hdr=() n i out sum
	[ "$mode" = close ] && hdr=(-H "Connection: close")
	n=$((BENCH_WRK_CONNS / BENCH_WRK_CLIENTS))
	for ((i = 0; i < BENCH_WRK_CLIENTS; i++)); do
		on "$NS_CLI" wrk -t1 -c$n -d${BENCH_WRK_SECS}s --timeout 2s "${hdr[@]}" \
			"${urls[i % ${#urls[@]}]}" >"$TOPO_TMP/wrk.$i" 2>&1 &
	done
	wait
	sum=0
	for ((i = 0; i < BENCH_WRK_CLIENTS; i++)); do
		out=$TOPO_TMP/wrk.$i
		cat "$out" >>"$BENCH_LOG"
		# Errors make a rate meaningless: report none rather than a wrong one.
		if grep -q 'Socket errors\|Non-2xx' "$out" || ! grep -q '^Requests/sec:' "$out"; then
			echo "wrk $mode ${urls[i % ${#urls[@]}]}: errors, see $BENCH_LOG" >&2
			return 1
		fi
		sum=$(awk -v s="$sum" '/^Requests\/sec:/ { printf "%.0f", s + $2 }' "$out")
	done
	echo "$sum"
}

# sockperf TCP ping-pong to CASE_LAT: "p50 p99" of the one-way latency
# (sockperf reports half the round trip), microseconds.
m_lat()
{
	local out=$TOPO_TMP/sockperf.out
	on "$NS_CLI" sockperf ping-pong --tcp -i "$CASE_LAT" -p $BENCH_LAT_PORT \
		-t "$BENCH_LAT_SECS" -m 64 >"$out" 2>&1
	cat "$out" >>"$BENCH_LOG"
	awk '/percentile 50.000/ { p50 = $NF } /percentile 99.000/ { p99 = $NF }
		END { if (p50 == "" || p99 == "") exit 1; print p50, p99 }' "$out" ||
		{ echo "sockperf: no percentiles, see $BENCH_LOG" >&2; return 1; }
}

# Generator to CASE_UDP: packets/s the real servers' sinks counted.
# $1 flows, $2 generator CPUs (e.g. 1 or 0,1), $3 "--warmup" or empty.
m_pps()
{
	local out
	# shellcheck disable=SC2086
	out=$(on "$NS_CLI" "$BENCH_GEN" tx --dev eth0 --dmac "$BENCH_DIR_MAC" \
		--src 192.168.1.50 --dst "$CASE_UDP" --sport 1024 --dport $BENCH_UDP_PORT \
		--flows "$1" --cpus "$2" --seconds "$BENCH_PPS_SECS" ${3:-} \
		--sink "$(bench_sink_pin "$NS_RS1")" --sink "$(bench_sink_pin "$NS_RS2")") || return 1
	echo "$out" >>"$BENCH_LOG"
	sed -n 's/.* pps=\([0-9]*\) .*/\1/p' <<<"$out"
}

# napi kthreads ("napi/IF-ID") by PID.
napi_threads()
{
	ps -eo pid=,comm= | awk '$2 ~ /^napi\// { print $1 }' | sort
}

# Director CPU per packet in ns (= ms per million packets). The director's
# receive work runs in its eth0 NAPI poll; in threaded mode that is a kthread
# of its own, so its run time (/proc/PID/schedstat) over the packets the
# sinks counted is the director's cost alone. The generator floods from CPU
# 1; the director's and the servers' NAPI threads share CPU 0, so the
# servers keep up with what the director forwards (on CPU 1 the generator
# would starve them and the director's work would be lost in their rings).
m_cpu()
{
	local before after pid rs ns t0 t1 n0 n1 rc=0 pins
	pins=(--sink "$(bench_sink_pin "$NS_RS1")" --sink "$(bench_sink_pin "$NS_RS2")")
	before=$(napi_threads)
	on "$NS_DIR" sh -c 'echo 1 >/sys/class/net/eth0/threaded' || return 1
	after=$(napi_threads)
	pid=$(comm -13 <(echo "$before") <(echo "$after"))
	for ns in "$NS_RS1" "$NS_RS2"; do
		before=$after
		on "$ns" sh -c 'echo 1 >/sys/class/net/eth0/threaded'
		after=$(napi_threads)
		for rs in $(comm -13 <(echo "$before") <(echo "$after")); do
			taskset -pc 0 "$rs" >/dev/null
		done
	done
	if [ "$(echo "$pid" | wc -w)" != 1 ]; then
		echo "cpu: cannot tell the director's NAPI thread (got '$pid')" >&2
		rc=1
	else
		taskset -pc 0 "$pid" >/dev/null &&
		n0=$("$BENCH_GEN" count "${pins[@]:1:1}" "${pins[@]:3:1}") &&
		t0=$(awk '{ print $1 }' "/proc/$pid/schedstat") &&
		m_pps 1 1 >/dev/null &&
		t1=$(awk '{ print $1 }' "/proc/$pid/schedstat") &&
		n1=$("$BENCH_GEN" count "${pins[@]:1:1}" "${pins[@]:3:1}") &&
		awk -v t="$((t1 - t0))" -v n="$((n1 - n0))" \
			'BEGIN { if (n > 0) printf "%.1f\n", t / n; else exit 1 }' || rc=1
	fi
	for ns in "$NS_DIR" "$NS_RS1" "$NS_RS2"; do
		on "$ns" sh -c 'echo 0 >/sys/class/net/eth0/threaded'
	done
	return $rc
}
