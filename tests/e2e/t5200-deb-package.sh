#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make deb`: the package's control fields (Conflicts/Replaces/Provides
# ipvsadm, shared-library Depends, the version of xvsd), its contents (the
# binaries and the ipvsadm names, man pages, units naming the packaged
# paths, /etc/xvs/xvsd.conf as a conffile), units that systemd-analyze
# accepts, the packaged binaries working, and a real dpkg install, remove
# and purge into a throwaway root (dpkg --root with its own database;
# maintainer scripts do nothing there) that leave nothing behind.
# Needs no network namespace.

. "$(dirname "$0")/lib.sh"

VERSION=$(sed -n 's/^#define XVSD_VERSION "\(.*\)"$/\1/p' "$XVS_ROOT/src/xvsd/version.h")
DEB=$XVS_ROOT/build/xvs_${VERSION}_$(dpkg --print-architecture).deb

for c in dpkg-deb dpkg-shlibdeps systemd-analyze; do
	command -v "$c" >/dev/null || skip_all "missing $c (scripts/deps.sh install)"
done

test_setup 'make deb builds the package' '
	rm -f "$DEB" &&
	make -s -C "$XVS_ROOT" deb >make.out &&
	cat make.out &&
	test -s "$DEB"
'

field()
{
	dpkg-deb -f "$DEB" "$1"
}

test_expect_success 'control: name, version, conflicts with ipvsadm, library Depends' '
	test "$(field Package)" = xvs &&
	test "$(field Version)" = "$VERSION" &&
	test "$(field Conflicts)" = ipvsadm &&
	test "$(field Replaces)" = ipvsadm &&
	test "$(field Provides)" = ipvsadm &&
	field Depends | grep -q "libbpf1 (>= " &&
	field Depends | grep -q "libc6 (>= " &&
	test "$(field Installed-Size)" -gt 0
'

test_expect_success 'contents: binaries, ipvsadm names, man pages, units, config, docs' '
	dpkg-deb -c "$DEB" | awk "{ print \$6 \$7 \$8 }" | sed "s|^\./|/|" | sort >contents &&
	for f in /usr/sbin/xvsd /usr/sbin/xvsadm "/usr/sbin/ipvsadm->xvsadm" \
		"/usr/sbin/ipvsadm-save->xvsadm" "/usr/sbin/ipvsadm-restore->xvsadm" \
		/usr/share/man/man8/xvsd.8.gz /usr/share/man/man8/xvsadm.8.gz \
		/usr/share/man/man5/xvsd.conf.5.gz "/usr/share/man/man8/ipvsadm.8.gz->xvsadm.8.gz" \
		/lib/systemd/system/xvsd.service /lib/systemd/system/ipvsadm.service \
		/etc/xvs/xvsd.conf /usr/share/doc/xvs/copyright /usr/share/doc/xvs/changelog.Debian.gz; do
		grep -qx -- "$f" contents || { echo "missing $f"; return 1; }
	done &&
	! grep /usr/local contents &&
	dpkg-deb --ctrl-tarfile "$DEB" | tar -xO ./conffiles >conffiles &&
	echo /etc/xvs/xvsd.conf >expect &&
	test_cmp expect conffiles
'

test_expect_success 'the packaged units name the packaged binaries; systemd-analyze verifies them' '
	rm -rf x && mkdir x && dpkg-deb -x "$DEB" x &&
	grep -q "^ExecStart=/usr/sbin/xvsd -c /etc/xvs/xvsd.conf$" x/lib/systemd/system/xvsd.service &&
	grep -q "^Type=forking$" x/lib/systemd/system/xvsd.service &&
	grep -q "^PIDFile=/run/xvs/xvsd.pid$" x/lib/systemd/system/xvsd.service &&
	grep -q "/usr/sbin/ipvsadm-restore" x/lib/systemd/system/ipvsadm.service &&
	grep -q "/usr/sbin/ipvsadm-save" x/lib/systemd/system/ipvsadm.service &&
	! grep -h "^Exec" x/lib/systemd/system/*.service | grep -q /usr/local &&
	mkdir units &&
	for u in x/lib/systemd/system/*.service; do
		sed "s|/usr/sbin/|$PWD/x/usr/sbin/|g" "$u" >"units/${u##*/}" || return 1
	done &&
	(cd units && systemd-analyze verify --man=no xvsd.service ipvsadm.service)
'

test_expect_success 'the packaged binaries run: versions, ipvsadm name, config accepted' '
	x/usr/sbin/xvsd --version | grep -q "^xvsd $VERSION " &&
	x/usr/sbin/ipvsadm -v | grep -q "^ipvsadm v1.31" &&
	{ XVS_SOCKET=$PWD/none.sock x/usr/sbin/ipvsadm -L -n 2>err; test $? = 2; } &&
	grep -q "^Can.t initialize ipvs" err &&
	x/usr/sbin/xvsd -c x/etc/xvs/xvsd.conf --help >/dev/null
'

test_expect_success 'dpkg installs, removes and purges it cleanly in a throwaway root' '
	root=$PWD/root &&
	mkdir -p root/var/lib/dpkg/info root/var/lib/dpkg/updates root/var/lib/dpkg/triggers &&
	: >root/var/lib/dpkg/status && : >root/var/lib/dpkg/available &&
	dpkg --root="$root" --force-script-chrootless --force-depends --log=/dev/null \
		-i "$DEB" &&
	dpkg --root="$root" -s xvs | grep -qx "Status: install ok installed" &&
	test -x root/usr/sbin/xvsd && test -L root/usr/sbin/ipvsadm &&
	test -f root/etc/xvs/xvsd.conf &&
	dpkg --root="$root" --force-script-chrootless --log=/dev/null -r xvs &&
	find root -path root/var -prune -o -type f -print >left &&
	echo root/etc/xvs/xvsd.conf >expect &&
	test_cmp expect left &&
	dpkg --root="$root" --force-script-chrootless --log=/dev/null -P xvs &&
	find root -path root/var -prune -o -print >left &&
	echo root >expect &&
	test_cmp expect left
'

test_done
