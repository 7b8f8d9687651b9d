# Shortcuts; each target is one script or tool call, documented in docs/deployment.md.
.PHONY: up down dev canary chaos test images

up:        ## kind cluster + everything deployed
	scripts/cluster-up.sh

down:      ## delete the kind cluster
	scripts/cluster-down.sh

dev:       ## rebuild and redeploy on every change (cluster from `make up`)
	skaffold dev --kube-context kind-flashsale

canary:    ## deploy with catalog v2 taking 10% of the gateway's catalog traffic
	skaffold run --kube-context kind-flashsale --profile canary

chaos:     ## deploy with Istio fault injection on the catalog and order-query hops
	skaffold run --kube-context kind-flashsale --profile chaos

test:      ## the README's test command (includes the offline deployment validation)
	tests/run.sh

images:    ## build every image and smoke-test it as Kubernetes would run it
	.ci/images.sh
