#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xvsd's life cycle on the director: the refusals a wrong host gets (forwarding
# off, missing interface, a second xvsd on the same socket), what a running
# xvsd leaves in bpffs, that kill -9 and SIGTERM leave the datapath attached
# and a restart adopts the state, and that --cleanup removes programs, pins
# and is refused while an xvsd still answers; without -n, xvsd returns only
# once it serves (what xvsd.service's Type=forking relies on).

. "$(dirname "$0")/lib.sh"

ABI=v$(sed -n 's/^#define XVS_ABI_VERSION[[:space:]]*//p' "$XVS_ROOT/include/xvs/abi.h")

xvsd_try()
{
	on "$NS_DIR" "$XVS_BUILD/xvsd" -n --socket "$XVS_SOCKET" \
		--pin-dir "$TOPO_XVSD_PIN" "$@" 2>&1
}

xdp_on()
{
	on "$NS_DIR" ip link show "$1" | grep -q "prog/xdp"
}

tc_on()
{
	on "$NS_DIR" tc filter show dev "$1" ingress | grep -q xvs_tc
}

test_setup XVSD 'setup: seed topology, a bpffs for the pins' '
	topo_build &&
	topo_bpffs
'

test_expect_success 'refuses to start with IPv4 forwarding off, naming the sysctl' '
	on "$NS_DIR" sysctl -qw net.ipv4.ip_forward=0 &&
	! xvsd_try -i eth0 >out &&
	grep net.ipv4.ip_forward out &&
	on "$NS_DIR" sysctl -qw net.ipv4.ip_forward=1
'

test_expect_success 'refuses a missing interface' '
	! xvsd_try -i nosuch0 >out &&
	grep "nosuch0" out
'

test_expect_success 'starts: pins under the ABI subdirectory, socket 0600, XDP and tc attached' '
	topo_xvsd_start &&
	test -e "$TOPO_XVSD_PIN/$ABI/svc_map" &&
	test -e "$TOPO_XVSD_PIN/$ABI/conn_v4" &&
	test -e "$TOPO_XVSD_PIN/$ABI/link_xdp_eth0" &&
	test "$(stat -c %a "$XVS_SOCKET")" = 600 &&
	xdp_on eth0 && xdp_on eth1 && tc_on eth0 && tc_on eth1
'

test_expect_success 'a second xvsd on the same socket is refused, the first keeps serving' '
	! xvsd_try -i eth0 >out &&
	grep "already running" out &&
	topo_xvsd_up
'

test_expect_success 'kill -9 leaves the datapath attached; a restart adopts the state' '
	ipvsadm --set 30 5 60 &&
	ipvsadm -A -t 192.168.1.200:80 -s rr &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.2:80 -m &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.3:8080 -m -w 2 &&
	ipvsadm -S -n >before &&
	topo_xvsd_stop KILL &&
	xdp_on eth0 && tc_on eth0 &&
	topo_xvsd_start &&
	ipvsadm -S -n >after &&
	test_cmp before after &&
	ipvsadm -L --timeout >out &&
	echo "Timeout (tcp tcpfin udp): 30 5 60" >expect &&
	test_cmp expect out
'

test_expect_success '--cleanup is refused while xvsd answers' '
	! on "$NS_DIR" "$XVS_BUILD/xvsd" --cleanup --pin-dir "$TOPO_XVSD_PIN" \
		--socket "$XVS_SOCKET" 2>out &&
	grep "stop it first" out &&
	test -e "$TOPO_XVSD_PIN/$ABI/svc_map"
'

test_expect_success 'SIGTERM: exit 0, socket gone, datapath still attached' '
	kill "$XVSD_PID" &&
	wait "$XVSD_PID"; rc=$? && XVSD_PID= &&
	test "$rc" = 0 &&
	test ! -e "$XVS_SOCKET" &&
	xdp_on eth0 && xdp_on eth1 && tc_on eth0
'

test_expect_success 'without -n: returns only once serving (xvsd.service is Type=forking)' '
	on "$NS_DIR" "$XVS_BUILD/xvsd" -i eth0,eth1 --socket "$XVS_SOCKET" \
		--pin-dir "$TOPO_XVSD_PIN" &&
	pid=$(cat "$(dirname "$XVS_SOCKET")/xvsd.pid") &&
	TOPO_PIDS+=("$pid") &&
	ipvsadm -S -n >after &&
	test_cmp before after &&
	grep -q xvsd "/proc/$pid/cmdline" &&
	kill "$pid" &&
	wait_until 5 eval "! kill -0 $pid 2>/dev/null"
'

test_expect_success '--cleanup detaches XDP and tc and removes the pins' '
	on "$NS_DIR" "$XVS_BUILD/xvsd" --cleanup --pin-dir "$TOPO_XVSD_PIN" \
		--socket "$XVS_SOCKET" &&
	! xdp_on eth0 && ! xdp_on eth1 &&
	! tc_on eth0 && ! tc_on eth1 &&
	test ! -e "$TOPO_XVSD_PIN"
'

test_done
