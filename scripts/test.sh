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
.venv/bin/ruff check src tests tools benchmarks stacks main.py
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
.venv/bin/python -m pytest "$@"
