#!/usr/bin/env bash
# Builds every service image with its own Dockerfile and smoke-tests each container the way Kubernetes runs it
# (charts/flashsale: read-only root filesystem, non-root uid 1654, no capabilities, no privilege escalation, /tmp as
# the only writable path). Checks: /healthz and /readyz answer, catalog's h2c gRPC port answers HTTP/2, SIGTERM stops
# the process gracefully (exit code 0, "Application is shutting down" logged) well inside the grace period.
# Reports image size and memory after start.
#
# Networking: every build and run uses --network host; the app listens on a free 127.0.0.1 port. No docker network is
# ever created (bridge networks are not available or allowed on every machine this runs on).
#
# Usage: tests/images/build-and-smoke.sh [service...]      (default: every services/*/Dockerfile)
# Env:   DOCKER_HOST as usual; IMAGE_PREFIX (default flashsale), IMAGE_TAG (default smoke), GRACE_SECONDS (default 30,
#        the chart's terminationGracePeriodSeconds), SKIP_BUILD=1 to test images already built,
#        NUGET_CERT_REVOCATION_MODE is passed to the build when set (machines without revocation endpoints).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

IMAGE_PREFIX=${IMAGE_PREFIX:-flashsale}
IMAGE_TAG=${IMAGE_TAG:-smoke}
GRACE_SECONDS=${GRACE_SECONDS:-30}
APP_UID=1654                      # the .NET images' non-root user; the chart's runAsUser
STARTUP_DEADLINE_SECONDS=60

command -v docker >/dev/null || { echo "docker is not installed" >&2; exit 2; }
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || {
  echo "no Docker engine at ${DOCKER_HOST:-the default socket} (here: bash ../shared/tools/local-docker.sh; export DOCKER_HOST=unix:///tmp/dk.sock)" >&2
  exit 2
}

