# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# An LVS-NAT director pair with the real keepalived (docs/ha.md), in network
# namespaces. Sourced after topo.sh by tests/e2e/t42xx-ha-*.sh and
# demo/ha-demo.sh; needs bash and root.
#
#   client 192.168.1.50 --- swx (br0) --- d1 eth0 192.168.1.100   d2 eth0 192.168.1.101
#                                         VI_1: VIP 192.168.1.200/32 on the MASTER's eth0
#   rs1 10.0.0.2, rs2 10.0.0.3 --- swi (br0) --- d1 eth1 10.0.0.101   d2 eth1 10.0.0.102
#   (default via 10.0.0.1)                VI_GW: 10.0.0.1/24 on the MASTER's eth1
#
# Each director runs keepalived -P (VRRP only) with the seed's keepalived.conf
# plus what a working pair needs: the gateway instance VI_GW in a
# vrrp_sync_group with VI_1, the vrrp_notify_fifo xvsd follows, and a
# vrrp_script that runs `xvsd --check` so a dead xvsd gives the VIP up. Its
# xvsd gets the seed's ipvsadm rules and serves VI_1's VIP only while VI_1 is
# MASTER there. Every file is under $TOPO_TMP/dN and $TOPO_RUN/dN.

NS_D1=${TOPO_PFX}d1
NS_D2=${TOPO_PFX}d2
NS_SWX=${TOPO_PFX}swx
NS_SWI=${TOPO_PFX}swi
HA_GW=10.0.0.1
declare -A HA_NS=([d1]=$NS_D1 [d2]=$NS_D2)
declare -A HA_EXT=([d1]=192.168.1.100 [d2]=192.168.1.101)
declare -A HA_INT=([d1]=10.0.0.101 [d2]=10.0.0.102)
declare -A HA_PRIO=([d1]=100 [d2]=90)
declare -A HA_STATE=([d1]=MASTER [d2]=BACKUP)
declare -A HA_ROUTER=([d1]=LVS_MASTER [d2]=LVS_BACKUP)
# More global_defs lines for both directors' keepalived.conf (t4310: lvs_sync_daemon).
HA_GLOBAL_EXTRA=${HA_GLOBAL_EXTRA:-}
declare -A HA_XVSD_PID=()
declare -A HA_KA_PID=()

ha_build()
{
	local ns d i=1
	for ns in "$NS_CLI" "$NS_SWX" "$NS_SWI" "$NS_D1" "$NS_D2" "$NS_RS1" "$NS_RS2"; do
		topo_ns_add "$ns" || return 1
	done
	for ns in "$NS_SWX" "$NS_SWI"; do
		on "$ns" ip link add br0 type bridge &&
		on "$ns" ip link set br0 up || return 1
	done
	topo_link "$NS_CLI" eth0 "$NS_SWX" p0 &&
	topo_link "$NS_RS1" eth0 "$NS_SWI" p3 &&
	topo_link "$NS_RS2" eth0 "$NS_SWI" p4 || return 1
	for d in d1 d2; do
		ns=${HA_NS[$d]}
		topo_link "$ns" eth0 "$NS_SWX" "p$i" &&
		topo_link "$ns" eth1 "$NS_SWI" "p$i" &&
		on "$ns" ip addr add "${HA_EXT[$d]}/24" dev eth0 &&
		on "$ns" ip addr add "${HA_INT[$d]}/24" dev eth1 &&
		on "$ns" sysctl -qw net.ipv4.ip_forward=1 &&
		# Redirect targets of the director's XDP (DESIGN.md: veth peers).
		on "$NS_SWX" ethtool -K "p$i" gro on >/dev/null &&
		on "$NS_SWI" ethtool -K "p$i" gro on >/dev/null &&
		mkdir -p "$TOPO_TMP/$d" "$TOPO_RUN/$d" || return 1
		i=$((i + 1))
	done
	for i in 0 1 2; do
		on "$NS_SWX" ip link set "p$i" master br0 || return 1
	done
	for i in 1 2 3 4; do
		on "$NS_SWI" ip link set "p$i" master br0 || return 1
	done
	on "$NS_CLI" ip addr add 192.168.1.50/24 dev eth0 &&
	on "$NS_RS1" ip addr add 10.0.0.2/24 dev eth0 &&
	on "$NS_RS1" ip route add default via $HA_GW &&
	on "$NS_RS2" ip addr add 10.0.0.3/24 dev eth0 &&
	on "$NS_RS2" ip route add default via $HA_GW &&
	topo_sender "$NS_CLI" eth0 &&
	topo_sender "$NS_RS1" eth0 &&
	topo_sender "$NS_RS2" eth0
}

