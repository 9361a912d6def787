#!/usr/bin/env bash
# Run everything CI runs: set up, check the generated bindings are current, lint, type-check, test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

echo "== generated bindings are up to date"
.venv/bin/channelkit generate --all >/dev/null
git diff --exit-code --stat -- src/channelkit/providers \
  || { echo "bindings are stale: run '.venv/bin/channelkit generate --all' and commit" >&2; exit 1; }
untracked=$(git ls-files --others --exclude-standard -- src/channelkit/providers)
[ -z "$untracked" ] || { echo "untracked generated bindings: $untracked" >&2; exit 1; }

echo "== ruff"
.venv/bin/ruff check src tests tools benchmarks stacks main.py examples
echo "== mypy"
.venv/bin/mypy
if [ "$#" -gt 0 ]; then
  echo "== pytest $*"
  .venv/bin/python -m pytest "$@"
else
  # Fast tests first, so a plain mistake fails in a minute; then the slow ones that run real engines.
  slow="terraform or moto or engines"
  echo "== pytest (fast)"
  .venv/bin/python -m pytest -m "not ($slow)"
  echo "== pytest (terraform, moto, engines)"
  .venv/bin/python -m pytest -m "$slow"
fi
