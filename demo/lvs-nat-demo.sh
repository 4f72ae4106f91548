#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `sudo make demo`: the seed's LVS-NAT walkthrough (shared/seed/lvs-nat.md) on
# xvs, in network namespaces, printed like a walkthrough: each command, then
# its output.
#
#   client 192.168.1.50 -- director (eth0 192.168.1.100 + VIP 192.168.1.200,
#   eth1 10.0.0.1) -- rs1 10.0.0.2 / rs2 10.0.0.3 (nginx)
#
# The seed's ipvsadm commands run verbatim on the director, under the ipvsadm
# names (symlinks to build/xvsadm, first in PATH). The whole demo runs in a
# private mount namespace with /etc overlaid by a throw-away layer, so
# `ipvsadm-save > /etc/sysconfig/ipvsadm` writes nothing on the host; the
# addresses exist only inside the demo's namespaces, and everything is torn
# down at the end (or on Ctrl-C).

if [ "$(id -u)" != 0 ]; then
	echo "lvs-nat-demo: run as root (sudo make demo)" >&2
	exit 1
fi

# Re-run in a private mount namespace: mounts made below vanish with it.
if [ -z "${XVS_DEMO_PRIVATE:-}" ]; then
	exec unshare -m --propagation private env XVS_DEMO_PRIVATE=1 "$0" "$@"
fi

TOPO_PFX=xvsdemo$$-
. "$(dirname "$0")/../tests/e2e/topo.sh"

for b in xvsd xvsadm; do
	if [ ! -x "$XVS_BUILD/$b" ]; then
		echo "lvs-nat-demo: $XVS_BUILD/$b is missing: run make first" >&2
		exit 1
	fi
done

bold=
plain=
if [ -t 1 ]; then
	bold=$(tput bold 2>/dev/null)
	plain=$(tput sgr0 2>/dev/null)
fi

section()
{
	printf '\n%s==== %s ====%s\n' "$bold" "$*" "$plain"
}

# Print a command with the host it runs on, then run it there.
run_on()
{
	local ns=$1 host=$2
	shift 2
	printf '%s[%s]# %s%s\n' "$bold" "$host" "$*" "$plain"
	on "$ns" bash -c "$*"
}

director()
{
	run_on "$NS_DIR" director "$@"
}

client()
{
	run_on "$NS_CLI" client "$@"
}

die()
{
	echo "lvs-nat-demo: $*" >&2
	exit 1
}

trap topo_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A private, writable /etc for this mount namespace only.
private_etc()
{
	local d=$TOPO_RUN/etc
	mkdir -p "$d" && mount -t tmpfs tmpfs "$d" && TOPO_MOUNTS+=("$d") &&
	mkdir "$d/upper" "$d/work" &&
	mount -t overlay overlay -o "lowerdir=/etc,upperdir=$d/upper,workdir=$d/work" /etc &&
	TOPO_MOUNTS+=(/etc) &&
	mkdir -p /etc/sysconfig
}

section "Topology (network namespaces ${TOPO_PFX}*)"
topo_init || die "cannot create scratch directories"
private_etc || die "cannot make a private /etc"
topo_build || die "cannot build the topology"
topo_real_servers || die "cannot start nginx"
for ns in "$NS_CLI" "$NS_DIR" "$NS_RS1" "$NS_RS2"; do
	echo "${ns#"$TOPO_PFX"}:"
	on "$ns" ip -br -4 addr show | grep -v '^lo ' | sed 's/^/    /'
done
run_on "$NS_DIR" director 'cat /proc/sys/net/ipv4/ip_forward'
run_on "$NS_RS1" rs1 'ip route show default'
director 'curl -s http://10.0.0.2 | grep "Real Server"; curl -s http://10.0.0.3 | grep "Real Server"'

section "Start xvsd on the director (XDP on eth0 and eth1)"
printf '%s[director]# xvsd -n -i eth0,eth1 --socket %s --pin-dir %s &%s\n' \
	"$bold" "$XVS_SOCKET" "$TOPO_RUN/bpffs/xvs" "$plain"
topo_xvsd_start || die "xvsd did not start"
director 'ip -br link show eth0; ip -br link show eth1; ip link show eth0 | grep -o "prog/xdp id [0-9]*"'

section "1.5 配置IPVS规则 (the seed's commands, verbatim)"
director 'ipvsadm -C'
director 'ipvsadm --set 30 5 60'
director 'ipvsadm -A -t 192.168.1.200:80 -s rr'
director 'ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.2:80 -m'
director 'ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.3:80 -m'
director 'ipvsadm-save > /etc/sysconfig/ipvsadm'
director 'cat /etc/sysconfig/ipvsadm'

section "3.1 验证IPVS规则"
director 'ipvsadm -L -n'

section "3.2 客户端测试"
client 'for i in {1..10}; do curl -s http://192.168.1.200 | grep "Real Server"; done'

section "3.3 连接状态查看"
director 'ipvsadm -L -n --stats'
echo "(waiting 4 s: the rate estimator samples every 2 s, like IPVS's)"
sleep 4
director 'ipvsadm -L -n --rate'
director 'ipvsadm -L -n -c'
director 'ipvsadm -L --timeout'

section "调度算法: wrr with weights 2:1"
director 'ipvsadm -E -t 192.168.1.200:80 -s wrr'
director 'ipvsadm -e -t 192.168.1.200:80 -r 10.0.0.2:80 -m -w 2'
director 'ipvsadm -e -t 192.168.1.200:80 -r 10.0.0.3:80 -m -w 1'
director 'ipvsadm -L -n'
client 'for i in {1..9}; do curl -s http://192.168.1.200 | grep -o "Real Server rs[0-9]"; done | sort | uniq -c'
director 'ipvsadm -L -n --stats'

section "Tear down"
topo_cleanup
echo "namespaces, processes, pins and mounts removed; the host is unchanged."
