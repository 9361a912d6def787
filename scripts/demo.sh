#!/usr/bin/env bash
# Set up, synthesize the bundled example organisation, print each channel's summary,
# and check the output offline against the provider schemas (plus real terraform validate
# for stacks whose providers are in the local mirror). No cloud account needed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/channelkit synth
.venv/bin/channelkit validate cdktf.out
