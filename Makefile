# Shortcuts; each target is one script or tool call, documented in docs/deployment.md (`make bench`: bench/README.md). Tools `make up` installs
# (kind, kubectl, helm, skaffold) land in .tools/bin; the other targets find them there too.
export PATH := $(CURDIR)/.tools/bin:$(PATH)
.PHONY: up smoke load down dev canary chaos test bench images tools

up:        ## Docker check, pinned tools into .tools/bin, kind cluster, everything deployed, URLs printed
	scripts/cluster-up.sh

smoke:     ## sign in, create a sale, order, wait for Confirmed, canary and dead-letter checks (cluster from `make up`)
	scripts/cluster-smoke.sh

load:      ## a flash sale by loadgen's chart Job against the cluster's ingress; ARGS="--rate 100 --duration 2m" to change it
	scripts/cluster-load.sh $(if $(ARGS),-- $(ARGS))

down:      ## delete the kind cluster
	scripts/cluster-down.sh

dev:       ## rebuild and redeploy on every change (cluster from `make up`)
	skaffold dev --kube-context kind-flashsale

canary:    ## deploy with catalog v2 taking 10% of the gateway's catalog traffic
	skaffold run --kube-context kind-flashsale --profile canary

chaos:     ## deploy with Istio fault injection on the catalog and order-query hops (requests with x-chaos: inject)
	skaffold run --kube-context kind-flashsale --profile chaos

test:      ## the README's test command (includes the offline deployment validation)
	tests/run.sh

bench:     ## the benchmark, whole system in one process (under 10 min on 2 cores): docs/benchmarks.md and .json (bench/README.md)
	bench/run.sh

images:    ## build every image and smoke-test it as Kubernetes would run it
	.ci/images.sh

tools:     ## only install the pinned tools (scripts/install-tools.sh)
	scripts/install-tools.sh
