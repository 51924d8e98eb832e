#!/usr/bin/env bash
# Runs every test suite of the project and prints one summary at the end.
# Called by `make test` (which has set up .venv, the Debian packages and the
# sandbox images). A suite that fails does not stop the others; the exit
# code is non-zero when any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
OUT="$ROOT/.sandbox/test-results"
rm -rf "$OUT" && mkdir -p "$OUT"

declare -a RESULTS
total_passed=0
total_failed=0

# run_pytest NAME ARGS...: a pytest suite; its counts come from its JUnit XML.
run_pytest() {
    local name="$1"; shift
    local xml="$OUT/$name.xml" start rc
    echo "=== $name ==="
    start=$SECONDS
    pytest -q -p no:cacheprovider --junitxml="$xml" "$@"
    rc=$?
    local counts
    counts="$(python3 - "$xml" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception:
    print("0 0 0"); sys.exit()
suites = [root] if root.tag == "testsuite" else list(root)
t = sum(int(s.get("tests", 0)) for s in suites)
f = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
s = sum(int(s.get("skipped", 0)) for s in suites)
print(t - f - s, f, s)
PY
)"
    read -r passed failed skipped <<<"$counts"
    if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
    record "$name" "$passed" "$failed" "$skipped" $((SECONDS - start))
}

# run_check NAME COMMAND...: a tool that passes or fails as a whole.
run_check() {
    local name="$1"; shift
    local start=$SECONDS
    echo "=== $name ==="
    if "$@"; then record "$name" 1 0 0 $((SECONDS - start))
    else record "$name" 0 1 0 $((SECONDS - start)); fi
}

record() {
    RESULTS+=("$(printf '%-22s %5s passed %3s failed %3s skipped %5ss' "$1" "$2" "$3" "$4" "$5")")
    total_passed=$((total_passed + $2))
    total_failed=$((total_failed + $3))
}

SUITES="${TEST_SUITES:-unit sandbox quality integration molecule}"
# The sandbox suite spends most of its time in platform processes of its own
# tests (a test shares nothing with another but the session's base
# databases, which each worker builds for itself): pytest-xdist runs it on
# every core. TEST_WORKERS=0 runs it in this process. The integration suite
# runs on the same workers a test file at a time (--dist loadfile): a file's
# module-scoped hosts stay on one worker, and while one worker waits on a
# host's platform process the other's runs.
WORKERS="${TEST_WORKERS:-$(nproc)}"
PARALLEL=(-n "$WORKERS")
for suite in $SUITES; do
    case "$suite" in
        unit) run_pytest unit tests/unit ;;
        sandbox) run_pytest sandbox "${PARALLEL[@]}" tests/sandbox/tests ;;
        integration) [ -d tests/integration ] && run_pytest integration "${PARALLEL[@]}" --dist loadfile tests/integration ;;
        molecule)
            # molecule/shared holds playbooks the scenarios share, not a scenario.
            for scenario in molecule/*/molecule.yml; do
                scenario="$(basename "$(dirname "$scenario")")"
                run_check "molecule-$scenario" molecule test --scenario-name "$scenario"
            done ;;
        quality) run_pytest quality tests/quality ;;
        *) echo "unknown suite $suite" >&2; exit 2 ;;
    esac
done

echo
echo "=== summary ==="
for line in "${RESULTS[@]}"; do echo "$line"; done
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
