# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Test harness for the end-to-end scripts tests/e2e/tNNNN-area-detail.sh, in
# the spirit of git's t/test-lib.sh:
#
#   . "$(dirname "$0")/lib.sh"
#   test_expect_success 'what it checks' '
#       cmd1 &&
#       cmd2
#   '
#   test_done
#
# Each body runs in the test script's shell (so a setup step can set
# variables), its output captured and shown only when it fails. Results are
# printed TAP-style ("ok 3 - ...", "not ok 4 - ..."), and test_done ends
# with the line tests/run.sh reads: "N passed, N failed". Bodies chain with
# && so the first failing command fails the test.
#
# Options: -v shows every body's output, -k keeps the scratch directory.
# The topology helpers come from topo.sh; cleanup runs on any exit.

. "$(dirname "${BASH_SOURCE[0]}")/topo.sh"

TEST_NAME=$(basename "$0" .sh)
test_count=0
test_pass=0
test_fail=0
test_skip=0
test_verbose=0
TEST_PREREQS=" "
TOOLS=$XVS_BUILD/tests/tools

for arg in "$@"; do
	case $arg in
	-v | --verbose) test_verbose=1 ;;
	-k | --keep) TOPO_KEEP=1 ;;
	*) echo "$TEST_NAME: unknown option $arg" >&2; exit 2 ;;
	esac
done

# End the script without running any test, saying why.
skip_all()
{
	echo "1..0 # SKIP $*"
	echo "0 passed, 0 failed"
	exit 0
}

[ "$(id -u)" = 0 ] || skip_all "needs root (network namespaces, bpffs, XDP)"
for c in ip ethtool nginx curl mount; do
	command -v "$c" >/dev/null || skip_all "missing command $c (scripts/deps.sh install)"
done

test_set_prereq()
{
	TEST_PREREQS="$TEST_PREREQS$1 "
}

test_have_prereq()
{
	case $TEST_PREREQS in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# The binaries under test; missing ones make the tests that need them fail
# (not skip): they are part of the product.
for b in xvsd xvsadm; do
	[ -x "$XVS_BUILD/$b" ] && test_set_prereq "$(echo $b | tr a-z A-Z)"
done

test_cleanup()
{
	trap - EXIT INT TERM
	topo_cleanup
}
trap test_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

topo_init || { echo "Bail out! cannot create scratch directories"; exit 1; }
# Bodies write their scratch files (expect, actual, ...) here.
cd "$TOPO_TMP" || exit 1

# test_expect_success [PREREQ] 'description' 'body'
test_expect_success()
{
	local prereq= desc body out rc
	if [ $# = 3 ]; then
		prereq=$1
		shift
	fi
	desc=$1
	body=$2
	test_count=$((test_count + 1))
	if [ -n "$prereq" ] && ! test_have_prereq "$prereq"; then
		test_fail=$((test_fail + 1))
		echo "not ok $test_count - $desc (missing $prereq: build/$(echo "$prereq" | tr A-Z a-z))"
		return 1
	fi
	out=$TOPO_TMP/test-$test_count.out
	{ eval "$body"; } >"$out" 2>&1 </dev/null
	rc=$?
	if [ $rc = 0 ]; then
		test_pass=$((test_pass + 1))
		echo "ok $test_count - $desc"
		[ $test_verbose = 1 ] && sed 's/^/#   /' "$out"
		return 0
	fi
	test_fail=$((test_fail + 1))
	echo "not ok $test_count - $desc"
	echo "#   body:"
	printf '%s\n' "$body" | sed 's/^/#   /'
	echo "#   output (exit $rc):"
	tail -n 60 "$out" | sed 's/^/#   /'
	return 1
}

# A setup step: like test_expect_success, but when it fails the remaining
# tests cannot mean anything, so the script ends here.
test_setup()
{
	test_expect_success "$@" && return 0
	echo "# setup failed: not running the remaining tests"
	test_done
}

# A test that cannot run here, with the reason.
test_skip()
{
	test_count=$((test_count + 1))
	test_skip=$((test_skip + 1))
	echo "ok $test_count # skip $1 ($2)"
}

test_done()
{
	echo "1..$test_count"
	[ $test_skip = 0 ] || echo "# $test_skip skipped"
	echo "$test_pass passed, $test_fail failed"
	[ $test_fail = 0 ] && exit 0
	exit 1
}

# Compare expected and actual files, showing the difference.
test_cmp()
{
	diff -u "$1" "$2"
}

# expect_error EXIT 'stderr text' cmd...: the command must fail with exactly
# this exit status and this stderr (one line), and print nothing on stdout.
expect_error()
{
	local want_rc=$1 want_err=$2 rc
	shift 2
	"$@" >"$TOPO_TMP/ee.out" 2>"$TOPO_TMP/ee.err"
	rc=$?
	printf '%s\n' "$want_err" >"$TOPO_TMP/ee.want"
	if [ "$rc" != "$want_rc" ]; then
		echo "'$*': exit $rc, want $want_rc; stderr:"
		cat "$TOPO_TMP/ee.err"
		return 1
	fi
	test_cmp "$TOPO_TMP/ee.want" "$TOPO_TMP/ee.err" &&
	test_cmp /dev/null "$TOPO_TMP/ee.out"
}

# The ipvsadm names run on the director, as an admin would run them there
# (argv[0] is the bare name, as with ipvsadm found in PATH).
ipvsadm()
{
	on "$NS_DIR" ipvsadm "$@"
}

ipvsadm-save()
{
	on "$NS_DIR" ipvsadm-save "$@"
}

ipvsadm-restore()
{
	on "$NS_DIR" ipvsadm-restore "$@"
}

# One HTTP request from the client to the VIP; prints the body.
curl_vip()
{
	on "$NS_CLI" curl -s -m 5 "http://$VIP${1:-/}"
}

# The "Real Server rsN" line of one page fetched through the VIP.
which_rs()
{
	curl_vip | grep -o 'Real Server rs[0-9]*'
}

# Start a download of big.bin through the VIP in the background, served at
# 512 KB/s by nginx (/slow.bin; curl's own --limit-rate stalls for seconds
# after a burst): download_start FILE. FILE.status gets curl's
# "HTTP-code size" and then "exit N" when it ends.
download_start()
{
	topo_bg "$NS_CLI" bash -c 'curl -s -m 60 -o "$1" \
		-w "%{http_code} %{size_download}\n" "http://$2/slow.bin" >"$1.status"
		echo "exit $?" >>"$1.status"' _ "$1" "$VIP"
}

# Wait up to $2 seconds for download $1 to end; true if it got all of
# big.bin intact.
download_ok()
{
	wait_until "$2" grep -q '^exit' "$1.status" || return 1
	cat "$1.status"
	grep -qx "200 $(stat -c %s "$TOPO_TMP/big.bin")" "$1.status" &&
	grep -qx 'exit 0' "$1.status" &&
	cmp "$1" "$TOPO_TMP/big.bin"
}

# A counter from the namespace's /proc/net/snmp or /proc/net/netstat,
# e.g. snmp_get NS Tcp InCsumErrors, snmp_get NS IpExt InOctets.
snmp_get()
{
	on "$1" cat /proc/net/snmp /proc/net/netstat |
	awk -v p="$2:" -v f="$3" '
		$1 == p && !hdr { for (i = 2; i <= NF; i++) col[$i] = i; hdr = 1; next }
		$1 == p && hdr { print $(col[f]); exit }'
}

# Seconds of an `ipvsadm -L -c` expire field (MM:SS).
expire_secs()
{
	local m=${1%%:*} s=${1##*:}
	echo $((10#$m * 60 + 10#$s))
}
