#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `sudo make ha-demo`: the seed's "高可用配置" on xvs (docs/ha.md). Two
# directors run Debian's keepalived -P (VRRP only) with the seed's
# keepalived.conf plus what a working LVS-NAT pair needs, and xvsd with the
# seed's ipvsadm rules, following keepalived's notify FIFO:
#
#   client 192.168.1.50 -- d1 192.168.1.100 (MASTER) / d2 192.168.1.101 (BACKUP)
#       VIP 192.168.1.200 (VI_1), gateway 10.0.0.1 (VI_GW, same sync group)
#   -- rs1 10.0.0.2 / rs2 10.0.0.3 (nginx, default via 10.0.0.1)
#
# A client keeps fetching pages while d1 dies (links down); the demo prints
# who served each request and how long the failover took, then d1 comes back
# and takes over again. Everything lives in network namespaces created here
# and is torn down at the end (or on Ctrl-C).

if [ "$(id -u)" != 0 ]; then
	echo "ha-demo: run as root (sudo make ha-demo)" >&2
	exit 1
fi

TOPO_PFX=xvsha$$-
. "$(dirname "$0")/../tests/e2e/topo.sh"
. "$XVS_ROOT/tests/e2e/ha.sh"

for b in xvsd xvsadm; do
	if [ ! -x "$XVS_BUILD/$b" ]; then
		echo "ha-demo: $XVS_BUILD/$b is missing: run make first" >&2
		exit 1
	fi
done
for c in keepalived nginx curl bpftool jq; do
	if ! command -v $c >/dev/null; then
		echo "ha-demo: $c is missing: run scripts/deps.sh install" >&2
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

# Print what runs on which director, then run it there.
adm()
{
	printf '%s[%s]# ipvsadm %s%s\n' "$bold" "$1" "${*:2}" "$plain"
	ha_adm "$@"
}

# n requests from the client, one line each: which real server answered and
# through which director (the one whose connection count went up).
requests()
{
	local i rs c1 c2 n1 n2 via
	for ((i = 1; i <= $1; i++)); do
		c1=$(ha_conns d1 2>/dev/null || echo 0)
		c2=$(ha_conns d2 2>/dev/null || echo 0)
		rs=$(curl_vip_short | grep -o 'Real Server rs[0-9]*' || echo "no answer")
		n1=$(ha_conns d1 2>/dev/null || echo 0)
		n2=$(ha_conns d2 2>/dev/null || echo 0)
		via=?
		[ "$n1" != "$c1" ] && via=d1
		[ "$n2" != "$c2" ] && via=d2
		printf '  curl http://%s/  ->  %-16s via %s\n' "$VIP" "$rs" "$via"
	done
}

curl_vip_short()
{
	on "$NS_CLI" curl -s -m 1 "http://$VIP/"
}

cleanup()
{
	trap - EXIT INT TERM
	topo_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

topo_init || exit 1

section "Topology: client, two directors, two real servers (network namespaces)"
ha_build && topo_real_servers || { echo "ha-demo: topology setup failed" >&2; exit 1; }
echo "  done; real servers' default gateway is 10.0.0.1 (the VI_GW address)"

section "xvsd on both directors, the seed's ipvsadm rules on each"
ha_xvsd_start d1 && ha_xvsd_start d2 || exit 1
for d in d1 d2; do
	adm $d -A -t 192.168.1.200:80 -s rr &&
	adm $d -a -t 192.168.1.200:80 -r 10.0.0.2:80 -m &&
	adm $d -a -t 192.168.1.200:80 -r 10.0.0.3:80 -m || exit 1
done

section "keepalived.conf of d1: the seed's, plus the lines marked xvs"
ha_keepalived_conf d1 | sed -n '1,/^vrrp_instance VI_GW/p' | sed '$d'
echo "  ... (VI_GW: 10.0.0.1/24 on eth1, virtual_router_id 52; then the seed's virtual_server)"

section "keepalived -P on both directors (d1 priority 100, d2 90)"
ha_keepalived_start d1 && ha_keepalived_start d2 || exit 1
if ! wait_until 15 ha_is d1 VI_1 MASTER; then
	echo "ha-demo: d1 did not become MASTER" >&2
	exit 1
fi
wait_until 5 ha_is d2 VI_1 BACKUP
echo "  d1: VI_1 $(ha_state d1 VI_1), service STANDBY=$(ha_standby d1)"
echo "  d2: VI_1 $(ha_state d2 VI_1), service STANDBY=$(ha_standby d2)"
on "$NS_D1" ip -4 -o addr show | awk '{ print "  d1 " $2 " " $4 }'

section "The client fetches pages: d1 serves"
requests 4
adm d1 -L -n

section "d1 dies (links down); the client keeps asking"
t0=$(date +%s.%N)
on "$NS_D1" ip link set eth0 down
on "$NS_D1" ip link set eth1 down
if secs=$(ha_time_until 15 "$t0" ha_served_by d2); then
	echo "  first new connection served by d2 after ${bold}${secs} s${plain}"
else
	echo "  d2 did not take over within 15 s"
fi
requests 4
echo "  d2: VI_1 $(ha_state d2 VI_1), service STANDBY=$(ha_standby d2)"
on "$NS_D2" ip -4 -o addr show | awk '{ print "  d2 " $2 " " $4 }'
adm d2 -L -n --stats

section "d1 comes back: it preempts (higher priority)"
t0=$(date +%s.%N)
on "$NS_D1" ip link set eth0 up
on "$NS_D1" ip link set eth1 up
if secs=$(ha_time_until 15 "$t0" ha_served_by d1); then
	echo "  d1 serves again after ${secs} s"
fi
requests 2
echo "  d2: VI_1 $(ha_state d2 VI_1), service STANDBY=$(ha_standby d2)"

section "Done"
echo "  The seed's keepalived.conf alone moves only the VIP: after a failover the"
echo "  real servers' replies would still go to 10.0.0.1 on the dead director."
echo "  See docs/ha.md. Cleaning up."
