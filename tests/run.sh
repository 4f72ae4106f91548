#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The whole test suite, as `make test` runs it (after `make all`), as root:
#   1. build/tests/unit/test_*   host unit tests (cmocka)
#   2. build/tests/bpf/test_*    packet tests on the compiled BPF object
#   3. tests/e2e/t[0-9]*.sh      end to end in network namespaces
# Counts individual test cases: cmocka's "[  PASSED  ] N test(s)" /
# "[  FAILED  ] N test(s)" summary, or the "N passed, N failed" line that
# the other tests print. A test program that crashes, times out or prints
# no summary counts as one failed case. Prints every failure by name and
# ends with one line "N passed, N failed"; exits non-zero if anything failed.
#
#   tests/run.sh [-v] [PATTERN...]   only tests whose path contains a PATTERN
# Each program's full output is kept in build/tests/logs/.

cd "$(dirname "$0")/.." || exit 2
BUILD=${XVS_BUILD:-build}
LOGS=$BUILD/tests/logs
UNIT_TIMEOUT=${UNIT_TIMEOUT:-120}
E2E_TIMEOUT=${E2E_TIMEOUT:-300}
verbose=0
patterns=()

for arg in "$@"; do
	case $arg in
	-v) verbose=1 ;;
	-h | --help) sed -n '3,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) patterns+=("$arg") ;;
	esac
done

if [ "$(id -u)" != 0 ]; then
	echo "tests/run.sh: must run as root (sudo make test): packet and end-to-end" \
		"tests need BPF, XDP and network namespaces" >&2
	exit 2
fi

mkdir -p "$LOGS" || exit 2
passed=0
failed=0

selected()
{
	local p
	[ ${#patterns[@]} = 0 ] && return 0
	for p in "${patterns[@]}"; do
		case $1 in *"$p"*) return 0 ;; esac
	done
	return 1
}

# Record the outcome of one test program from its log and exit status.
account()
{
	local name=$1 log=$2 rc=$3 p=0 f=0 line
	if line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1) && [ -n "$line" ]; then
		read -r p _ f _ <<<"$line"
		grep -E '^not ok ' "$log" | while read -r l; do echo "FAIL $name: ${l#not ok }"; done \
			>>"$LOGS/failures"
	elif grep -q '^\[==========\]' "$log"; then
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
		sed -n 's/^\[  FAILED  \] \([^0-9].*\)/FAIL '"${name//\//\\/}"': \1/p' "$log" |
			sort -u >>"$LOGS/failures"
	fi
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		# Crashed, timed out or failed without saying which case.
		f=1
		echo "FAIL $name: exit status $rc without a failed case (see $log)" >>"$LOGS/failures"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" = 0 ]; then
		if grep -q '^1\.\.0 # SKIP' "$log"; then
			printf '%-50s skipped: %s\n' "$name" "$(sed -n 's/^1\.\.0 # SKIP //p' "$log")"
		else
			printf '%-50s %d passed\n' "$name" "$p"
		fi
	else
		printf '%-50s %d passed, %d FAILED\n' "$name" "$p" "$f"
	fi
}

run_one()
{
	local name=$1 tmo=$2 log rc
	shift 2
	selected "$name" || return 0
	log=$LOGS/$(echo "$name" | tr '/' '_').log
	if [ $verbose = 1 ]; then
		timeout -k 10 "$tmo" "$@" 2>&1 | tee "$log"
		rc=${PIPESTATUS[0]}
	else
		timeout -k 10 "$tmo" "$@" >"$log" 2>&1
		rc=$?
	fi
	[ "$rc" = 124 ] && echo "timed out after ${tmo}s" >>"$log"
	account "$name" "$log" "$rc"
}

: >"$LOGS/failures"
start=$(date +%s)

for t in "$BUILD"/tests/unit/test_* "$BUILD"/tests/bpf/test_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	run_one "${t#"$BUILD"/}" "$UNIT_TIMEOUT" "$t"
done

for t in tests/e2e/t[0-9]*.sh; do
	[ -f "$t" ] || continue
	run_one "$t" "$E2E_TIMEOUT" bash "$t"
done

echo "---- $(($(date +%s) - start)) s; logs in $LOGS"
if [ -s "$LOGS/failures" ]; then
	echo "Failures:"
	cat "$LOGS/failures"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
