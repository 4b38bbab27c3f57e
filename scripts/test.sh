#!/usr/bin/env bash
# The README's test command: installs what the tests need, then builds and runs every test.
# Extra arguments go to Maven, e.g. scripts/test.sh -pl system-tests -am
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

# CI has no terminal: no colour codes, no download progress lines; keep Surefire's summaries (no -q)
exec ./mvnw -B -Dstyle.color=never --no-transfer-progress verify "$@"
