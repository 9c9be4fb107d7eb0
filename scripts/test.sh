#!/usr/bin/env bash
# Runs every test in the solution and ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

mkdir -p TestResults
log=TestResults/test.log
dotnet build CareLedger.slnx -c Release 2>&1 | tail -n 3
build=${PIPESTATUS[0]}
if [ "$build" -ne 0 ]; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi
# The consortium fault tests run real etcd members and node processes and kill them on purpose;
# they run on their own after the rest, so that their timing does not compete with other suites.
dotnet test CareLedger.slnx -c Release --no-build --filter "FullyQualifiedName!~CareLedger.Consortium.Tests" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
dotnet test tests/CareLedger.Consortium.Tests -c Release --no-build "$@" 2>&1 | tee -a "$log"
consortium=${PIPESTATUS[0]}
if [ "$status" -eq 0 ]; then status=$consortium; fi

passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
exit "$status"
