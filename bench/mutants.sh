#!/usr/bin/env bash
# Mutation testing of Minga's pure modules with mutmut: how many deliberate small bugs in each
# module the tests catch. Not part of CI (a few minutes per module).
#
#   bench/mutants.sh                 # all four: rules quiet positions timeparse
#   bench/mutants.sh quiet rules     # some of them
#
# Each module is mutated in a copy of the working tree (under $MUTANTS_DIR, default
# /tmp/minga-mutants/<name>), against the tests that exercise it, on SQLite only. It prints, per
# module, the mutants killed, survived and not reached by any test, and the share killed.
# In that copy, `mutmut results` lists the survivors and `mutmut show <mutant>` shows one.
# Needs the test install (`pip install -e '.[test]'`); mutmut itself is installed into .venv
# (or $MINGA_VENV) on first use; $MUTANTS_CHILDREN mutants run at once (default: the cores).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${MINGA_VENV:-$root/.venv}"
base="${MUTANTS_DIR:-/tmp/minga-mutants}"
children="${MUTANTS_CHILDREN:-$(nproc)}"  # mutants tested at once

declare -A MODULE=(
  [rules]=bot/votes/rules.py
  [quiet]=bot/core/quiet.py
  [positions]=bot/reactions/positions.py
  [timeparse]=bot/core/timeparse.py
)
# the module's own table tests first, then the conversations that read what it decides
declare -A TESTS=(
  [rules]="tests/votes/test_rules.py tests/votes/test_polls.py tests/votes/test_proposals.py tests/votes/test_closing.py"
  [quiet]="tests/core/test_quiet.py tests/commitments/test_reminders.py tests/charter/test_charter.py"
  [positions]="tests/reactions/test_positions_pure.py tests/reactions/test_positions.py tests/reactions/test_notices.py"
  [timeparse]="tests/core/test_timeparse.py"
)

[ -x "$venv/bin/mutmut" ] || "$venv/bin/pip" install -q 'mutmut>=3.8,<4'
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(rules quiet positions timeparse)

for name in "${names[@]}"; do
  module="${MODULE[$name]:?unknown module $name (rules, quiet, positions, timeparse)}"
  work="$base/$name"
  rm -rf "$work" && mkdir -p "$work"
  if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then  # the working tree as it is
    (cd "$root" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -)
  else
    tar -C "$root" --exclude=./.venv --exclude=./mutants --exclude='*/__pycache__' -cf - .
  fi | tar -C "$work" -xf -
  {
    printf '\n[tool.mutmut]\nsource_paths = ["bot"]\nonly_mutate = ["%s"]\n' "$module"
    printf 'pytest_add_cli_args = ["-q", "-p", "no:cacheprovider", "-x"]\n'
    printf 'pytest_add_cli_args_test_selection = ['
    sep=""
    for t in ${TESTS[$name]}; do printf '%s"%s"' "$sep" "$t"; sep=", "; done
    printf ']\n'
  } >> "$work/pyproject.toml"
  started=$SECONDS
  (cd "$work" && env -u TEST_DATABASE_URL "$venv/bin/mutmut" run --max-children "$children" \
    >mutmut.log 2>&1) || true
  (cd "$work" && "$venv/bin/mutmut" export-cicd-stats >/dev/null 2>&1) || true
  stats="$work/mutants/mutmut-cicd-stats.json"
  if [ ! -f "$stats" ]; then
    echo "$name: mutmut did not finish; see $work/mutmut.log" >&2
    continue
  fi
  "$venv/bin/python" - "$name" "$module" "$stats" "$((SECONDS - started))" <<'PY'
import json, sys
name, module, path, seconds = sys.argv[1:]
s = json.load(open(path))
killed = s["killed"] + s["timeout"]  # a mutant that makes the tests hang is caught too
total = s["total"]
reached = total - s["no_tests"] - s["skipped"]
print(
    f"{name:10} {module:28} {total:4} mutants: {killed:4} killed, {s['survived']:3} survived, "
    f"{s['no_tests']:3} no test · {100 * killed / max(total, 1):5.1f}% of all, "
    f"{100 * killed / max(reached, 1):5.1f}% of those tests reach · {seconds} s"
)
PY
done
