#!/usr/bin/env bash
# One command from nothing to a running shop: creates the kind cluster (kind-cluster.yaml) unless it exists, then
# `skaffold run` builds the seven images, loads them into kind and deploys Istio, Dapr, Strimzi, the infrastructure
# and the services in order (skaffold.yaml). Ends when every FlashSale deployment is available.
#
# Usage: scripts/cluster-up.sh [skaffold run flags]        e.g. scripts/cluster-up.sh --profile canary
# Env:   CLUSTER (default flashsale)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
CLUSTER=${CLUSTER:-flashsale}

for tool in docker kind kubectl helm skaffold; do
  command -v "$tool" >/dev/null || { echo "missing '$tool': see docs/deployment.md#prerequisites" >&2; exit 1; }
done

if ! kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
  kind create cluster --name "$CLUSTER" --config kind-cluster.yaml --wait 120s
fi
context="kind-$CLUSTER"

skaffold run --kube-context "$context" "$@"

echo "waiting for Kafka and the services..."
kubectl --context "$context" -n flashsale-infra wait kafka/flashsale --for=condition=Ready --timeout=15m
kubectl --context "$context" -n flashsale wait deployment --all --for=condition=Available --timeout=15m

cat <<'DONE'

FlashSale is up:   curl -s http://localhost:8080/api/catalog/products
API walkthrough:   docs/flashsale.http (or the curl examples in docs/deployment.md)
Traces:            kubectl -n flashsale-infra port-forward svc/jaeger 16686   -> http://localhost:16686
Tear down:         scripts/cluster-down.sh
DONE
