#!/usr/bin/env bash
# CI step: build every service image and smoke-test it (tests/images/build-and-smoke.sh).
# Uses the Docker engine DOCKER_HOST points at (or the local engine at /tmp/dk.sock); when none answers, starts it and the .NET base-image
# stand-ins with ../shared/tools/local-docker.sh (machines without a registry; it never creates bridge networks).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# The local engine's socket (/tmp/dk.sock) may already answer, started by an earlier run from another checkout.
if ! docker version >/dev/null 2>&1 && DOCKER_HOST=unix:///tmp/dk.sock docker version >/dev/null 2>&1; then
  export DOCKER_HOST=unix:///tmp/dk.sock
fi
if ! docker version >/dev/null 2>&1; then
  local_docker="$root/../shared/tools/local-docker.sh"
  if [ ! -f "$local_docker" ]; then
    echo "no Docker engine answers and $local_docker does not exist" >&2
    exit 2
  fi
  bash "$local_docker"
  export DOCKER_HOST=unix:///tmp/dk.sock
fi

exec "$root/tests/images/build-and-smoke.sh" "$@"
