#!/usr/bin/env bash
# A flash sale against the running cluster (`make load`, after `make up`): turns on the chart's loadgen Job for one
# run (charts/flashsale values `loadgen`), follows its live progress and prints its final report; loadgen's exit code
# says whether every invariant held (no oversell, every order settled, none charged twice).
#
# Usage: scripts/cluster-load.sh [options] [-- loadgen options]
#   --context NAME     kubectl context (default kind-flashsale)
#   --namespace NAME   the application's namespace and release (default flashsale)
#   --timeout TIME     how long the run may take, for helm (default 15m)
#   -h, --help         this text
# Anything after `--` replaces the chart's loadgen arguments, e.g. `-- --rate 100 --duration 2m --units 2000`
# (services/loadgen/README.md lists them; the gateway is the cluster's ingress).
# Exit: loadgen's (0 every invariant held, 1 one broke); 2 bad arguments or a missing tool.
set -euo pipefail

context=kind-flashsale
namespace=flashsale
timeout=15m
loadgen_args=()

usage() { sed -n '2,/^set -euo/{/^set -euo/d; s/^# \{0,1\}//; p}' "$0"; }
bad_usage() { echo "cluster-load: $1 (see --help)" >&2; exit 2; }
need_value() { [ "$2" -ge 2 ] || bad_usage "$1 needs a value"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --context) need_value "$1" $#; context=$2; shift 2 ;;
    --namespace) need_value "$1" $#; namespace=$2; shift 2 ;;
    --timeout) need_value "$1" $#; timeout=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; loadgen_args=("$@"); break ;;
    *) bad_usage "unknown option '$1'" ;;
  esac
done

for tool in helm kubectl; do
  command -v "$tool" >/dev/null || { echo "cluster-load: $tool is missing (make tools installs it into .tools/bin)" >&2; exit 2; }
done

cd "$(dirname "$0")/.."
set_args=(--set loadgen.enabled=true)
if [ ${#loadgen_args[@]} -gt 0 ]; then
  list=$(printf '"%s",' "${loadgen_args[@]}")
  set_args+=(--set-json "loadgen.args=[${list%,}]")
fi

echo "cluster-load: starting loadgen in $namespace (context $context)"
# The hook Job runs the sale while helm waits for it; its log is followed meanwhile.
helm upgrade "$namespace" charts/flashsale --kube-context "$context" --namespace "$namespace" --reuse-values \
  "${set_args[@]}" --timeout "$timeout" --wait >/dev/null &
helm_pid=$!
until kubectl --context "$context" --namespace "$namespace" get job loadgen >/dev/null 2>&1; do
  kill -0 "$helm_pid" 2>/dev/null || { wait "$helm_pid"; echo "cluster-load: helm ended before the Job started" >&2; exit 1; }
  sleep 2
done
kubectl --context "$context" --namespace "$namespace" wait --for=condition=Ready pod -l app.kubernetes.io/name=loadgen --timeout=5m >/dev/null || true
kubectl --context "$context" --namespace "$namespace" logs -f job/loadgen || true
helm_status=0
wait "$helm_pid" || helm_status=$?
# Turn the Job off again, so that the next deploy does not run a sale.
helm upgrade "$namespace" charts/flashsale --kube-context "$context" --namespace "$namespace" --reuse-values \
  --set loadgen.enabled=false >/dev/null
if [ "$helm_status" -ne 0 ]; then
  echo "cluster-load: the loadgen Job failed: an invariant broke or the run could not finish (see its report above)" >&2
  exit 1
fi
echo "cluster-load: every invariant held"
