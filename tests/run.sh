#!/usr/bin/env bash
# The test command of the README: every test project of Services.sln, then one summary line.
# Installs what the deployment tests need (helm) into .tools/ when it is not on PATH. On a machine without the .NET SDK
# (only Docker), it runs itself inside the SDK container, with the repository mounted.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if ! command -v dotnet >/dev/null 2>&1; then
  command -v docker >/dev/null 2>&1 || { echo "tests/run.sh: neither the .NET SDK nor Docker is installed" >&2; exit 2; }
  echo "tests/run.sh: no .NET SDK here; running in mcr.microsoft.com/dotnet/sdk:10.0"
  # The sibling ../shared/k8s-schemas folder (the offline schemas) comes along when it exists.
  mounts=(-v "$root:/src/repo")
  [ -d "$root/../shared" ] && mounts+=(-v "$(cd "$root/../shared" && pwd):/src/shared:ro")
  # The SDK image runs as root and lacks python3 (the summary line): install it, run, then give the build output back
  # to the user who ran this.
  exec docker run --rm --network host "${mounts[@]}" -w /src/repo -e DOTNET_CLI_TELEMETRY_OPTOUT=1 -e DOTNET_NOLOGO=1 \
    -e OWNER="$(id -u):$(id -g)" mcr.microsoft.com/dotnet/sdk:10.0 bash -c '
      (command -v python3 >/dev/null || (apt-get update -qq && apt-get install -y -qq python3 >/dev/null)) || exit 2
      status=0; ./tests/run.sh "$@" || status=$?
      chown -R "$OWNER" /src/repo/.tools /src/repo/TestResults 2>/dev/null
      find /src/repo \( -name bin -o -name obj \) -type d -prune -exec chown -R "$OWNER" {} + 2>/dev/null
      exit $status' run.sh "$@"
fi

bash "$root/tests/tools/ensure-helm.sh"
export PATH="$root/.tools/bin:$PATH"

results="$root/TestResults"
rm -rf "$results"
status=0
dotnet test Services.sln --configuration Release --logger "trx" --results-directory "$results" "$@" || status=$?
python3 "$root/tests/tools/trx-summary.py" "$results"
exit $status
