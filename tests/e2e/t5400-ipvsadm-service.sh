#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# systemd/ipvsadm.service run for real: its ExecStart and ExecStop command
# lines, taken from the unit file (so this test follows any change to it),
# run as systemd would run them (`$$` is `$`) against an xvsd in a test
# namespace. Each runs in a private mount namespace where /etc is an
# overlay of the host's (writes go to this test's directory, never to the
# host's /etc) and /usr/local/sbin holds the build's ipvsadm names, the
# paths `make install` gives them. Checked: rules saved at stop come back at
# start; /etc/sysconfig/ipvsadm (RHEL) is preferred over /etc/ipvsadm.rules
# (Debian); without /etc/sysconfig the Debian path is written; no saved file
# is not an error and leaves the table alone; a broken file fails the unit.
# Also systemd-analyze verify on the units of the source tree.

. "$(dirname "$0")/lib.sh"

UNIT=$XVS_ROOT/systemd/ipvsadm.service
UNS=

# A command line of the unit ($1: ExecStart or ExecStop), with systemd's `$$` -> `$`.
unit_cmd()
{
	sed -n "s/^$1=//p" "$UNIT" | sed 's/\$\$/$/g'
}

# Run shell code $1 as the unit's world sees it: the private /etc and /usr/local/sbin.
in_unit_ns()
{
	unshare -m --propagation private bash -c '
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/upper,workdir=$1/work" /etc &&
		mount --bind "$1/sbin" /usr/local/sbin &&
		eval "$2"' _ "$UNS" "$1"
}

# The private /etc back to the host's, then shell code $1 run in it to set it up.
etc_reset()
{
	rm -rf "$UNS/upper" "$UNS/work" && mkdir "$UNS/upper" "$UNS/work" &&
	in_unit_ns "${1:-:}"
}

unit_start()
{
	in_unit_ns "$(unit_cmd ExecStart)"
}

unit_stop()
{
	in_unit_ns "$(unit_cmd ExecStop)"
}

# A file of the private /etc to stdout.
etc_cat()
{
	in_unit_ns "cat $1"
}

seed_rules()
{
	ipvsadm -C &&
	ipvsadm -A -t 192.168.1.200:80 -s rr &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.2:80 -m &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.3:80 -m
}

test_setup XVSD 'setup: director namespace, xvsd, the unit'"'"'s commands and a private /etc' '
	topo_build &&
	topo_xvsd_start &&
	UNS=$TOPO_TMP/unitns && mkdir -p "$UNS/sbin" &&
	for a in ipvsadm ipvsadm-save ipvsadm-restore xvsadm; do
		ln -s "$XVS_BUILD/xvsadm" "$UNS/sbin/$a" || return 1
	done &&
	ln -s "$XVS_BUILD/xvsd" "$UNS/sbin/xvsd" &&
	unit_cmd ExecStart | grep -q "^/bin/sh -c .*/usr/local/sbin/ipvsadm-restore" &&
	unit_cmd ExecStop | grep -q "^/bin/sh -c .*/usr/local/sbin/ipvsadm-save" &&
	etc_reset
'

test_expect_success 'systemd-analyze verify accepts the units of the source tree' '
	in_unit_ns "cd $XVS_ROOT/systemd && systemd-analyze verify --man=no xvsd.service ipvsadm.service" \
		>verify.out 2>&1
	rc=$?
	cat verify.out
	test $rc = 0
'

test_expect_success 'stop with /etc/sysconfig: the table saved to /etc/sysconfig/ipvsadm' '
	etc_reset "mkdir /etc/sysconfig" &&
	seed_rules &&
	ipvsadm -S -n >expect &&
	test $(wc -l <expect) = 3 &&
	unit_stop &&
	etc_cat /etc/sysconfig/ipvsadm >saved &&
	test_cmp expect saved &&
	in_unit_ns "test ! -e /etc/ipvsadm.rules && test ! -e /etc/sysconfig/ipvsadm.new" &&
	ipvsadm -S -n >after &&
	test_cmp expect after
'

test_expect_success 'start: the saved rules come back in place of whatever was there' '
	ipvsadm -C &&
	ipvsadm -A -u 192.168.1.200:53 -s wlc &&
	unit_start &&
	ipvsadm -S -n >got &&
	test_cmp expect got
'

test_expect_success 'start: /etc/sysconfig/ipvsadm is preferred over /etc/ipvsadm.rules' '
	etc_reset "mkdir /etc/sysconfig &&
		echo \"-A -t 192.168.1.200:80 -s wrr\" >/etc/sysconfig/ipvsadm &&
		echo \"-A -t 192.168.1.200:81 -s lc\" >/etc/ipvsadm.rules" &&
	unit_start &&
	ipvsadm -S -n >got &&
	echo "-A -t 192.168.1.200:80 -s wrr" >want &&
	test_cmp want got
'

test_expect_success 'no /etc/sysconfig (Debian): stop saves to /etc/ipvsadm.rules, start reads it' '
	etc_reset "rm -rf /etc/sysconfig /etc/ipvsadm.rules" &&
	seed_rules &&
	unit_stop &&
	etc_cat /etc/ipvsadm.rules >saved &&
	test_cmp expect saved &&
	in_unit_ns "test ! -e /etc/sysconfig" &&
	ipvsadm -C &&
	unit_start &&
	ipvsadm -S -n >got &&
	test_cmp expect got
'

test_expect_success 'no saved file at all: start succeeds and leaves the table alone' '
	etc_reset "rm -rf /etc/sysconfig /etc/ipvsadm.rules" &&
	unit_start &&
	ipvsadm -S -n >got &&
	test_cmp expect got &&
	etc_reset "mkdir /etc/sysconfig" &&
	unit_start &&
	ipvsadm -S -n >got &&
	test_cmp expect got
'

test_expect_success 'a broken saved file fails the start with the restore'"'"'s message' '
	etc_reset "mkdir /etc/sysconfig && echo \"-A -t 192.168.1.200:80 -s nonesuch\" >/etc/sysconfig/ipvsadm" &&
	! unit_start 2>err &&
	cat err &&
	grep -q . err
'

test_done
