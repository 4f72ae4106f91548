#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build, test and demo dependencies, all from Debian 12 packages.
#   scripts/deps.sh check    exit 0 if everything is installed
#   scripts/deps.sh install  apt-get install what is missing
#   scripts/deps.sh check|install bench   the same for `make bench`'s extra set
#     (traffic tools, the peers it compares with, gnuplot): tests never need it
# keepalived is installed without recommends: it recommends the real ipvsadm.
# prometheus brings promtool (tests check the metrics endpoint with it);
# its service is not started: policy-rc.d below. dpkg-dev: make deb.
# libssl-dev: SSL_GET checks; openssl: tests make a certificate for them;
# keepalived: its LVS sample configs are parsed by tests (and it runs VRRP).
set -eu

PKGS="make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev linux-libc-dev
libcmocka-dev pkg-config iproute2 ethtool nginx-light curl procps util-linux netbase
jq prometheus dpkg-dev libssl-dev openssl keepalived"
# clang -target bpf defines neither __x86_64__ nor __i386__, so glibc's
# gnu/stubs.h (reached from <linux/icmp.h> through <sys/socket.h>) asks for
# stubs-32.h, which only libc6-dev-i386 installs on amd64.
[ "$(dpkg --print-architecture 2>/dev/null)" = amd64 ] && PKGS="$PKGS libc6-dev-i386"
BENCH_PKGS="wrk sockperf haproxy nftables conntrack gnuplot-nox"
[ "${2:-}" = bench ] && PKGS=$BENCH_PKGS

missing() {
	for p in $PKGS; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
			echo "$p"
	done
}

case "${1:-check}" in
check)
	m=$(missing)
	[ -z "$m" ] && exit 0
	echo "missing packages:" $m >&2
	exit 1
	;;
install)
	m=$(missing)
	[ -z "$m" ] && exit 0
	if [ "$(id -u)" != 0 ]; then
		echo "deps: need root to install:" $m >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	# Don't let package scripts start services (nginx on the host's port 80):
	# tests start their own nginx inside namespaces.
	prc=/usr/sbin/policy-rc.d
	own_prc=
	if [ ! -e $prc ]; then
		printf '#!/bin/sh\nexit 101\n' > $prc && chmod +x $prc && own_prc=1
	fi
	apt-get update -q || true
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $m || rc=$?
	[ -n "$own_prc" ] && rm -f $prc
	exit ${rc:-0}
	;;
*)
	echo "usage: $0 check|install" >&2
	exit 2
	;;
esac
