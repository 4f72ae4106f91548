#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Path MTU discovery through the director: a router with a 1400-byte hop on
# each side of it answers full-sized DF packets with ICMP fragmentation
# needed; the director must translate that ICMP like the packets of the
# connection it belongs to, or the transfer black-holes.
#
#   cli 192.168.2.50,.51 -- r1 (hop to cli: mtu 1400) -- director -- r2 (hop to rs: mtu 1400) -- rs1 10.0.1.2
#
# Download: rs1's 1500-byte packets, rewritten to come from the VIP, hit r1's
#   narrow hop; r1's ICMP goes to the VIP and must reach rs1 as about rs1's
#   own packet (outer destination and inner source rewritten).
# Upload: the client's packets, rewritten to go to rs1, hit r2's narrow hop;
#   r2's ICMP goes to the client and must arrive as about the client's packet
#   to the VIP (outer source and inner destination rewritten).

. "$(dirname "$0")/lib.sh"

NS_R1=${TOPO_PFX}r1
NS_R2=${TOPO_PFX}r2

# A do-nothing XDP program, built with the project's clang and, as the
# Makefile does, the multiarch include directory (<asm/types.h> is there).
xdp_pass_object()
{
	cat >xdp_pass.c <<-\EOF &&
	#include <linux/bpf.h>
	__attribute__((section("xdp"), used)) int xdp_pass(struct xdp_md *ctx)
	{
		return XDP_PASS;
	}
	char _license[] __attribute__((section("license"), used)) = "GPL";
	EOF
	clang -O2 -g -target bpf -I"/usr/include/$(gcc -dumpmachine)" -c xdp_pass.c -o xdp_pass.o
}

pmtu_topology()
{
	local ns
	for ns in "$NS_CLI" "$NS_R1" "$NS_DIR" "$NS_R2" "$NS_RS1"; do
		topo_ns_add "$ns" || return 1
	done
	topo_link "$NS_CLI" eth0 "$NS_R1" eth0 &&
	topo_link "$NS_R1" eth1 "$NS_DIR" eth0 &&
	topo_link "$NS_DIR" eth1 "$NS_R2" eth0 &&
	topo_link "$NS_R2" eth1 "$NS_RS1" eth0 &&
	on "$NS_CLI" ip addr add 192.168.2.50/24 dev eth0 &&
	on "$NS_CLI" ip addr add 192.168.2.51/24 dev eth0 &&
	on "$NS_CLI" ip route add default via 192.168.2.1 &&
	on "$NS_R1" ip addr add 192.168.2.1/24 dev eth0 &&
	on "$NS_R1" ip addr add 192.168.1.1/24 dev eth1 &&
	on "$NS_R1" sysctl -qw net.ipv4.ip_forward=1 &&
	on "$NS_R1" ip route replace 192.168.2.0/24 dev eth0 src 192.168.2.1 mtu lock 1400 &&
	on "$NS_DIR" ip addr add 192.168.1.100/24 dev eth0 &&
	on "$NS_DIR" ip addr add $VIP/32 dev eth0 &&
	on "$NS_DIR" ip addr add 10.0.0.1/24 dev eth1 &&
	on "$NS_DIR" ip route add 192.168.2.0/24 via 192.168.1.1 &&
	on "$NS_DIR" ip route add 10.0.1.0/24 via 10.0.0.254 &&
	on "$NS_DIR" sysctl -qw net.ipv4.ip_forward=1 &&
	on "$NS_R2" ip addr add 10.0.0.254/24 dev eth0 &&
	on "$NS_R2" ip addr add 10.0.1.1/24 dev eth1 &&
	on "$NS_R2" ip route add default via 10.0.0.1 &&
	on "$NS_R2" sysctl -qw net.ipv4.ip_forward=1 &&
	on "$NS_R2" ip route replace 10.0.1.0/24 dev eth1 src 10.0.1.1 mtu lock 1400 &&
	on "$NS_RS1" ip addr add 10.0.1.2/24 dev eth0 &&
	on "$NS_RS1" ip route add default via 10.0.1.1 &&
	# The peers of the director must take XDP_REDIRECTs: an XDP_PASS program
	# rather than GRO, whose merged packets would change how the routers
	# answer oversized packets.
	xdp_pass_object &&
	on "$NS_R1" ip link set dev eth1 xdpdrv obj xdp_pass.o sec xdp &&
	on "$NS_R2" ip link set dev eth0 xdpdrv obj xdp_pass.o sec xdp &&
	topo_sender "$NS_CLI" eth0 &&
	topo_sender "$NS_RS1" eth0
}

test_setup XVSD 'setup: client, r1, director, r2, rs1 (nginx, tcp sink), xvsd' '
	pmtu_topology &&
	topo_nginx "$NS_RS1" rs1 &&
	topo_bg "$NS_RS1" "$TOOLS/tcp_sink" 9000 &&
	topo_xvsd_start &&
	ipvsadm -A -t 192.168.1.200:80 -s rr &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.1.2:80 -m &&
	ipvsadm -A -t 192.168.1.200:9000 -s rr &&
	ipvsadm -a -t 192.168.1.200:9000 -r 10.0.1.2:9000 -m &&
	on "$NS_CLI" curl -s -m 5 http://192.168.1.200/ | grep -q "Real Server rs1"
'

test_expect_success 'no path MTU learnt yet on either end' '
	! on "$NS_RS1" ip route get 192.168.2.50 | grep -q "mtu" &&
	! on "$NS_CLI" ip route get 192.168.1.200 | grep -q "mtu"
'

test_expect_success 'download: r1 frag-needed reaches rs1 translated, 4 MiB arrive intact' '
	on "$NS_CLI" curl -s -m 20 -o dl.bin http://192.168.1.200/big.bin &&
	cmp dl.bin "$TOPO_TMP/big.bin" &&
	on "$NS_RS1" ip route get 192.168.2.50 >route && cat route &&
	grep -q "mtu 1400" route
'

# Path MTU is learnt per destination and shrinks the MSS both ends
# advertise afterwards: the download leaves rs1 with a small MTU towards
# 192.168.2.50, so the upload comes from the client's second address, .51;
# the upload leaves the client with a small MTU towards the VIP, so it runs
# last.
test_expect_success 'upload: r2 frag-needed reaches the client translated, 2 MiB arrive intact' '
	on "$NS_CLI" "$TOOLS/tcp_send" 192.168.1.200 9000 2097152 192.168.2.51 >got &&
	echo "received 2097152" >expect &&
	test_cmp expect got &&
	on "$NS_CLI" ip route get 192.168.1.200 >route && cat route &&
	grep -q "mtu 1400" route
'

test_done
