# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The seed's LVS-NAT topology in network namespaces, and the processes that
# run in it (nginx real servers, xvsd). Sourced by tests/e2e/lib.sh and by
# demo/lvs-nat-demo.sh; needs bash and root.
#
#   client  eth0 192.168.1.50/24
#      |  veth
#   director  eth0 192.168.1.100/24 + VIP 192.168.1.200/32, eth1 10.0.0.1/24, ip_forward=1
#      |  veth
#   switch  br0 (p0 to the director, p1 to rs1, p2 to rs2)
#      |                 |
#   rs1 eth0 10.0.0.2/24   rs2 eth0 10.0.0.3/24 (default via 10.0.0.1, nginx on :80)
#
# Every name starts with a per-run prefix (xvs<pid>-), everything created is
# recorded and topo_cleanup removes it: processes by PID, namespaces, mounts,
# /etc/netns/<ns> and the temp directory. Nothing is addressed outside the
# namespaces this file creates.
#
# veth facts the layout relies on (docs/testing.md, DESIGN.md):
# - XDP_REDIRECT into a veth is dropped unless its peer has GRO on or an XDP
#   program: the peers of the director's interfaces get GRO on.
# - senders' tx checksum offload leaves a partial checksum that XDP cannot
#   rewrite: client and real servers get `tx off` unless a test asks for
#   offload (TOPO_OFFLOAD=1, tc datapath only).

