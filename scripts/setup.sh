#!/usr/bin/env bash
# Set up a development environment from scratch (idempotent): a virtualenv in .venv with
# channelkit and its test tools, and the CDK for Terraform CLI from npm in node_modules/.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip 2>/dev/null || true
.venv/bin/python -m pip install --quiet -e '.[dev,cdktn]'

if command -v npm >/dev/null 2>&1; then
  npm ci --no-audit --no-fund --loglevel=error
else
  echo "npm not found: cdktf-cli (used by the cdktf synth/deploy tests) is not installed" >&2
fi
