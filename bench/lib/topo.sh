# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The benchmark topology, built from the e2e helpers (tests/e2e/topo.sh:
# namespaces, links, nginx, xvsd, cleanup), sourced by bench/run.sh:
#
#   client eth0 192.168.1.50/24 -- eth0 director 192.168.1.100/24, VIP 192.168.1.200/32
#                                   eth1 10.0.0.1/25   -- eth0 rs1 10.0.0.2/25
#                                   eth2 10.0.0.129/25 -- eth0 rs2 10.0.0.130/25
#
# Unlike the e2e topology there is no bridge namespace between the director
# and the real servers: a bridge forwards every packet through the kernel
# stack and would cap every case at its own rate. Each real server has its own
# link instead, so the director is the only box in the path that differs
# between cases.
#
# Fixed in every case: senders (client, real servers) have tx checksum
# offload and GSO off (XDP cannot rewrite a partial checksum), every director
# interface has GRO on (veth then accepts redirected frames without an XDP
# program), and the client's and servers' interfaces carry the sink program
# (bench/gen/sink.bpf.c), which counts and drops the UDP benchmark traffic
# and passes the rest.

BENCH_RS1=10.0.0.2
BENCH_RS2=10.0.0.130
BENCH_UDP_PORT=9		# UDP sink (discard)
BENCH_LAT_PORT=11111		# sockperf
BENCH_GEN=$XVS_BUILD/bench/xvsgen
TOPO_XVSD_IFACES=eth0,eth1,eth2	# topo_xvsd_start: every director interface
TOPO_XVSD_WAIT=300		# 4M connections take xvsd ~12 s to preallocate and load

bench_topo_build()
{
	local ns
	for ns in "$NS_CLI" "$NS_DIR" "$NS_RS1" "$NS_RS2"; do
		topo_ns_add "$ns" || return 1
	done
	topo_link "$NS_CLI" eth0 "$NS_DIR" eth0 &&
	topo_link "$NS_DIR" eth1 "$NS_RS1" eth0 &&
	topo_link "$NS_DIR" eth2 "$NS_RS2" eth0 &&
	on "$NS_CLI" ip addr add 192.168.1.50/24 dev eth0 &&
	on "$NS_CLI" ip route add 10.0.0.0/24 via 192.168.1.100 &&
	on "$NS_CLI" sysctl -qw net.ipv4.ip_local_port_range="1024 65000" &&
	on "$NS_DIR" ip addr add 192.168.1.100/24 dev eth0 &&
	on "$NS_DIR" ip addr add "$VIP/32" dev eth0 &&
	on "$NS_DIR" ip addr add 10.0.0.1/25 dev eth1 &&
	on "$NS_DIR" ip addr add 10.0.0.129/25 dev eth2 &&
	on "$NS_DIR" sysctl -qw net.ipv4.ip_forward=1 &&
	on "$NS_RS1" ip addr add $BENCH_RS1/25 dev eth0 &&
	on "$NS_RS1" ip route add default via 10.0.0.1 &&
	on "$NS_RS2" ip addr add $BENCH_RS2/25 dev eth0 &&
	on "$NS_RS2" ip route add default via 10.0.0.129 &&
	topo_bpffs &&
	for ns in "$NS_CLI" "$NS_RS1" "$NS_RS2"; do
		topo_sender "$ns" eth0 &&
		on "$ns" "$BENCH_GEN" sink eth0 $BENCH_UDP_PORT "$(bench_sink_pin "$ns")" ||
			return 1
	done &&
	for i in eth0 eth1 eth2; do
		on "$NS_DIR" ethtool -K $i gro on >/dev/null || return 1
	done &&
	bench_neigh
}

# Resolve every neighbour once, so no case starts with ARP on its clock (a
# datagram to the discard port makes the kernel ask; no ping here).
bench_resolve()
{
	on "$1" bash -c "echo >/dev/udp/$2/$BENCH_UDP_PORT" &&
	wait_until 3 on "$1" sh -c "ip neigh show $3 | grep -q lladdr"
}

bench_neigh()
{
	bench_resolve "$NS_CLI" $BENCH_RS1 192.168.1.100 &&
	bench_resolve "$NS_DIR" $BENCH_RS1 $BENCH_RS1 &&
	bench_resolve "$NS_DIR" $BENCH_RS2 $BENCH_RS2 &&
	bench_resolve "$NS_RS1" 192.168.1.50 10.0.0.1 &&
	bench_resolve "$NS_RS2" 192.168.1.50 10.0.0.129
}

# The pinned counter of the sink in namespace $1 (in the bpffs topo_bpffs
# mounts outside /sys, where `ip netns exec` cannot hide it).
bench_sink_pin()
{
	echo "$TOPO_RUN/bpffs/sink-${1#"$TOPO_PFX"}"
}

# Servers on both real servers: nginx (:80) and sockperf (:11111).
bench_servers()
{
	topo_real_servers &&
	topo_bg "$NS_RS1" sockperf server --tcp -i 0.0.0.0 -p $BENCH_LAT_PORT >/dev/null 2>&1 &&
	topo_bg "$NS_RS2" sockperf server --tcp -i 0.0.0.0 -p $BENCH_LAT_PORT >/dev/null 2>&1 &&
	wait_until 5 on "$NS_RS1" bash -c "</dev/tcp/127.0.0.1/$BENCH_LAT_PORT" 2>/dev/null &&
	wait_until 5 on "$NS_RS2" bash -c "</dev/tcp/127.0.0.1/$BENCH_LAT_PORT" 2>/dev/null
}

# Forget the previous case: TIME_WAIT sockets everywhere (reused ports would
# be refused by the servers and read as a slowdown) and conntrack entries.
bench_clear()
{
	local ns
	for ns in "$NS_CLI" "$NS_DIR" "$NS_RS1" "$NS_RS2"; do
		on "$ns" ss -K -t state time-wait >/dev/null 2>&1
	done
	on "$NS_DIR" conntrack -F >/dev/null 2>&1
	return 0
}
