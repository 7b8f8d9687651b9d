#!/usr/bin/env bash
# The benchmark (bench/README.md): builds bench/FlashSale.Bench in Release and runs it, in one process, against the
# whole system in-process. A full run takes under 10 minutes on 2 cores and writes docs/benchmarks.md and
# docs/benchmarks.json; --quick runs a few seconds of each workload and writes only what --report/--markdown ask for.
#   bench/run.sh [--quick] [--only WORKLOAD[,WORKLOAD...]] [--timing none|modelled] [--report FILE] [--markdown FILE]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dotnet build bench/FlashSale.Bench -c Release --nologo -v quiet -clp:NoSummary
# Every buyer waiting for its order holds a stream, and in one process that is four sockets (loadgen, gateway in and
# out, order-query): thousands of waiting buyers need more descriptors than a shell's usual soft limit.
ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)"
exec dotnet bench/FlashSale.Bench/bin/Release/net10.0/flashsale-bench.dll "$@"