# keepalived.conf of director $1: the seed's file for that director (its
# vrrp_instance VI_1 and virtual_server unchanged) plus global_defs lines,
# the vrrp_script, track_script, VI_GW and the sync group (docs/ha.md).
ha_keepalived_conf()
{
	local d=$1
	cat <<-EOF
	global_defs {
	   router_id ${HA_ROUTER[$d]}
	   # xvs: xvsd follows VRRP states through this FIFO
	   vrrp_notify_fifo $TOPO_RUN/$d/vrrp.fifo
	   script_user root
	   $HA_GLOBAL_EXTRA
	}

	# xvs: a dead or hung xvsd puts the pair's instances in FAULT
	vrrp_script chk_xvsd {
	    script "$XVS_BUILD/xvsd --check --socket $TOPO_RUN/$d/xvsd.sock"
	    interval 1
	    timeout 2
	    fall 2
	    rise 2
	}

	# xvs: the real servers' gateway moves with the VIP
	vrrp_sync_group VG_1 {
	    group {
	        VI_1
	        VI_GW
	    }
	}

	vrrp_instance VI_1 {
	    state ${HA_STATE[$d]}
	    interface eth0
	    virtual_router_id 51
	    priority ${HA_PRIO[$d]}
	    advert_int 1
	    authentication {
	        auth_type PASS
	        auth_pass 1111
	    }
	    virtual_ipaddress {
	        192.168.1.200
	    }
	    track_script {
	        chk_xvsd
	    }
	}

	vrrp_instance VI_GW {
	    state ${HA_STATE[$d]}
	    interface eth1
	    virtual_router_id 52
	    priority ${HA_PRIO[$d]}
	    advert_int 1
	    authentication {
	        auth_type PASS
	        auth_pass 1111
	    }
	    virtual_ipaddress {
	        10.0.0.1/24
	    }
	}

	virtual_server 192.168.1.200 80 {
	    delay_loop 6
	    lb_algo rr
	    lb_kind NAT
	    persistence_timeout 300
	    protocol TCP

	    real_server 10.0.0.2 80 {
	        weight 1
	        TCP_CHECK {
	            connect_timeout 3
	            nb_get_retry 3
	            delay_before_retry 3
	            connect_port 80
	        }
	    }

	    real_server 10.0.0.3 80 {
	        weight 1
	        TCP_CHECK {
	            connect_timeout 3
	            nb_get_retry 3
	            delay_before_retry 3
	            connect_port 80
	        }
	    }
	}
	EOF
}

# ipvsadm/xvsadm on director $1.
ha_adm()
{
	local d=$1
	shift
	XVS_SOCKET=$TOPO_RUN/$d/xvsd.sock ip netns exec "${HA_NS[$d]}" "$XVS_BUILD/xvsadm" "$@"
}

# Start xvsd on director $1 following its keepalived (more xvsd options in
# $2...: -f "$(ha_conf d1)" runs the keepalived.conf); wait until it answers.
ha_xvsd_start()
{
	local d=$1 i
	shift
	topo_bpffs || return 1
	ip netns exec "${HA_NS[$d]}" "$XVS_BUILD/xvsd" -n -i eth0,eth1 \
		--socket "$TOPO_RUN/$d/xvsd.sock" --pin-dir "$TOPO_RUN/bpffs/$d" \
		--vrrp-fifo "$TOPO_RUN/$d/vrrp.fifo" \
		--vrrp-instance VI_1=192.168.1.200 --vrrp-instance VI_GW=$HA_GW "$@" \
		>>"$TOPO_TMP/$d/xvsd.log" 2>&1 &
	HA_XVSD_PID[$d]=$!
	TOPO_PIDS+=("$!")
	for ((i = 0; i < TOPO_XVSD_WAIT; i++)); do
		ha_adm "$d" -L -n >/dev/null 2>&1 && return 0
		kill -0 "${HA_XVSD_PID[$d]}" 2>/dev/null || break
		sleep 0.1
	done
	cat "$TOPO_TMP/$d/xvsd.log" >&2
	topo_die "xvsd on $d did not come up"
}

# The seed's rules (1.5) on director $1.
ha_rules()
{
	ha_adm "$1" -A -t 192.168.1.200:80 -s rr &&
	ha_adm "$1" -a -t 192.168.1.200:80 -r 10.0.0.2:80 -m &&
	ha_adm "$1" -a -t 192.168.1.200:80 -r 10.0.0.3:80 -m
}

