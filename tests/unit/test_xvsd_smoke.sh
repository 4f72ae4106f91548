#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# xvsd smoke test, run by hand as root (not part of `make test`): a director
# namespace with two veths, xvsd -n pinning on a private bpffs, a service and
# two servers added over the control socket, kill -9, restart, the same state
# adopted, then --cleanup. Uses a tiny ctl_proto client (python3) so it does
# not need xvsadm. Prints "N passed, N failed".
#   usage: tests/unit/test_xvsd_smoke.sh [path/to/xvsd]
set -u
XVSD=$(realpath "${1:-build/xvsd}")
P=xvsdsmk$$
NS=${P}-dir
RUN=/run/xvs-test-$P
BPFFS=$RUN/bpffs
SOCK=$RUN/xvsd.sock
PIN=$BPFFS/xvs
# Pins live in a per-ABI-version subdirectory (docs/xvsd.md).
ABI=v$(sed -n 's/^#define XVS_ABI_VERSION[[:space:]]*//p' "$(dirname "$0")/../../include/xvs/abi.h")
pass=0 fail=0 pid=

cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	ip netns exec "$NS" "$XVSD" --cleanup --pin-dir "$PIN" --socket "$SOCK" >/dev/null 2>&1
	ip netns del "$NS" 2>/dev/null
	umount "$BPFFS" 2>/dev/null
	rm -rf "$RUN"
}
trap cleanup EXIT

check() {	# check 'what' command...
	local what=$1
	shift
	if "$@"; then
		pass=$((pass + 1)); echo "ok - $what"
	else
		fail=$((fail + 1)); echo "FAIL - $what"
	fi
}

ctl() { ip netns exec "$NS" python3 - "$SOCK" "$@" <<'PY'
import socket, struct, sys
MAGIC, VER = 0x5856534d, 1
path, cmd, args = sys.argv[1], sys.argv[2], sys.argv[3:]
def ip4(s): return socket.inet_aton(s)
def svc_id(proto, addr, port):
    return struct.pack('<HH4sxxxxxxxxxxxx', 2, {'tcp': 6, 'udp': 17}[proto], ip4(addr)) + \
        struct.pack('>H', int(port)) + struct.pack('<HI', 0, 0)
def svc(proto, addr, port, sched='wlc'):
    return svc_id(proto, addr, port) + struct.pack('<16s32sIIII', sched.encode(), b'',
        0, 0, 0xffffffff, 0) + b'\0' * 84
def dest(addr, port, weight=1):
    return struct.pack('<H', 2) + struct.pack('>H', int(port)) + ip4(addr) + b'\0' * 12 + \
        struct.pack('<IiIIIIII', 0, int(weight), 0, 0, 0, 0, 0, 0) + b'\0' * 84
def call(s, c, payload=b''):
    s.sendall(struct.pack('<IHHIi', MAGIC, VER, c, len(payload), 0) + payload)
    h = b''
    while len(h) < 16:
        h += s.recv(16 - len(h))
    m, v, rc, ln, st = struct.unpack('<IHHIi', h)
    body = b''
    while len(body) < ln:
        body += s.recv(ln - len(body))
    return st, body
s = socket.socket(socket.AF_UNIX); s.connect(path)
if cmd == 'add-svc': st, _ = call(s, 2, svc(*args))
elif cmd == 'add-dest': st, _ = call(s, 6, svc(*args[:3]) + dest(*args[3:]))
elif cmd == 'del-dest': st, _ = call(s, 8, svc(*args[:3]) + dest(*args[3:]))
elif cmd == 'set': st, _ = call(s, 10, struct.pack('<III', *map(int, args)))
elif cmd == 'timeout':
    st, b = call(s, 11); print(*struct.unpack('<III', b))
elif cmd == 'list':
    st, b = call(s, 12); off = 0
    while off < len(b):
        a, p = socket.inet_ntoa(b[off+4:off+8]), struct.unpack('>H', b[off+20:off+22])[0]
        sched = b[off+28:off+44].split(b'\0')[0].decode()
        n = struct.unpack('<I', b[off+88:off+92])[0]; off += 176
        print('svc %s:%d %s' % (a, p, sched))
        for _ in range(n):
            da, dp = socket.inet_ntoa(b[off+4:off+8]), struct.unpack('>H', b[off+2:off+4])[0]
            w = struct.unpack('<i', b[off+24:off+28])[0]; off += 136
            print('  dest %s:%d w%d' % (da, dp, w))
elif cmd == 'garbage':
    s.sendall(b'\xde\xad\xbe\xef' * 8); s.settimeout(2)
    try:
        print('closed' if s.recv(16) == b'' else 'answered')
    except ConnectionResetError:
        print('closed')
    st = 0
print('status', st)
PY
}

