#!/usr/bin/env bash
# Set up, synthesize the bundled example organisation, print each channel's summary, and check the
# output offline against the provider schemas. Then synthesize the example AWS channel and check it
# the same way plus with the real `terraform validate` (its provider is in the local mirror).
# No cloud account needed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/channelkit synth
.venv/bin/channelkit validate cdktf.out
echo "== example AWS channel (examples/aws)"
(cd examples/aws && ../../.venv/bin/python main.py)
.venv/bin/channelkit validate examples/aws/cdktf.out
