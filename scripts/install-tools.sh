#!/usr/bin/env bash
# Makes kind, kubectl, helm and skaffold available in the versions scripts/tools.lock allows: a tool already on PATH
# (or in .tools/bin) inside its range is used as it is; a missing or out-of-range one is downloaded in its pinned
# version into .tools/bin, and only after its SHA-256 matches the table. Prints one line per tool.
#
# Usage: scripts/install-tools.sh [--print-plan] [--force] [--os linux|darwin] [--arch amd64|arm64] [tool...]
#   tool...        default: kind kubectl helm skaffold
#   --print-plan   print what would be downloaded (version, URL, SHA-256) and exit; nothing is fetched
#   --force        download the pinned version even when a suitable tool is installed
#   --os, --arch   the platform to plan for (default: this machine's)
# Env:  TOOLS_BIN (default <repo>/.tools/bin), TOOLS_LOCK (default scripts/tools.lock),
#       TOOLS_MIRROR: fetch <mirror>/<file name> instead of each URL (air-gapped mirrors, file:// in tests).
# Exit: 0 when every tool is usable; 1 on a checksum mismatch or a failed download; 2 on bad arguments or a platform
# without a pinned build (the message says what to install by hand).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
lock=${TOOLS_LOCK:-$root/scripts/tools.lock}
bin=${TOOLS_BIN:-$root/.tools/bin}

usage() { sed -n '2,/^set -euo/{/^set -euo/d; s/^# \{0,1\}//; p}' "$0"; }
die() { echo "install-tools: $2" >&2; exit "$1"; }

detect_os() {
  case "$(uname -s)" in Linux) echo linux ;; Darwin) echo darwin ;; *) uname -s | tr '[:upper:]' '[:lower:]' ;; esac
}
detect_arch() {
  case "$(uname -m)" in x86_64|amd64) echo amd64 ;; aarch64|arm64) echo arm64 ;; *) uname -m ;; esac
}

os=$(detect_os); arch=$(detect_arch); plan=0; force=0; tools=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --print-plan) plan=1 ;;
    --force) force=1 ;;
    --os) [ $# -ge 2 ] || die 2 "--os needs a value"; os=$2; shift ;;
    --arch) [ $# -ge 2 ] || die 2 "--arch needs a value"; arch=$2; shift ;;
    -*) die 2 "unknown option '$1' (see --help)" ;;
    *) tools+=("$1") ;;
  esac
  shift
done
[ -f "$lock" ] || die 2 "no tool table at $lock"
[ ${#tools[@]} -gt 0 ] || tools=(kind kubectl helm skaffold)

# "range <tool> <minimum> <below>" and "pin <tool> <version> <os> <arch> <sha256> <member> <url>"
range_of() { awk -v t="$1" '$1 == "range" && $2 == t { print $3, $4 }' "$lock"; }
pin_of() { awk -v t="$1" -v o="$os" -v a="$arch" '$1 == "pin" && $2 == t && $4 == o && $5 == a { print $3, $6, $7, $8 }' "$lock"; }

# Semantic version comparison of x.y.z: succeeds when $1 >= $2.
version_at_least() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -t. -k1,1n -k2,2n -k3,3n | head -n1)" = "$2" ]
}

installed_version() {
  local tool=$1 path=$2 out
  case "$tool" in
    kind) out=$("$path" version 2>/dev/null) ;;
    kubectl) out=$("$path" version --client 2>/dev/null) ;;
    helm) out=$("$path" version --short 2>/dev/null) ;;
    skaffold) out=$("$path" version 2>/dev/null) ;;
    *) out=$("$path" --version 2>/dev/null) ;;
  esac || true
  echo "$out" | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n1
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1; else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

hint() {
  case "$1" in
    kind) echo "https://kind.sigs.k8s.io/docs/user/quick-start/#installation" ;;
    kubectl) echo "https://kubernetes.io/docs/tasks/tools/" ;;
    helm) echo "https://helm.sh/docs/intro/install/" ;;
    skaffold) echo "https://skaffold.dev/docs/install/ (macOS: brew install skaffold)" ;;
  esac
}

fetch() {
  local url=$1 out=$2
  [ -n "${TOOLS_MIRROR:-}" ] && url="${TOOLS_MIRROR%/}/$(basename "$url")"
  command -v curl >/dev/null 2>&1 || die 1 "curl is needed to download $url"
  curl -fsSL --retry 3 --connect-timeout 20 -o "$out" "$url" || die 1 "could not download $url"
}

status=0
for tool in "${tools[@]}"; do
  minimum=""; below=""
  read -r minimum below < <(range_of "$tool") || true
  [ -n "${minimum:-}" ] || die 2 "scripts/tools.lock has no range for '$tool'"
  pinned=$(pin_of "$tool")

  if [ "$plan" = 1 ]; then
    [ -n "$pinned" ] || { echo "$tool: no pinned build for $os/$arch; install $tool >= $minimum (< $below) yourself: $(hint "$tool")"; continue; }
    read -r version sha member url <<<"$pinned"
    echo "$tool $version $os/$arch $url sha256:$sha"
    continue
  fi

  if [ "$force" = 0 ]; then
    found=""
    for candidate in "$bin/$tool" "$(command -v "$tool" 2>/dev/null || true)"; do
      [ -n "$candidate" ] && [ -x "$candidate" ] || continue
      have=$(installed_version "$tool" "$candidate")
      if [ -n "$have" ] && version_at_least "$have" "$minimum" && ! version_at_least "$have" "$below"; then
        found="$candidate $have"; break
      fi
      echo "$tool: $candidate is version ${have:-unknown}, FlashSale needs >= $minimum and < $below"
    done
    if [ -n "$found" ]; then echo "$tool: ${found#* } ($(echo "$found" | cut -d' ' -f1))"; continue; fi
  fi

  [ -n "$pinned" ] || die 2 "no pinned $tool for $os/$arch in scripts/tools.lock: install $tool >= $minimum (< $below) yourself, then rerun: $(hint "$tool")"
  read -r version sha member url <<<"$pinned"
  mkdir -p "$bin"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  echo "$tool: downloading $version for $os/$arch from $url"
  fetch "$url" "$work/download"
  actual=$(sha256_of "$work/download")
  if [ "$actual" != "$sha" ]; then
    echo "install-tools: checksum mismatch for $tool $version ($url): expected $sha, got $actual; nothing installed" >&2
    status=1
    rm -rf "$work"; continue
  fi
  if [ "$member" = - ]; then
    cp "$work/download" "$work/$tool"
  else
    tar -xzf "$work/download" -C "$work" "$member" || die 1 "$url has no $member"
    mv "$work/$member" "$work/$tool"
  fi
  chmod 0755 "$work/$tool"
  mv "$work/$tool" "$bin/$tool"
  rm -rf "$work"
  echo "$tool: $version installed in $bin (sha256 verified)"
done
exit $status
