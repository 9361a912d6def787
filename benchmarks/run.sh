#!/usr/bin/env bash
# Reproduce the figures in benchmarks/README.md (medians of several runs, each against its baseline
# in the same run). Needs the dev setup (scripts/setup.sh) plus the prebuilt provider packages that
# serve as baselines; those are installed here, not as test dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
WORK=benchmarks/.work
mkdir -p "$WORK"
$PY -m pip install --quiet cdktf-cdktf-provider-aws==21.22.1 cdktf-cdktf-provider-google==16.12.1

echo "== G1: generator on the full hashicorp/aws schema"
[ -f "$WORK/aws-full.json" ] || PYTHONPATH=src $PY tools/dump_provider_schema.py \
    --provider hashicorp/aws --version 5.100.0 --out "$WORK/aws-full.json"
$PY benchmarks/harness.py --name G1 --runs 5 \
    --cmd "rm -rf $WORK/g1 && .venv/bin/channelkit generate --schema $WORK/aws-full.json --provider hashicorp/aws --version 5.100.0 --out $WORK/g1" \
    --baseline "$PY -c 'import json; json.load(open(\"$WORK/aws-full.json\"))'"

echo "== G2: import + instantiate one AWS resource in a fresh process"
$PY benchmarks/harness.py --name G2-channelkit --runs 7 \
    --cmd "$PY benchmarks/g2_import.py channelkit" --baseline "$PY benchmarks/g2_import.py cdktf"
$PY benchmarks/harness.py --name G2-prebuilt --runs 3 \
    --cmd "$PY benchmarks/g2_import.py prebuilt" --baseline "$PY benchmarks/g2_import.py cdktf"

echo "== Synth: 1,002 resources, generated bindings vs prebuilt provider classes"
$PY benchmarks/harness.py --name synth-1002 --runs 3 \
    --cmd "$PY benchmarks/synth_resources.py channelkit 1002 $WORK/synth-c" \
    --baseline "$PY benchmarks/synth_resources.py prebuilt 1002 $WORK/synth-p"
