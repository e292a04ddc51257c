#!/usr/bin/env bash
# The whole suite: starts the test stack (Redis, action server, Rasa, gateway on
# the test ports, seeded back-office DB), runs every suite, stops the stack.
# Prints one closing line that sums all suites: "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1 PYTHONPATH="$PWD"
python3 scripts/devstack.py stop --profile test >/dev/null 2>&1
eval "$(python3 scripts/devstack.py env --profile test)"
results=$CASINRA_STATE_DIR/results
rm -rf "$results" && mkdir -p "$results"
rm -f "$CASINRA_STATE_DIR/backoffice.db" "$CASINRA_STATE_DIR/appendonly.aof"; rm -rf "$CASINRA_STATE_DIR/appendonlydir"
rm -rf "$CASINRA_STATE_DIR/registry"  # the test stack serves the build's model (models/casinra.tar.gz), never a promoted one
.venv-bot/bin/python -m actions.backoffice.seed --reset --generate 200 || exit 1  # at CASINRA_DB_URL
python3 scripts/devstack.py start --profile test || exit 1
trap 'python3 scripts/devstack.py stop --profile test >/dev/null 2>&1' EXIT

status=0
suite() {  # suite NAME PYTHON ARGS…
  local name=$1 python=$2; shift 2
  echo; echo "━━ $name ━━"
  "$python" -m pytest --junitxml="$results/$name.xml" "$@" || status=1
}

suite contracts-py310 .venv-bot/bin/python -q tests/contracts
suite contracts-py311 .venv-gw/bin/python  -q -p no:cacheprovider tests/contracts
suite bot      .venv-bot/bin/python -q tests/bot tests/scripts tests/test_data.py
suite actions  .venv-bot/bin/python -q tests/actions
suite nlu      .venv-bot/bin/python -q tests/nlu
suite dialogue .venv-bot/bin/python -q tests/test_dialogue.py
suite e2e      .venv-bot/bin/python -q tests/e2e
suite journeys .venv-gw/bin/python  -q -p no:cacheprovider -s tests/journeys  # whole conversations through the player socket
suite gateway  .venv-gw/bin/python  -q -c tests/handoff/pytest.ini tests/handoff tests/bench --ignore=tests/handoff/browser
suite faults   .venv-gw/bin/python  -q -c tests/handoff/pytest.ini tests/faults  # private processes, loopback only
suite fuzz     .venv-gw/bin/python  -q -c tests/handoff/pytest.ini tests/fuzz    # hypothesis, bounded examples
suite cluster  .venv-gw/bin/python  -q -c tests/handoff/pytest.ini tests/cluster # HAProxy, 2 gateways, 2 Rasa, PostgreSQL: own ports
suite content  .venv-bot/bin/python -q tests/content  # fixture project: own gateway, Rasa servers, Redis
suite content-browser .venv-gw/bin/python -q -p no:cacheprovider -p no:asyncio tests/content/browser
suite service-browser .venv-gw/bin/python -q -p no:cacheprovider -p no:asyncio tests/handoff/browser  # tickets, supervisor, weekly report
if [ -d tests/browser ] && ls tests/browser/test_*.py >/dev/null 2>&1; then
  suite browser .venv-gw/bin/python -q tests/browser
fi

python3 - "$results" <<'PY'
import sys, pathlib, xml.etree.ElementTree as ET
t = f = e = s = 0
for path in pathlib.Path(sys.argv[1]).glob("*.xml"):
    root = ET.parse(path).getroot()
    for suite in ([root] if root.tag == "testsuite" else root.iter("testsuite")):
        t += int(suite.get("tests", 0)); f += int(suite.get("failures", 0))
        e += int(suite.get("errors", 0)); s += int(suite.get("skipped", 0))
print(f"\ntests: {t - f - e - s} passed, {f + e} failed, {s} skipped")
PY
exit $status
