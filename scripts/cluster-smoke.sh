#!/usr/bin/env bash
# The shop's whole flow on the running cluster, through the Istio ingress (`make smoke`), after `make up`:
#   1. the ingress answers;
#   2. an admin and a customer sign in (identity's demo users);
#   3. the admin creates a product, a flash sale starting now and its stock;
#   4. the customer orders it, and the order reaches Confirmed on the read side;
#   5. the sale dashboard counts the sold unit;
#   6. with the canary profile deployed: a request with `x-canary: always` reaches catalog v2;
#   7. every dead-letter topic is empty.
# Each step prints its name; the first that fails is named and the script exits 1.
#
# Usage: scripts/cluster-smoke.sh [options]
#   --url URL            the ingress (default http://localhost:8080, where kind-cluster.yaml publishes it)
#   --context NAME       kubectl context (default kind-flashsale)
#   --namespace NAME     the application's namespace (default flashsale)
#   --infra-namespace N  Kafka's namespace (default flashsale-infra)
#   --timeout SECONDS    how long an order may take to be Confirmed (default 120)
#   --canary | --no-canary   require, or skip, the canary step (default: run it when catalog-v2 is deployed)
#   --skip-dead-letters  do not inspect Kafka (e.g. a cluster whose listener requires SCRAM credentials)
#   --list-steps         print the steps and exit
#   -h, --help           this text
# Env: ADMIN_USER/ADMIN_PASSWORD, CUSTOMER_USER/CUSTOMER_PASSWORD (default: the laptop demo users admin and alice)
# Exit: 0 all steps passed; 1 a step failed (named on stderr); 2 bad arguments or a missing tool.
set -euo pipefail

url=http://localhost:8080
context=kind-flashsale
namespace=flashsale
infra_namespace=flashsale-infra
timeout=120
canary=auto
dead_letters=1
list_steps=0

usage() { sed -n '2,/^set -euo/{/^set -euo/d; s/^# \{0,1\}//; p}' "$0"; }
bad_usage() { echo "cluster-smoke: $1 (see --help)" >&2; exit 2; }
need_value() { [ "$2" -ge 2 ] || bad_usage "$1 needs a value"; }

while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --url) need_value "$1" $#; url=${2%/}; shift ;;
    --context) need_value "$1" $#; context=$2; shift ;;
    --namespace) need_value "$1" $#; namespace=$2; shift ;;
    --infra-namespace) need_value "$1" $#; infra_namespace=$2; shift ;;
    --timeout) need_value "$1" $#; [[ $2 =~ ^[0-9]+$ ]] || bad_usage "--timeout needs a number of seconds, not '$2'"; timeout=$2; shift ;;
    --canary) canary=yes ;;
    --no-canary) canary=no ;;
    --skip-dead-letters) dead_letters=0 ;;
    --list-steps) list_steps=1 ;;
    *) bad_usage "unknown argument '$1'" ;;
  esac
  shift
done

steps=("the ingress answers" "sign in" "create a product, a sale and stock" "order and wait for Confirmed"
       "the dashboard counts the sale" "x-canary reaches catalog v2" "the dead-letter topics are empty")
if [ "$list_steps" = 1 ]; then printf '%s\n' "${steps[@]}"; exit 0; fi

command -v curl >/dev/null 2>&1 || { echo "cluster-smoke: 'curl' is needed" >&2; exit 2; }
export PATH="$(cd "$(dirname "$0")/.." && pwd)/.tools/bin:$PATH"
k() {
  command -v kubectl >/dev/null 2>&1 || { echo "cluster-smoke: 'kubectl' is needed for step '$current' (make up installs it into .tools/bin)" >&2; exit 2; }
  kubectl --context "$context" "$@"
}

current=""
failed() { echo "cluster-smoke: FAILED at step '$current': $*" >&2; exit 1; }
step() { current=$1; echo "--- $current"; }
# `field name json`: the first value of a JSON property (string or number), without needing jq.
field() { grep -oE "\"$1\" *: *\"?[^\",}]*" <<<"$2" | head -n1 | sed -E 's/^[^:]*: *"?//'; }
http() { curl -sS --max-time 15 -w '\n%{http_code}' "$@"; }
status_of() { tail -n1 <<<"$1"; }
body_of() { sed '$d' <<<"$1"; }

step "${steps[0]}"
response=$(http "$url/api/catalog/products?page=1&pageSize=1") || failed "no answer from $url (is the cluster up? make up)"
[ "$(status_of "$response")" = 200 ] || failed "GET /api/catalog/products answered $(status_of "$response")"

step "${steps[1]}"
token_of() {
  local response
  response=$(http -X POST "$url/api/auth/token" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$2\"}") || failed "no answer signing in $1"
  [ "$(status_of "$response")" = 200 ] || failed "signing in $1 answered $(status_of "$response"): $(body_of "$response")"
  field access_token "$(body_of "$response")"
}
admin=$(token_of "${ADMIN_USER:-admin}" "${ADMIN_PASSWORD:-admin-demo-password}")
customer=$(token_of "${CUSTOMER_USER:-alice}" "${CUSTOMER_PASSWORD:-alice-demo-password}")
[ -n "$admin" ] && [ -n "$customer" ] || failed "a sign-in returned no access_token"

