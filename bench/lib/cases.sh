# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The benchmark's cases: what runs on the director. case_up_NAME sets it up
# and says where traffic goes; case_down_NAME removes it again, leaving the
# topology as bench_topo_build made it.
#
#   CASE_HTTP  URLs wrk loads (empty: no TCP metrics in this case)
#   CASE_LAT   sockperf's target address (empty: none)
#   CASE_UDP   the generator's destination address (empty: no UDP metrics)

BENCH_CASES=${BENCH_CASES:-"direct nft haproxy xvs_tc xvs_xdp xdp_fwd"}
# The generator's UDP flows are never answered (the sinks drop them), so each
# of them holds a slot of the pool of unanswered connections, conn_max / 4
# (docs/conn-pressure.md): with fewer than 1M slots every packet of the 1M
# flow run would find its connection evicted and make a new one. 2^22 gives
# 1048576 slots (and no bucket rounding): about 1 GB of connection table.
BENCH_CONN_MAX=4194304

declare -A CASE_TITLE=(
	[direct]="direct (kernel forwarding, no balancing)"
	[nft]="nftables DNAT numgen inc mod 2"
	[haproxy]="HAProxy mode tcp roundrobin"
	[xvs_tc]="xvs, tc datapath only"
	[xvs_xdp]="xvs, XDP datapath"
	[xdp_fwd]="bare XDP forwarder (no NAT, no lookup)"
)

# Stop one process started with topo_bg and forget its PID, so the final
# cleanup never signals a PID that may since belong to someone else.
bench_stop()
{
	local pid=$1 i keep=()
	kill "$pid" 2>/dev/null
	for ((i = 0; i < 30; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	for i in "${TOPO_PIDS[@]}"; do
		[ "$i" = "$pid" ] || keep+=("$i")
	done
	TOPO_PIDS=("${keep[@]}")
}

case_up_direct()
{
	CASE_HTTP="http://$BENCH_RS1/ http://$BENCH_RS2/"
	CASE_LAT=$BENCH_RS1
	CASE_UDP=$BENCH_RS1
}

case_down_direct()
{
	:
}

case_up_nft()
{
	local to="numgen inc mod 2 map { 0 : $BENCH_RS1, 1 : $BENCH_RS2 }"
	on "$NS_DIR" nft -f - <<-EOF || return 1
	table ip xvsbench {
		chain pre {
			type nat hook prerouting priority dstnat; policy accept;
			ip daddr $VIP tcp dport { 80, $BENCH_LAT_PORT } dnat to $to
			ip daddr $VIP udp dport $BENCH_UDP_PORT dnat to $to
		}
	}
	EOF
	CASE_HTTP="http://$VIP/"
	CASE_LAT=$VIP
	CASE_UDP=$VIP
}

case_down_nft()
{
	on "$NS_DIR" nft delete table ip xvsbench
}

case_up_haproxy()
{
	local cfg=$TOPO_TMP/haproxy.cfg port
	cat >"$cfg" <<-EOF
	global
	    maxconn 4000
	defaults
	    mode tcp
	    timeout connect 5s
	    timeout client 30s
	    timeout server 30s
	EOF
	for port in 80 $BENCH_LAT_PORT; do
		cat >>"$cfg" <<-EOF
		listen p$port
		    bind $VIP:$port
		    balance roundrobin
		    server rs1 $BENCH_RS1:$port
		    server rs2 $BENCH_RS2:$port
		EOF
	done
	topo_bg "$NS_DIR" haproxy -db -f "$cfg" >>"$TOPO_TMP/haproxy.log" 2>&1 &&
	HAPROXY_PID=$BG_PID &&
	wait_until 5 on "$NS_DIR" bash -c "</dev/tcp/$VIP/80" 2>/dev/null || return 1
	CASE_HTTP="http://$VIP/"
	CASE_LAT=$VIP
	CASE_UDP=
}

case_down_haproxy()
{
	bench_stop "$HAPROXY_PID"
}

# xvsd on all three director interfaces, the three services as an admin
# would add them (rr, masquerading).
bench_xvs_up()
{
	local svc
	topo_xvsd_start --conn-max $BENCH_CONN_MAX "$@" || return 1
	for svc in "-t $VIP:80" "-t $VIP:$BENCH_LAT_PORT" "-u $VIP:$BENCH_UDP_PORT"; do
		# shellcheck disable=SC2086
		xvsadm -A $svc -s rr &&
		xvsadm -a $svc -r $BENCH_RS1 -m &&
		xvsadm -a $svc -r $BENCH_RS2 -m || return 1
	done
	CASE_HTTP="http://$VIP/"
	CASE_LAT=$VIP
	CASE_UDP=$VIP
}

bench_xvs_down()
{
	xvsadm -C
	bench_stop "$XVSD_PID"
	XVSD_PID=
	# SIGTERM leaves the datapath forwarding: take it down for the next case.
	on "$NS_DIR" "$XVS_BUILD/xvsd" --cleanup --pin-dir "$TOPO_XVSD_PIN" \
		--socket "$XVS_SOCKET" >>"$TOPO_TMP/xvsd.log" 2>&1
}

case_up_xvs_tc()
{
	bench_xvs_up --datapath tc
}

case_down_xvs_tc()
{
	bench_xvs_down
}

case_up_xvs_xdp()
{
	bench_xvs_up
}

case_down_xvs_xdp()
{
	bench_xvs_down
}

# The forwarder routes, it does not balance: traffic goes to rs1 directly, as
# in the direct case. Packets only (a TCP run would measure the direct case).
case_up_xdp_fwd()
{
	local i
	for i in eth0 eth1 eth2; do
		on "$NS_DIR" "$BENCH_GEN" fwd $i || return 1
	done
	CASE_HTTP=
	CASE_LAT=
	CASE_UDP=$BENCH_RS1
}

case_down_xdp_fwd()
{
	local i
	for i in eth0 eth1 eth2; do
		on "$NS_DIR" "$BENCH_GEN" detach $i
	done
}
