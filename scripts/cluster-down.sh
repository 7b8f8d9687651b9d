#!/usr/bin/env bash
# Deletes the kind cluster scripts/cluster-up.sh created, and everything in it.
set -euo pipefail
CLUSTER=${CLUSTER:-flashsale}
export PATH="$(cd "$(dirname "$0")/.." && pwd)/.tools/bin:$PATH"
if kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
  kind delete cluster --name "$CLUSTER"
else
  echo "no kind cluster named $CLUSTER"
fi
