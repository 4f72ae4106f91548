#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Misuse of ipvsadm: each bad command prints ipvsadm 1.31's error text and
# exits with its status (2: parse/validation, 255: the kernel refused or an
# unknown option, 1: listing a missing service), and changes nothing: the
# `-S -n` output is the same before and after. Texts from ipvsadm.c and
# libipvs's ipvs_strerror (reference/ipvs.md 3.3, 3.4). Commands run on the
# director, whose resolver is loopback-only, so bad names fail fast.

. "$(dirname "$0")/lib.sh"

test_setup XVSD 'setup: seed topology, xvsd, the seed service' '
	topo_build &&
	topo_xvsd_start &&
	ipvsadm -A -t 192.168.1.200:80 -s rr &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.2:80 -m &&
	ipvsadm -a -t 192.168.1.200:80 -r 10.0.0.3:80 -m -w 2 &&
	ipvsadm --set 30 5 60 &&
	ipvsadm -S -n >saved &&
	ipvsadm -L --timeout >timeouts
'

# bad EXIT 'stderr' args...: run ipvsadm with args, check the error and that
# the table (and the timeouts) did not change.
bad()
{
	expect_error "$1" "$2" ipvsadm "${@:3}" &&
	ipvsadm -S -n >now && test_cmp saved now &&
	ipvsadm -L --timeout >now && test_cmp timeouts now
}

# The body reads the case from these variables when it runs, which is at once.
while IFS='|' read -r case_rc case_err case_args; do
	[ -n "$case_rc" ] || continue
	test_expect_success "ipvsadm $case_args" 'bad "$case_rc" "$case_err" $case_args'
done <<'EOF_CASES'
255|Service already exists|-A -t 192.168.1.200:80 -s wlc
255|No such service|-E -t 192.168.1.201:80 -s rr
255|No such service|-D -t 192.168.1.201:80
255|No such service|-Z -t 192.168.1.201:80
255|Service not defined|-a -t 192.168.1.201:80 -r 10.0.0.2:80 -m
255|Destination already exists|-a -t 192.168.1.200:80 -r 10.0.0.2:80 -m -w 5
255|No such destination|-e -t 192.168.1.200:80 -r 10.0.0.9:80 -m
255|No such destination|-d -t 192.168.1.200:80 -r 10.0.0.9:80
255|Scheduler or persistence engine not found|-A -t 192.168.1.201:80 -s nosuch
255|Scheduler or persistence engine not found|-E -t 192.168.1.200:80 -s nosuch
255|Numerical result out of range|-a -t 192.168.1.200:80 -r 10.0.0.4:80 -m -y 10
2|illegal virtual server address[:port] specified|-A -t 192.168.1.300:80 -s rr
2|illegal virtual server address[:port] specified|-A -t 192.168.1.201:99999 -s rr
2|illegal virtual server address[:port] specified|-A -t 1234 -s rr
2|illegal real server address[:port] specified|-a -t 192.168.1.200:80 -r 10.0.0.256:80 -m
2|illegal weight specified|-a -t 192.168.1.200:80 -r 10.0.0.4:80 -m -w 65536
2|illegal weight specified|-e -t 192.168.1.200:80 -r 10.0.0.2:80 -m -w abc
2|invalid timeout value `0' specified|-A -t 192.168.1.201:80 -s rr -p 0
2|Zero port specified for non-persistent service|-A -t 192.168.1.201 -s rr
2|invalid option `-D'|-A -D -t 192.168.1.200:80
2|You need to supply the 'real-server' option for the 'add-server' command|-a -t 192.168.1.200:80 -m
2|You need to supply the 'service-address' option for the 'delete-service' command|-D
2|Illegal 'scheduler' option with the 'delete-service' command|-D -t 192.168.1.200:80 -s rr
2|Illegal 'weight' option with the 'delete-server' command|-d -t 192.168.1.200:80 -r 10.0.0.2:80 -w 1
2|multiple 'scheduler' options specified|-A -t 192.168.1.201:80 -s rr -s wrr
2|--set option requires 3 timeout values|--set 30 5
2|options conflicts in the list command|-L -n -c --stats
2|unexpected argument extra|-A -t 192.168.1.201:80 -s rr extra
255|--nosuch: unknown option|-A -t 192.168.1.201:80 --nosuch
255|Try `ipvsadm -h' or 'ipvsadm --help' for more information.|--nosuch
255|Try `ipvsadm -h' or 'ipvsadm --help' for more information.|-t 192.168.1.200:80
1|No such service|-L -n -t 192.168.1.201:80
EOF_CASES

# Not supported yet in xvs: a clear error, a failure status, nothing changed.
unsupported()
{
	ipvsadm "$@" >out 2>err
	rc=$?
	cat err
	test $rc != 0 && test_cmp /dev/null out && grep -qi "not supported" err &&
	ipvsadm -S -n >now && test_cmp saved now
}

test_expect_success 'no forwarding option means -g (direct routing): not supported yet' '
	unsupported -a -t 192.168.1.200:80 -r 10.0.0.4:80
'
test_expect_success '-g (direct routing): not supported yet' '
	unsupported -a -t 192.168.1.200:80 -r 10.0.0.4:80 -g
'
test_expect_success '-i (tunnelling): not supported yet' '
	unsupported -a -t 192.168.1.200:80 -r 10.0.0.4:80 -i
'
test_expect_success 'IPv6 service: not supported yet' '
	unsupported -A -t [2001:db8::1]:80 -s rr
'
test_expect_success '--sctp-service: not supported yet' '
	unsupported -A --sctp-service 192.168.1.200:80 -s rr
'

test_expect_success 'after all of that the table still forwards as configured' '
	ipvsadm -L -n >listing && cat listing &&
	grep -q "^TCP  192.168.1.200:80 rr$" listing &&
	test $(grep -c "Masq" listing) = 2
'

test_done