step "${steps[2]}"
sku="SMOKE-$(date +%s)"
response=$(http -X POST "$url/api/catalog/products" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d "{\"sku\":\"$sku\",\"name\":\"Smoke test\",\"description\":\"make smoke\",\"price\":10.00,\"currency\":\"EUR\"}")
[ "$(status_of "$response")" = 201 ] || failed "creating $sku answered $(status_of "$response"): $(body_of "$response")"
etag=$(curl -sS --max-time 15 -o /dev/null -D - "$url/api/catalog/products/$sku" | sed -n 's/^[Ee][Tt]ag: *//p' | tr -d '\r')
[ -n "$etag" ] || failed "GET /api/catalog/products/$sku returned no ETag"
response=$(http -X PUT "$url/api/catalog/products/$sku/sale" -H "Authorization: Bearer $admin" -H "If-Match: $etag" \
  -H 'Content-Type: application/json' \
  -d "{\"salePrice\":5.00,\"startsAt\":\"$(date -u +%FT%TZ)\",\"endsAt\":\"2099-01-01T00:00:00Z\"}")
[[ "$(status_of "$response")" =~ ^20[01]$ ]] || failed "scheduling the sale answered $(status_of "$response"): $(body_of "$response")"
response=$(http -X PUT "$url/api/inventory/stock/$sku" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d '{"available":10}')
[[ "$(status_of "$response")" =~ ^20[0-4]$ ]] || failed "stocking $sku answered $(status_of "$response"): $(body_of "$response")"

step "${steps[3]}"
key="smoke-$(date +%s)-$RANDOM"
response=$(http -X POST "$url/api/orders" -H "Authorization: Bearer $customer" -H "Idempotency-Key: $key" \
  -H 'Content-Type: application/json' -d "{\"items\":[{\"sku\":\"$sku\",\"quantity\":1}]}")
[[ "$(status_of "$response")" =~ ^20[0-2]$ ]] || failed "placing the order answered $(status_of "$response"): $(body_of "$response")"
order=$(field id "$(body_of "$response")")
[ -n "$order" ] || failed "the order response has no id: $(body_of "$response")"
deadline=$(( $(date +%s) + timeout )); state=""
while [ "$(date +%s)" -lt "$deadline" ]; do
  response=$(http "$url/api/orders/$order" -H "Authorization: Bearer $customer") || true
  state=$(field status "$(body_of "$response")")
  case "$state" in Confirmed) break ;; Cancelled) failed "order $order was Cancelled: $(body_of "$response")" ;; esac
  sleep 2
done
[ "$state" = Confirmed ] || failed "order $order is '${state:-not visible}' after ${timeout}s, not Confirmed"
echo "order $order Confirmed"

step "${steps[4]}"
deadline=$(( $(date +%s) + timeout )); sold=""
while [ "$(date +%s)" -lt "$deadline" ]; do
  response=$(http "$url/api/dashboard/sales/$sku" -H "Authorization: Bearer $admin") || true
  sold=$(field unitsSold "$(body_of "$response")")
  [ "${sold:-0}" -ge 1 ] 2>/dev/null && break
  sleep 2
done
[ "${sold:-0}" -ge 1 ] 2>/dev/null || failed "the dashboard shows ${sold:-no} units sold for $sku"

step "${steps[5]}"
if [ "$canary" = auto ]; then
  k -n "$namespace" get deployment catalog-v2 >/dev/null 2>&1 && canary=yes || canary=no
fi
if [ "$canary" = no ]; then
  echo "skipped: catalog-v2 is not deployed (skaffold run --profile canary)"
else
  k -n "$namespace" get deployment catalog-v2 >/dev/null 2>&1 || failed "catalog-v2 is not deployed (skaffold run --profile canary)"
  # The gateway's Envoy counts the requests it sends to each subset of catalog.
  v2_requests() {
    k -n "$namespace" exec deploy/gateway -c istio-proxy -- pilot-agent request GET stats 2>/dev/null \
      | sed -nE "s/^cluster\.outbound\|[0-9]+\|v2\|catalog\.$namespace\.svc\.[a-z.]+\.upstream_rq_total: ([0-9]+)$/\1/p" | head -n1
  }
  before=$(v2_requests); before=${before:-0}
  for _ in $(seq 10); do
    [ "$(curl -sS --max-time 15 -o /dev/null -w '%{http_code}' -H 'x-canary: always' "$url/api/catalog/products/$sku")" = 200 ] \
      || failed "a pinned request to catalog failed"
  done
  after=$(v2_requests); after=${after:-0}
  [ $(( after - before )) -ge 10 ] || failed "catalog v2 received $(( after - before )) of 10 requests pinned with x-canary: always"
  echo "catalog v2 received $(( after - before )) of 10 pinned requests"
fi

step "${steps[6]}"
if [ "$dead_letters" = 0 ]; then
  echo "skipped (--skip-dead-letters)"
else
  broker=$(k -n "$infra_namespace" get pods -l strimzi.io/broker-role=true -o jsonpath='{.items[0].metadata.name}' 2>/dev/null) \
    || failed "cannot list Kafka's pods in $infra_namespace"
  [ -n "$broker" ] || failed "no Kafka broker pod in $infra_namespace"
  topics=$(k -n "$infra_namespace" get kafkatopics -o jsonpath='{range .items[*]}{.spec.topicName}{"\n"}{end}' | grep '\.deadletter$' || true)
  [ -n "$topics" ] || failed "no dead-letter KafkaTopic in $infra_namespace"
  for topic in $topics; do
    offsets=$(k -n "$infra_namespace" exec "$broker" -c kafka -- /opt/kafka/bin/kafka-get-offsets.sh \
                --bootstrap-server localhost:9092 --topic "$topic" --time -1 2>/dev/null) \
      || failed "cannot read the offsets of $topic"
    messages=$(awk -F: '{ sum += $3 } END { print sum + 0 }' <<<"$offsets")
    [ "$messages" = 0 ] || failed "$topic holds $messages message(s): a subscriber gave up on them"
  done
  echo "$(wc -w <<<"$topics" | tr -d ' ') dead-letter topics, all empty"
fi

echo "smoke test passed: $sku sold through $url"