# Director $1's keepalived.conf, written (ha_keepalived_conf); prints its path.
ha_conf()
{
	ha_keepalived_conf "$1" >"$TOPO_TMP/$1/keepalived.conf" &&
	echo "$TOPO_TMP/$1/keepalived.conf"
}

# Start keepalived -P on director $1 with its own config and pid files.
ha_keepalived_start()
{
	local d=$1
	ha_conf "$d" >/dev/null || return 1
	ip netns exec "${HA_NS[$d]}" keepalived -P -n -l -D \
		-f "$TOPO_TMP/$d/keepalived.conf" \
		-p "$TOPO_RUN/$d/keepalived.pid" -r "$TOPO_RUN/$d/vrrp.pid" \
		>>"$TOPO_TMP/$d/keepalived.log" 2>&1 &
	HA_KA_PID[$d]=$!
	TOPO_PIDS+=("$!")
	# Its VRRP child, so cleanup finds it whatever happens to the parent.
	wait_until 5 test -s "$TOPO_RUN/$d/vrrp.pid" || topo_die "keepalived on $d did not start" ||
		return 1
	TOPO_PIDS+=("$(cat "$TOPO_RUN/$d/vrrp.pid")")
}

# SIGKILL keepalived (parent and VRRP child) on director $1.
ha_keepalived_kill()
{
	local d=$1
	kill -KILL "$(cat "$TOPO_RUN/$d/vrrp.pid")" "${HA_KA_PID[$d]}" 2>/dev/null
	wait "${HA_KA_PID[$d]}" 2>/dev/null
	HA_KA_PID[$d]=
}

ha_xvsd_kill()
{
	local d=$1
	kill -KILL "${HA_XVSD_PID[$d]}" 2>/dev/null
	wait "${HA_XVSD_PID[$d]}" 2>/dev/null
	HA_XVSD_PID[$d]=
}

# The state xvsd on director $1 last logged for instance $2.
ha_state()
{
	sed -n "s/.*VRRP instance $2: [A-Z]* -> \([A-Z]*\).*/\1/p" "$TOPO_TMP/$1/xvsd.log" |
		tail -n 1
}

# Does director $1 hold address $2 on $3?
ha_holds()
{
	on "${HA_NS[$1]}" ip -4 -o addr show dev "$3" | grep -q " $2/"
}

# The whole pair: topology, nginx, both xvsd with the rules, both keepalived;
# returns once d1 is MASTER of both instances and d2 BACKUP.
ha_up()
{
	ha_build && topo_real_servers &&
	ha_xvsd_start d1 && ha_rules d1 &&
	ha_xvsd_start d2 && ha_rules d2 &&
	ha_keepalived_start d1 && ha_keepalived_start d2 &&
	wait_until 15 ha_holds d1 192.168.1.200 eth0 &&
	wait_until 5 ha_holds d1 $HA_GW eth1 &&
	wait_until 5 ha_is d1 VI_1 MASTER &&
	wait_until 5 ha_is d2 VI_1 BACKUP
}

# New connections counted by director $1's service (ipvsadm --stats Conns).
ha_conns()
{
	ha_adm "$1" -L -n --stats | awk '$1 == "TCP" { print $3 }'
}

# STANDBY bit of the service as director $1's datapath sees it: 1 or 0.
ha_standby()
{
	local m
	m=$(ls -d "$TOPO_RUN/bpffs/$1"/v*/svc_map) || return 1
	bpftool -j map dump pinned "$m" |
		jq -e '.[0].formatted.value.flags' |
		awk '{ print (int($1 / 65536) % 2) }'
}

# Is instance $2 in state $3 on director $1 (as its xvsd last logged)?
ha_is()
{
	[ "$(ha_state "$1" "$2")" = "$3" ]
}

# One HTTP request through the VIP answered, and counted as a new
# connection by director $1.
ha_served_by()
{
	local before
	before=$(ha_conns "$1") &&
	on "$NS_CLI" curl -s -m 0.5 -o /dev/null "http://$VIP/" &&
	[ "$(ha_conns "$1")" -gt "$before" ]
}

# Seconds (two decimals) from $2 (date +%s.%N) until command $3... succeeds,
# polled every 50 ms; fails after $1 seconds.
ha_time_until()
{
	local limit=$1 t0=$2 now
	shift 2
	while :; do
		if "$@" 2>/dev/null; then
			now=$(date +%s.%N)
			awk -v a="$t0" -v b="$now" 'BEGIN { printf "%.2f\n", b - a }'
			return 0
		fi
		now=$(date +%s.%N)
		awk -v a="$t0" -v b="$now" -v l="$limit" 'BEGIN { exit !(b - a > l) }' && return 1
		sleep 0.05
	done
}
