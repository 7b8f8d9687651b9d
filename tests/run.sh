#!/usr/bin/env bash
# The test command of the README: every test project of Services.sln, then one summary line.
# Installs what the deployment tests need (helm) into .tools/ when it is not on PATH.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bash "$root/tests/tools/ensure-helm.sh"
export PATH="$root/.tools/bin:$PATH"

results="$root/TestResults"
rm -rf "$results"
status=0
dotnet test Services.sln --configuration Release --logger "trx" --results-directory "$results" "$@" || status=$?
python3 "$root/tests/tools/trx-summary.py" "$results"
exit $status