XVS_ROOT=${XVS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
XVS_BUILD=${XVS_BUILD:-$XVS_ROOT/build}

TOPO_PFX=${TOPO_PFX:-xvs$$-}
NS_CLI=${TOPO_PFX}cli
NS_DIR=${TOPO_PFX}dir
NS_SW=${TOPO_PFX}sw
NS_RS1=${TOPO_PFX}rs1
NS_RS2=${TOPO_PFX}rs2
VIP=192.168.1.200

TOPO_NS=()
TOPO_PIDS=()
TOPO_MOUNTS=()
TOPO_NETNS_ETC=()
TOPO_NETNS_ETC_MADE=
TOPO_XVSD_PIN=
TOPO_XVSD_IFACES=${TOPO_XVSD_IFACES:-eth0,eth1}	# the director's, for topo_xvsd_start
TOPO_XVSD_WAIT=${TOPO_XVSD_WAIT:-300}	# tenths of a second topo_xvsd_start waits (a busy host's load: 12 s)
TOPO_TMP=
TOPO_RUN=

# Fail with a message on stderr; callers chain with &&.
topo_die()
{
	echo "topo: $*" >&2
	return 1
}

# Run a command inside namespace $1.
on()
{
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# Poll a command every 0.1 s until it succeeds or $1 seconds have passed.
wait_until()
{
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	"$@"
}

# Per-run scratch space: $TOPO_TMP (files, nginx roots) and $TOPO_RUN
# (bpffs and xvsd's socket, under /run so it survives `ip netns exec`).
topo_init()
{
	TOPO_TMP=$(mktemp -d "/tmp/${TOPO_PFX}XXXXXX") || return 1
	chmod 755 "$TOPO_TMP"
	TOPO_RUN=/run/xvs-test-${TOPO_PFX%-}
	mkdir -p "$TOPO_RUN" || return 1
	XVS_SOCKET=$TOPO_RUN/xvsd.sock
	export XVS_SOCKET
	# The ipvsadm names, as `make install` creates them, first in PATH.
	mkdir -p "$TOPO_TMP/bin" &&
	for a in ipvsadm ipvsadm-save ipvsadm-restore xvsadm; do
		ln -sf "$XVS_BUILD/xvsadm" "$TOPO_TMP/bin/$a" || return 1
	done
	ln -sf "$XVS_BUILD/xvsd" "$TOPO_TMP/bin/xvsd"
	PATH=$TOPO_TMP/bin:$PATH
}

# Create namespace $1 with lo up, IPv6 off (no stray ND/MLD packets in the
# counters tests compare) and a loopback resolver for name lookups.
topo_ns_add()
{
	local ns=$1
	ip netns add "$ns" || return 1
	TOPO_NS+=("$ns")
	[ -d /etc/netns ] || TOPO_NETNS_ETC_MADE=1
	mkdir -p "/etc/netns/$ns" &&
	TOPO_NETNS_ETC+=("/etc/netns/$ns") &&
	echo "nameserver 127.0.0.1" >"/etc/netns/$ns/resolv.conf" &&
	printf '127.0.0.1\tlocalhost\n' >"/etc/netns/$ns/hosts" &&
	on "$ns" ip link set lo up || return 1
	if [ -d /proc/sys/net/ipv6 ]; then
		on "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 || return 1
	fi
}

# A veth pair: $1:$2 <-> $3:$4 (namespace:interface), both up.
topo_link()
{
	on "$1" ip link add "$2" type veth peer name "$4" netns "$3" &&
	on "$1" ip link set "$2" up &&
	on "$3" ip link set "$4" up
}

# Offload settings of a sender end: tx checksum offload off (and with it
# TSO) unless TOPO_OFFLOAD=1; GSO off so every packet the IP layer counts is
# one packet on the wire.
topo_sender()
{
	[ "${TOPO_OFFLOAD:-0}" = 1 ] && return 0
	on "$1" ethtool -K "$2" tx off gso off >/dev/null
}

# The seed topology (see the header).
topo_build()
{
	local ns
	for ns in "$NS_CLI" "$NS_DIR" "$NS_SW" "$NS_RS1" "$NS_RS2"; do
		topo_ns_add "$ns" || return 1
	done
	topo_link "$NS_CLI" eth0 "$NS_DIR" eth0 &&
	topo_link "$NS_DIR" eth1 "$NS_SW" p0 &&
	topo_link "$NS_SW" p1 "$NS_RS1" eth0 &&
	topo_link "$NS_SW" p2 "$NS_RS2" eth0 &&
	on "$NS_SW" ip link add br0 type bridge &&
	on "$NS_SW" ip link set br0 up &&
	for p in p0 p1 p2; do
		on "$NS_SW" ip link set "$p" master br0 || return 1
	done &&
	on "$NS_CLI" ip addr add 192.168.1.50/24 dev eth0 &&
	on "$NS_DIR" ip addr add 192.168.1.100/24 dev eth0 &&
	on "$NS_DIR" ip addr add $VIP/32 dev eth0 &&
	on "$NS_DIR" ip addr add 10.0.0.1/24 dev eth1 &&
	on "$NS_DIR" sysctl -qw net.ipv4.ip_forward=1 &&
	on "$NS_RS1" ip addr add 10.0.0.2/24 dev eth0 &&
	on "$NS_RS1" ip route add default via 10.0.0.1 &&
	on "$NS_RS2" ip addr add 10.0.0.3/24 dev eth0 &&
	on "$NS_RS2" ip route add default via 10.0.0.1 &&
	# Redirect targets: the peers of the director's interfaces.
	on "$NS_CLI" ethtool -K eth0 gro on >/dev/null &&
	on "$NS_SW" ethtool -K p0 gro on >/dev/null &&
	topo_sender "$NS_CLI" eth0 &&
	topo_sender "$NS_RS1" eth0 &&
	topo_sender "$NS_RS2" eth0
}

# A web root naming the server explicitly ($(hostname) is the same in every
# namespace), plus a file of $2 MiB of random bytes for long transfers,
# identical on every server so a download can be checked by its digest.
topo_www()
{
	local name=$1 www=$TOPO_TMP/www-$1
	mkdir -p "$www" &&
	cat >"$www/index.html" <<-EOF
	<!DOCTYPE html>
	<html>
	<head>
	    <title>Test page of $name</title>
	</head>
	<body>
	    <h1>Welcome to Real Server $name</h1>
	</body>
	</html>
	EOF
	[ -f "$TOPO_TMP/big.bin" ] ||
		head -c $((${2:-4} * 1024 * 1024)) /dev/urandom >"$TOPO_TMP/big.bin" || return 1
	cp "$TOPO_TMP/big.bin" "$www/big.bin"
}

# Start nginx as real server $2 in namespace $1 (ports 80 and 8080, for port
# mapping tests; /slow.bin serves big.bin rate-limited): its own config, pid, logs
# and temp paths in the scratch directory; the PID comes from its pid file.
topo_nginx()
{
	local ns=$1 name=$2 d=$TOPO_TMP/nginx-$2 pid
	mkdir -p "$d/tmp" && topo_www "$name" || return 1
	cat >"$d/nginx.conf" <<-EOF
	worker_processes 1;
	pid $d/nginx.pid;
	error_log $d/error.log;
	events { worker_connections 512; }
	http {
	    access_log $d/access.log;
	    client_body_temp_path $d/tmp/body;
	    proxy_temp_path $d/tmp/proxy;
	    fastcgi_temp_path $d/tmp/fastcgi;
	    uwsgi_temp_path $d/tmp/uwsgi;
	    scgi_temp_path $d/tmp/scgi;
	    default_type application/octet-stream;
	    server {
	        listen 80;
	        listen 8080;
	        root $TOPO_TMP/www-$name;
	        index index.html;
	        # The big file at a steady 512 KB/s, for transfers that must
	        # outlast a reconfiguration or an xvsd restart.
	        location = /slow.bin {
	            limit_rate 512k;
	            alias $TOPO_TMP/www-$name/big.bin;
	        }
	    }
	}
	EOF
	on "$ns" nginx -c "$d/nginx.conf" -p "$d" -e "$d/error.log" || return 1
	wait_until 5 test -s "$d/nginx.pid" || topo_die "nginx $name wrote no pid file" || return 1
	pid=$(cat "$d/nginx.pid")
	TOPO_PIDS+=("$pid")
	wait_until 5 on "$ns" bash -c '</dev/tcp/127.0.0.1/80' 2>/dev/null ||
		topo_die "nginx $name does not listen on :80"
}

# Start a command in namespace $1 in the background, record its PID for
# cleanup and leave it in $BG_PID. Returns at once, so it chains with &&.
topo_bg()
{
	local ns=$1
	shift
	# Not through on(): a backgrounded function is a subshell, and $! would
	# be that subshell's PID, not the command's (ip netns exec execs it).
	ip netns exec "$ns" "$@" &
	BG_PID=$!
	TOPO_PIDS+=("$BG_PID")
}

# Both real servers.
topo_real_servers()
{
	topo_nginx "$NS_RS1" rs1 && topo_nginx "$NS_RS2" rs2
}

# A bpffs outside /sys, where `ip netns exec` cannot hide it, for xvsd's pins.
topo_bpffs()
{
	local m=$TOPO_RUN/bpffs
	mountpoint -q "$m" && return 0
	mkdir -p "$m" && mount -t bpf bpf "$m" || return 1
	TOPO_MOUNTS+=("$m")
	TOPO_XVSD_PIN=$m/xvs
}

# True when xvsd answers on its socket.
topo_xvsd_up()
{
	xvsadm -L -n >/dev/null 2>&1
}

# Start xvsd in the director (foreground mode, in the background), extra
# arguments passed on (e.g. --datapath tc); wait until it answers.
topo_xvsd_start()
{
	topo_bpffs || return 1
	# Another xvsd answering would make the wait below succeed for it.
	topo_xvsd_up && topo_die "an xvsd already answers on $XVS_SOCKET"
	# ip netns exec, not on(): XVSD_PID must be xvsd's own PID (see topo_bg).
	ip netns exec "$NS_DIR" "$XVS_BUILD/xvsd" -n -i "$TOPO_XVSD_IFACES" --socket "$XVS_SOCKET" \
		--pin-dir "$TOPO_XVSD_PIN" "$@" >>"$TOPO_TMP/xvsd.log" 2>&1 &
	XVSD_PID=$!
	TOPO_PIDS+=("$XVSD_PID")
	local i
	for ((i = 0; i < TOPO_XVSD_WAIT; i++)); do
		topo_xvsd_up && return 0
		kill -0 "$XVSD_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "xvsd did not come up; its log:" >&2
	cat "$TOPO_TMP/xvsd.log" >&2
	return 1
}

# Stop xvsd with signal $1 (default TERM) and wait for it to go.
topo_xvsd_stop()
{
	local sig=${1:-TERM} i
	[ -n "$XVSD_PID" ] || return 0
	kill -"$sig" "$XVSD_PID" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		kill -0 "$XVSD_PID" 2>/dev/null || break
		sleep 0.1
	done
	wait "$XVSD_PID" 2>/dev/null
	XVSD_PID=
}

# Stop processes by the PIDs recorded, TERM then KILL after 2 s.
topo_kill_pids()
{
	local pid i
	for pid in "${TOPO_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for ((i = 0; i < 20; i++)); do
		local alive=0
		for pid in "${TOPO_PIDS[@]}"; do
			kill -0 "$pid" 2>/dev/null && alive=1
		done
		[ $alive = 0 ] && break
		sleep 0.1
	done
	for pid in "${TOPO_PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	TOPO_PIDS=()
}

# Remove everything this run created, in reverse order. Safe to call twice.
topo_cleanup()
{
	local i
	topo_kill_pids
	if [ -n "$TOPO_XVSD_PIN" ] && [ -x "$XVS_BUILD/xvsd" ] &&
	   [[ " ${TOPO_NS[*]} " == *" $NS_DIR "* ]]; then
		on "$NS_DIR" "$XVS_BUILD/xvsd" --cleanup --pin-dir "$TOPO_XVSD_PIN" \
			>>"$TOPO_TMP/xvsd.log" 2>&1
	fi
	TOPO_XVSD_PIN=
	for ((i = ${#TOPO_NS[@]} - 1; i >= 0; i--)); do
		ip netns del "${TOPO_NS[i]}" 2>/dev/null
	done
	TOPO_NS=()
	# Before the mounts: the demo overlays /etc, and these live in it.
	for i in "${TOPO_NETNS_ETC[@]}"; do
		rm -rf "$i"
	done
	TOPO_NETNS_ETC=()
	[ -n "$TOPO_NETNS_ETC_MADE" ] && rmdir /etc/netns 2>/dev/null
	TOPO_NETNS_ETC_MADE=
	for ((i = ${#TOPO_MOUNTS[@]} - 1; i >= 0; i--)); do
		umount "${TOPO_MOUNTS[i]}" 2>/dev/null || umount -l "${TOPO_MOUNTS[i]}" 2>/dev/null
	done
	TOPO_MOUNTS=()
	[ -n "$TOPO_RUN" ] && rm -rf "$TOPO_RUN"
	[ -n "$TOPO_TMP" ] && [ -z "${TOPO_KEEP:-}" ] && rm -rf "$TOPO_TMP"
	TOPO_RUN=
	TOPO_TMP=
}

# One more real server after topo_build: namespace ${TOPO_PFX}rs$1 with
# 10.0.0.($1+1)/24 on eth0, linked to the switch's port p$1 and running nginx
# as "rs$1" like rs1 and rs2. For tests that need three or more servers.
topo_add_rs()
{
	local n=$1 ns=${TOPO_PFX}rs$1
	topo_ns_add "$ns" &&
	topo_link "$NS_SW" "p$n" "$ns" eth0 &&
	on "$NS_SW" ip link set "p$n" master br0 &&
	on "$ns" ip addr add "10.0.0.$((n + 1))/24" dev eth0 &&
	on "$ns" ip route add default via 10.0.0.1 &&
	topo_sender "$ns" eth0 &&
	topo_nginx "$ns" "rs$n"
}
