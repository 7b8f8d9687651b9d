#!/usr/bin/env bash
# One command from a machine with only Docker to a running shop (`make up`):
#   1. checks that Docker runs and has the memory the laptop profile needs;
#   2. installs kind, kubectl, helm and skaffold into .tools/bin when missing or too old (pinned, checksums verified:
#      scripts/install-tools.sh, scripts/tools.lock);
#   3. creates the kind cluster (kind-cluster.yaml) unless it exists;
#   4. `skaffold run` builds the images, loads them into kind and deploys Istio, Dapr, Strimzi, the infrastructure
#      and the services in order (skaffold.yaml);
#   5. waits for every FlashSale deployment and prints where to reach them.
#
# Usage: scripts/cluster-up.sh [skaffold run flags]        e.g. scripts/cluster-up.sh --profile canary
# Env:   CLUSTER (default flashsale), MIN_DOCKER_MEMORY_GIB (default 7)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
CLUSTER=${CLUSTER:-flashsale}
MIN_DOCKER_MEMORY_GIB=${MIN_DOCKER_MEMORY_GIB:-7}

fail() { echo "make up: $*" >&2; exit 1; }

command -v docker >/dev/null 2>&1 \
  || fail "Docker is not installed. Install Docker Desktop (macOS, Windows) or Docker Engine (Linux), then rerun."
docker info >/dev/null 2>&1 \
  || fail "Docker is installed but not running, or this user may not use it. Start Docker Desktop (or 'sudo systemctl start docker'; on Linux add yourself to the docker group), then rerun."
memory=$(docker info --format '{{.MemTotal}}' 2>/dev/null || echo 0)
cpus=$(docker info --format '{{.NCPU}}' 2>/dev/null || echo 0)
if ! awk -v m="$memory" -v min="$MIN_DOCKER_MEMORY_GIB" 'BEGIN { exit !(m >= min * 1024 * 1024 * 1024) }'; then
  fail "Docker has $(awk -v m="$memory" 'BEGIN { printf "%.1f", m / 1073741824 }') GiB of memory; the laptop profile needs ${MIN_DOCKER_MEMORY_GIB} GiB or more (8 GiB recommended). Docker Desktop: Settings > Resources > Memory. Then rerun."
fi
[ "$cpus" -ge 4 ] || echo "make up: Docker has $cpus CPUs; 4 are recommended (the laptop profile requests about 2 of them at idle, kind's control plane about 1)." >&2

"$root/scripts/install-tools.sh"
export PATH="$root/.tools/bin:$PATH"

if ! kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
  kind create cluster --name "$CLUSTER" --config kind-cluster.yaml --wait 120s
fi
context="kind-$CLUSTER"

# The infrastructure release ends only once Kafka is Ready (its post-install hook), so the services' sidecars find
# their pub/sub component when they start.
skaffold run --kube-context "$context" "$@"

echo "waiting for the services..."
kubectl --context "$context" -n flashsale wait deployment --all --for=condition=Available --timeout=15m

cat <<'DONE'

FlashSale is up.
  Shop (through the Istio ingress):  http://localhost:8080             e.g. curl -s http://localhost:8080/api/catalog/products
  API walkthrough:                   docs/flashsale.http, or the curl examples in README.md
  Smoke test of the whole flow:      make smoke
  Traces (Jaeger):                   kubectl -n flashsale-infra port-forward svc/jaeger 16686   -> http://localhost:16686
  Pods:                              kubectl -n flashsale get pods
  Tear down:                         make down
DONE