start_xvsd() {
	ip netns exec "$NS" "$XVSD" -n -i eth0,eth1 --socket "$SOCK" --pin-dir "$PIN" \
		--conn-max 1024 2>>"$RUN/xvsd.log" &
	pid=$!
	# The socket file may be a stale one: wait until xvsd answers on it.
	for _ in $(seq 100); do
		ctl timeout >/dev/null 2>&1 && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	cat "$RUN/xvsd.log"
	return 1
}

[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 0; }
mkdir -p "$BPFFS" && mount -t bpf bpf "$BPFFS" || exit 1
ip netns add "$NS" || exit 1
ip -n "$NS" link add eth0 type veth peer name peer0
ip -n "$NS" link add eth1 type veth peer name peer1
for l in eth0 eth1 peer0 peer1; do ip -n "$NS" link set "$l" up; done
ip -n "$NS" addr add 192.168.1.100/24 dev eth0
ip -n "$NS" addr add 10.0.0.1/24 dev eth1

export -f ctl
export NS SOCK
check "refuses to start with ip_forward off" \
	bash -c "ip netns exec $NS $XVSD -n -i eth0 --socket $SOCK --pin-dir $PIN 2>&1 | grep -q net.ipv4.ip_forward"
ip netns exec "$NS" sysctl -qw net.ipv4.ip_forward=1
check "refuses a missing interface" \
	bash -c "ip netns exec $NS $XVSD -n -i nosuch0 --socket $SOCK --pin-dir $PIN 2>&1 | grep -q 'nosuch0 does not exist'"
check "starts" start_xvsd
check "second xvsd on the same socket refused" \
	bash -c "ip netns exec $NS $XVSD -n -i eth0 --socket $SOCK --pin-dir $PIN 2>&1 | grep -q 'already running'"
check "XDP link pinned" test -e "$PIN/$ABI/link_xdp_eth0"
check "maps pinned" test -e "$PIN/$ABI/svc_map"
check "socket is 0600" test "$(stat -c %a "$SOCK")" = 600
check "add service" bash -c "ctl add-svc tcp 192.168.1.200 80 rr | grep -q 'status 0'"
check "duplicate service -> EEXIST" bash -c "ctl add-svc tcp 192.168.1.200 80 rr | grep -q 'status -17'"
check "bad scheduler -> ENOENT" bash -c "ctl add-svc tcp 192.168.1.201 80 lc | grep -q 'status -2'"
check "add dest 1" bash -c "ctl add-dest tcp 192.168.1.200 80 10.0.0.2 80 | grep -q 'status 0'"
check "add dest 2" bash -c "ctl add-dest tcp 192.168.1.200 80 10.0.0.3 8080 2 | grep -q 'status 0'"
check "--set 30 5 60" bash -c "ctl set 30 5 60 | grep -q 'status 0'"
ctl list >"$RUN/before"
check "list newest first" bash -c "grep -A2 '^svc 192.168.1.200:80 rr' $RUN/before | tail -1 | grep -q '10.0.0.2:80 w1'"
check "garbage frame closes the connection" bash -c "ctl garbage | grep -q closed"
check "still serving after garbage" bash -c "ctl list | cmp -s - $RUN/before"

kill -9 "$pid"; wait "$pid" 2>/dev/null; pid=
check "XDP stays attached after kill -9" bash -c "ip -n $NS link show eth0 | grep -q xdp"
check "restarts over a stale socket" start_xvsd
check "state adopted after restart" bash -c "ctl list | cmp -s - $RUN/before"
check "timeouts adopted" bash -c "ctl timeout | grep -q '^30 5 60'"
check "delete dest" bash -c "ctl del-dest tcp 192.168.1.200 80 10.0.0.2 80 | grep -q 'status 0'"
check "missing dest -> ENOENT" bash -c "ctl del-dest tcp 192.168.1.200 80 10.0.0.2 80 | grep -q 'status -2'"
check "re-add resurrects" bash -c "ctl add-dest tcp 192.168.1.200 80 10.0.0.2 80 | grep -q 'status 0'"
kill "$pid"; wait "$pid"; rc=$?; pid=
check "SIGTERM exits 0" test "$rc" = 0
check "socket removed on exit" test ! -e "$SOCK"
check "cleanup" ip netns exec "$NS" "$XVSD" --cleanup --pin-dir "$PIN" --socket "$SOCK"
check "XDP detached by cleanup" bash -c "! ip -n $NS link show eth0 | grep -q xdp"
check "tc filter removed by cleanup" bash -c "! tc -n $NS filter show dev eth0 ingress | grep -q xvs_tc"
check "pins removed" test ! -e "$PIN"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
