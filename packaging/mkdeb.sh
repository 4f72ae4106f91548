#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make deb`: build build/xvs_VERSION_ARCH.deb with dpkg-deb from what
# `make install` puts in a staging root (PREFIX=/usr, units in
# /lib/systemd/system), plus /etc/xvs/xvsd.conf (a conffile), man page
# aliases for the ipvsadm names, the copyright and maintainer scripts of
# packaging/debian. The version is xvsd's (src/xvsd/version.h); Depends comes
# from dpkg-shlibdeps. The package Conflicts/Replaces/Provides ipvsadm.
# Run from the top of the tree after `make all`.
set -eu

BUILD=${BUILD:-build}
VERSION=$(sed -n 's/^#define XVSD_VERSION "\(.*\)"$/\1/p' src/xvsd/version.h)
ARCH=$(dpkg --print-architecture)
STAGE=$BUILD/deb/root
DEB=$BUILD/xvs_${VERSION}_${ARCH}.deb

[ -n "$VERSION" ] || { echo "mkdeb: no XVSD_VERSION in src/xvsd/version.h" >&2; exit 1; }
rm -rf "$BUILD/deb"
mkdir -p "$STAGE/DEBIAN"

make -s install DESTDIR="$STAGE" PREFIX=/usr SBINDIR=/usr/sbin MANDIR=/usr/share/man \
	UNITDIR=/lib/systemd/system >/dev/null
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
	"$STAGE/usr/sbin/xvsd" "$STAGE/usr/sbin/xvsadm"

# The units name /usr/local/sbin, where `make install` puts the binaries.
sed -i 's|/usr/local/sbin/|/usr/sbin/|g' "$STAGE"/lib/systemd/system/*.service

# Man pages compressed, the ipvsadm names pointing at xvsadm(8).
gzip -9n "$STAGE"/usr/share/man/man*/*
for a in ipvsadm ipvsadm-save ipvsadm-restore; do
	ln -s xvsadm.8.gz "$STAGE/usr/share/man/man8/$a.8.gz"
done

install -D -m 0644 packaging/xvsd.conf "$STAGE/etc/xvs/xvsd.conf"
install -D -m 0644 packaging/debian/copyright "$STAGE/usr/share/doc/xvs/copyright"
printf 'xvs (%s) unstable; urgency=medium\n\n  * Built from the xvs tree by make deb.\n\n -- xvs maintainers <maintainers@xvs.invalid>  %s\n' \
	"$VERSION" "$(date -R -d @"${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")" |
	gzip -9n >"$STAGE/usr/share/doc/xvs/changelog.Debian.gz"

for s in postinst prerm postrm; do
	install -m 0755 "packaging/debian/$s" "$STAGE/DEBIAN/$s"
done
echo /etc/xvs/xvsd.conf >"$STAGE/DEBIAN/conffiles"

# dpkg-shlibdeps wants a debian/control to read; give it a minimal one.
shl=$BUILD/deb/shlibs
mkdir -p "$shl/debian"
printf 'Source: xvs\n\nPackage: xvs\nArchitecture: any\n' >"$shl/debian/control"
depends=$(cd "$shl" && dpkg-shlibdeps -O "$OLDPWD/$STAGE/usr/sbin/xvsd" \
	"$OLDPWD/$STAGE/usr/sbin/xvsadm" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "mkdeb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

size=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$size/" \
	-e "s/@DEPENDS@/$depends/" packaging/debian/control.in >"$STAGE/DEBIAN/control"

dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB" >/dev/null
echo "$DEB"
