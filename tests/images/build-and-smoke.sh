#!/usr/bin/env bash
# Builds every image from services/Dockerfile (--build-arg SERVICE=<folder>) and smoke-tests each container the way
# Kubernetes runs it (charts/flashsale: read-only root filesystem, non-root uid 1654, no capabilities, no privilege
# escalation, /tmp as the only writable path). Reports image size, memory after start, start-up and stop times.
#
# Which projects: every folder under services/ whose project ships as an image, i.e. a web project
# (Sdk="Microsoft.NET.Sdk.Web") or a console tool (<OutputType>Exe</OutputType>). Each must have a skaffold artifact
# building it (buildArgs SERVICE: <folder>); one without is a gap and fails the run instead of being skipped.
#   web service:  /healthz and /readyz answer 200 without a sidecar; a gRPC service (Grpc.AspNetCore) also answers
#                 h2c on its second endpoint; SIGTERM stops it gracefully (exit 0, "Application is shutting down"
#                 logged) well inside the grace period.
#   console tool: `--help` exits 0 and prints usage, under the same hardening.
#
# Networking: every build and run uses --network host; the app listens on a free 127.0.0.1 port. No docker network is
# ever created (bridge networks are not available or allowed on every machine this runs on).
#
# Usage: tests/images/build-and-smoke.sh [service...]      (default: every project that ships as an image)
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

# The projects that ship as images, and what kind each is (web or console).
project_kind() {
  local csproj=$1
  if grep -q 'Sdk="Microsoft.NET.Sdk.Web"' "$csproj"; then echo web
  elif grep -Eq '<OutputType>\s*Exe\s*</OutputType>' "$csproj"; then echo console
  fi
}
declare -A kind_of=()
for csproj in services/*/*.csproj; do
  kind=$(project_kind "$csproj")
  [ -n "$kind" ] && kind_of[$(basename "$(dirname "$csproj")")]=$kind
done

if [ $# -gt 0 ]; then
  services=("$@")
else
  mapfile -t services < <(printf '%s\n' "${!kind_of[@]}" | sort)
fi
# A project that ships as an image but that skaffold does not build would never reach the cluster: fail, don't skip.
missing=0
for service in "${!kind_of[@]}"; do
  if ! grep -Eq "SERVICE:[[:space:]]*\"?$service\"?[[:space:]]*(\}|,|$)" skaffold.yaml; then
    echo "FAIL: services/$service is a ${kind_of[$service]} project, but no skaffold.yaml artifact builds it (buildArgs SERVICE: $service)" >&2
    missing=$((missing + 1))
  fi
done
[ "$missing" -eq 0 ] || exit 1
for service in "${services[@]}"; do
  [ -n "${kind_of[$service]:-}" ] || { echo "services/$service has no web or console project to build" >&2; exit 2; }
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

# Runs the image as the chart does; extra arguments go to the container.
run_hardened() {
  local name=$1; shift
  docker run --name "$name" --network host \
    --read-only --tmpfs /tmp:rw,size=64m \
    --user "$APP_UID:$APP_UID" --cap-drop ALL --security-opt no-new-privileges "$@"
}

smoke_web() {
  local service=$1 image=$2 name=$3
  local http_port grpc_port="" env_args t0 startup version size_mb memory stop_seconds exit_code
  http_port=$(free_port)
  env_args=(-e "ASPNETCORE_URLS=http://127.0.0.1:$http_port")
  if grep -q 'Include="Grpc.AspNetCore"' "services/$service"/*.csproj; then
    # A gRPC service gets a second, HTTP/2-only endpoint, with the configuration keys the chart uses (ports.grpc).
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
  run_hardened "$name" -d "${env_args[@]}" "$image" >/dev/null
  started+=("$name")
  if ! wait_for_200 "http://127.0.0.1:$http_port/healthz"; then
    docker logs "$name" 2>&1 | tail -20 >&2
    fail "$service" "/healthz did not answer 200 within ${STARTUP_DEADLINE_SECONDS}s"
    return
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

  report+=("$(printf '%-12s %-8s %8s MB %12s %9ss %9ss %5s' "$service" web "$size_mb" "$memory" "$startup" "$stop_seconds" "$exit_code")")
}

smoke_console() {
  local service=$1 image=$2 name=$3 t0 seconds exit_code output size_mb
  t0=$(now)
  run_hardened "$name" -d "$image" --help >/dev/null
  started+=("$name")
  if ! exit_code=$(timeout "$STARTUP_DEADLINE_SECONDS" docker wait "$name"); then
    fail "$service" "'--help' did not exit within ${STARTUP_DEADLINE_SECONDS}s"
    return
  fi
  seconds=$(elapsed "$t0")
  output=$(docker logs "$name" 2>&1)
  [ "$exit_code" = 0 ] || fail "$service" "'--help' exited $exit_code (expected 0): $(echo "$output" | tail -5)"
  [ -n "$output" ] || fail "$service" "'--help' printed nothing"
  size_mb=$(( $(docker image inspect -f '{{.Size}}' "$image") / 1024 / 1024 ))
  report+=("$(printf '%-12s %-8s %8s MB %12s %9ss %9s  %5s' "$service" console "$size_mb" "-" "$seconds" "-" "$exit_code")")
}

for service in "${services[@]}"; do
  image="$IMAGE_PREFIX/$service:$IMAGE_TAG"
  name="flashsale-smoke-$service-$$"
  echo "=== $service (${kind_of[$service]})"

  if [ "${SKIP_BUILD:-0}" != 1 ]; then
    if ! docker build --network host "${build_args[@]}" --build-arg "SERVICE=$service" -f services/Dockerfile -t "$image" . \
         >"/tmp/$name.build.log" 2>&1; then
      tail -30 "/tmp/$name.build.log" >&2
      fail "$service" "docker build failed (log: /tmp/$name.build.log)"
      continue
    fi
  fi

  user=$(docker image inspect -f '{{.Config.User}}' "$image")
  case "$user" in
    ""|0|0:*|root|root:*) fail "$service" "image runs as root (USER '$user'); Kubernetes runAsNonRoot would refuse it"; continue ;;
  esac

  "smoke_${kind_of[$service]}" "$service" "$image" "$name"
done

echo
printf '%-12s %-8s %11s %12s %10s %10s %5s\n' service kind image-size memory startup sigterm exit
printf '%s\n' "${report[@]}"
if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all ${#services[@]} images built and passed the smoke test"