if [ $# -gt 0 ]; then
  services=("$@")
else
  services=()
  for dockerfile in services/*/Dockerfile; do services+=("$(basename "$(dirname "$dockerfile")")"); done
fi
# A deployable project (Microsoft.NET.Sdk.Web) without a Dockerfile is a gap, not something to skip quietly.
for csproj in services/*/*.csproj; do
  if grep -q 'Sdk="Microsoft.NET.Sdk.Web"' "$csproj" && [ ! -f "$(dirname "$csproj")/Dockerfile" ]; then
    echo "FAIL: $(dirname "$csproj") is a web project without a Dockerfile" >&2
    exit 1
  fi
done

started=()
cleanup() {
  for name in "${started[@]}"; do docker rm -f "$name" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

now() { python3 -c 'import time; print(time.time())'; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Polls until the URL answers 200 or the deadline passes (no fixed sleeps).
wait_for_200() {
  local url=$1 deadline=$(( $(date +%s) + STARTUP_DEADLINE_SECONDS ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)" = 200 ] && return 0
    sleep 0.5
  done
  return 1
}

build_args=()
[ -n "${NUGET_CERT_REVOCATION_MODE:-}" ] && build_args+=(--build-arg "NUGET_CERT_REVOCATION_MODE=$NUGET_CERT_REVOCATION_MODE")

failures=0
report=()
fail() { echo "FAIL [$1]: $2" >&2; failures=$((failures + 1)); }

for service in "${services[@]}"; do
  image="$IMAGE_PREFIX/$service:$IMAGE_TAG"
  name="flashsale-smoke-$service-$$"
  echo "=== $service"

  if [ "${SKIP_BUILD:-0}" != 1 ]; then
    if ! docker build --network host "${build_args[@]}" -f "services/$service/Dockerfile" -t "$image" . >"/tmp/$name.build.log" 2>&1; then
      tail -30 "/tmp/$name.build.log" >&2
      fail "$service" "docker build failed (log: /tmp/$name.build.log)"
      continue
    fi
  fi

  user=$(docker image inspect -f '{{.Config.User}}' "$image")
  case "$user" in
    ""|0|0:*|root|root:*) fail "$service" "image runs as root (USER '$user'); Kubernetes runAsNonRoot would refuse it"; continue ;;
  esac

  http_port=$(free_port)
  env_args=(-e "ASPNETCORE_URLS=http://127.0.0.1:$http_port")
  grpc_port=""
  if grep -q '^EXPOSE.* 8081' "services/$service/Dockerfile"; then
    # Same configuration keys as the chart uses for catalog: named Kestrel endpoints, gRPC as h2c (HTTP/2 only).
    grpc_port=$(free_port)
    env_args=(-e "ASPNETCORE_HTTP_PORTS="
              -e "Kestrel__Endpoints__Http__Url=http://127.0.0.1:$http_port"
              -e "Kestrel__Endpoints__Grpc__Url=http://127.0.0.1:$grpc_port"
              -e "Kestrel__Endpoints__Grpc__Protocols=Http2")
  fi

  if [ "$service" = identity ]; then
    # Outside Development identity refuses to start without its signing key, as in the cluster (a Secret there).
    env_args+=(-e "Identity__SigningKey=$(openssl genrsa 2048 2>/dev/null)")
  fi

  t0=$(now)
  docker run -d --name "$name" --network host \
    --read-only --tmpfs /tmp:rw,size=64m \
    --user "$APP_UID:$APP_UID" --cap-drop ALL --security-opt no-new-privileges \
    "${env_args[@]}" "$image" >/dev/null
  started+=("$name")

  if ! wait_for_200 "http://127.0.0.1:$http_port/healthz"; then
    docker logs "$name" 2>&1 | tail -20 >&2
    fail "$service" "/healthz did not answer 200 within ${STARTUP_DEADLINE_SECONDS}s"
    continue
  fi
  startup=$(elapsed "$t0")
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/readyz")" = 200 ] \
    || fail "$service" "/readyz is not 200 without a sidecar"
  if [ -n "$grpc_port" ]; then
    version=$(curl -s -o /dev/null -w '%{http_version}' --http2-prior-knowledge --max-time 3 "http://127.0.0.1:$grpc_port/" || true)
    [ "$version" = 2 ] || fail "$service" "gRPC port $grpc_port does not speak h2c (got HTTP '$version')"
  fi

  size_mb=$(( $(docker image inspect -f '{{.Size}}' "$image") / 1024 / 1024 ))
  memory=$(docker stats --no-stream --format '{{.MemUsage}}' "$name" | cut -d/ -f1 | tr -d ' ')

  t0=$(now)
  docker stop -t "$GRACE_SECONDS" "$name" >/dev/null       # SIGTERM, then SIGKILL after the grace period
  stop_seconds=$(elapsed "$t0")
  exit_code=$(docker inspect -f '{{.State.ExitCode}}' "$name")
  # .NET's host handles SIGTERM: it stops Kestrel, runs IHostApplicationLifetime.ApplicationStopping and returns from
  # Main with 0. 143 (128+15) would mean the signal killed the process; 137 means the grace period ran out (SIGKILL).
  [ "$exit_code" = 0 ] || fail "$service" "exit code $exit_code after SIGTERM (expected 0)"
  awk -v s="$stop_seconds" -v g="$GRACE_SECONDS" 'BEGIN { exit !(s < g) }' || fail "$service" "stop took ${stop_seconds}s, grace is ${GRACE_SECONDS}s"
  docker logs "$name" 2>&1 | grep -q 'Application is shutting down' \
    || fail "$service" "the log does not say the host shut down"

  report+=("$(printf '%-12s %8s MB %12s %9ss %9ss %5s' "$service" "$size_mb" "$memory" "$startup" "$stop_seconds" "$exit_code")")
done

echo
printf '%-12s %11s %12s %10s %10s %5s\n' service image-size memory startup sigterm exit
printf '%s\n' "${report[@]}"
if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all ${#services[@]} images built and passed the smoke test"
