#!/usr/bin/env bash
# Set up a development environment from scratch (idempotent): a virtualenv in .venv with
# channelkit and its test tools, and the CDK for Terraform CLI from npm in node_modules/.
set -euo pipefail
cd "$(dirname "$0")/.."

# The real-engine tests (tests/engines/, marker `engines`) need a JDK (java + javac, to compile the Debezium
# harness), PostgreSQL server binaries, a MariaDB server with its clients (mariadb-install-db, mariadbd, mariadb,
# mariadb-admin, mariadb-binlog), openssl and Chromium. Install from Debian only what is missing.
have_pg_server() {
  local bindir
  bindir=$(pg_config --bindir 2>/dev/null || true)
  [ -n "$bindir" ] && [ -x "$bindir/initdb" ] && return 0
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}
missing_debs=()
{ command -v java >/dev/null 2>&1 && command -v javac >/dev/null 2>&1; } || missing_debs+=(default-jdk-headless)
have_pg_server || missing_debs+=(postgresql)
have_mariadb_server() {
  local c
  for c in mariadb-install-db mariadbd mariadb mariadb-admin mariadb-binlog; do
    command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] || return 1
  done
}
have_mariadb_server || missing_debs+=(mariadb-server)
command -v openssl >/dev/null 2>&1 || missing_debs+=(openssl)
# The catalog page test (tests/test_catalog_chromium.py) opens the HTML catalog in headless Chromium.
{ command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; } || missing_debs+=(chromium)
command -v runuser >/dev/null 2>&1 || missing_debs+=(util-linux)
if [ ${#missing_debs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing for the engine tests: ${missing_debs[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_debs[@]}" >/dev/null
  else
    echo "engine tests need: ${missing_debs[*]} (install them, or they are skipped; with CI=true they fail)" >&2
  fi
fi

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
