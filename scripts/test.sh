#!/usr/bin/env bash
# The README's test command: installs what the tests need, then builds and runs every test, cheapest
# stage first, so that a formatting difference fails in seconds and a lint finding or a unit test in
# minutes, before the system tests start:
#   1. format       spotless:check of every module
#   2. unit tests   build every module but system-tests (Error Prone runs inside javac) and run its tests
#   3. system tests the end-to-end tests with real processes
# With arguments, one ./mvnw verify with those arguments instead, e.g. scripts/test.sh -pl system-tests -am
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

# CI has no terminal: no colour codes, no download progress lines; keep Surefire's summaries (no -q)
mvn=(./mvnw -B -Dstyle.color=never --no-transfer-progress)

if [[ $# -gt 0 ]]; then
  exec "${mvn[@]}" verify "$@"
fi

stage() { echo "== scripts/test.sh: $1 ($(date -u +%H:%M:%S))"; }

stage "1/3 format"
"${mvn[@]}" spotless:check

stage "2/3 compile and unit tests"
"${mvn[@]}" verify -pl '!system-tests' -Dspotless.check.skip=true

stage "3/3 system tests"
# -am rebuilds nothing that stage 2 built; the test filter keeps those modules' tests from running twice
exec "${mvn[@]}" verify -pl system-tests -am -Dspotless.check.skip=true \
  -Dtest='cz/zoom/screenrec/systemtest/**' -Dsurefire.failIfNoSpecifiedTests=false
