{{/* Labels every resource of one service carries. Call with (dict "root" $ "name" "catalog"). */}}
{{- define "flashsale.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/part-of: flashsale
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end }}

{{/* Selects every pod of a service, whatever its version (the Service, PDB and Istio policies use this). */}}
{{- define "flashsale.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{/* Labels of chart-wide resources (Dapr components, namespace-wide Istio policies). */}}
{{- define "flashsale.commonLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: flashsale
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* In-cluster DNS name of a service of this release. Call with (dict "root" $ "name" "catalog"). */}}
{{- define "flashsale.host" -}}
{{ .name }}.{{ .root.Release.Namespace }}.svc.{{ .root.Values.global.clusterDomain }}
{{- end }}

{{/* Base URL of a service's HTTP port. */}}
{{- define "flashsale.url" -}}
http://{{ include "flashsale.host" . }}:{{ (index .root.Values.services .name).ports.http }}
{{- end }}

{{/* SPIFFE principal Istio gives a service account of this release. */}}
{{- define "flashsale.principal" -}}
{{ .root.Values.istio.trustDomain }}/ns/{{ .root.Release.Namespace }}/sa/{{ .name }}
{{- end }}

{{/* The Secret that holds identity's signing key. */}}
{{- define "flashsale.signingKeySecret" -}}
{{ .Values.auth.signingKey.existingSecret | default "identity-signing-key" }}
{{- end }}

{{/* FlashSale.Contracts.Inventory.StockActorType.Name */}}
{{- define "flashsale.stockActorType" -}}
StockActor
{{- end }}

{{/* Fails unless `name` is a service of this chart. Call with (dict "root" $ "name" "catalog" "by" "what names it"). */}}
{{- define "flashsale.requireService" -}}
{{- if not (hasKey .root.Values.services .name) -}}
{{- fail (printf "%s names %q, which is not a service in .Values.services" .by .name) -}}
{{- end -}}
{{- end }}

{{/* The one enabled service with auth.issuesTokens (identity); fails when there is none or several. */}}
{{- define "flashsale.tokenIssuer" -}}
{{- $issuers := list -}}
{{- range $name, $svc := .Values.services -}}
{{- if and $svc.enabled $svc.auth.issuesTokens -}}{{- $issuers = append $issuers $name -}}{{- end -}}
{{- end -}}
{{- if ne (len $issuers) 1 -}}
{{- fail (printf "exactly one enabled service needs auth.issuesTokens: true (found %d: %s)" (len $issuers) (join ", " $issuers)) -}}
{{- end -}}
{{- first $issuers -}}
{{- end }}

{{/* Services some enabled service reverse-proxies to (proxy.backends), as a JSON list (use fromJsonArray). */}}
{{- define "flashsale.proxiedBackends" -}}
{{- $backends := list -}}
{{- range $name, $svc := .Values.services -}}
{{- if $svc.enabled -}}
{{- range $backend := $svc.proxy.backends -}}
{{- include "flashsale.requireService" (dict "root" $ "name" $backend "by" (printf "services.%s.proxy.backends" $name)) -}}
{{- $backends = append $backends $backend -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $backends | uniq | sortAlpha | toJson -}}
{{- end }}

{{/*
The HTTP routes of one hop, each with its timeout and explicit retries: safe methods (GET, HEAD, OPTIONS) first, with
retries that may repeat a request the app already saw; then every other method, retried only where the request never
reached the app. Call with (dict "root" $ "name" "catalog" "destinations" (list ...) "headers" (dict ...) "prefix" "/").
*/}}
{{- define "flashsale.httpRoutes" -}}
{{- $route := .root.Values.istio.route -}}
{{- range $methods := list "safeMethods" "otherMethods" }}
{{- $match := dict -}}
{{- if $.prefix }}{{ $_ := set $match "uri" (dict "prefix" $.prefix) }}{{ end -}}
{{- if $.headers }}{{ $_ := set $match "headers" $.headers }}{{ end -}}
{{- if eq $methods "safeMethods" }}{{ $_ := set $match "method" (dict "regex" "GET|HEAD|OPTIONS") }}{{ end -}}
{{- $retries := index $route.retries $methods }}
- name: {{ $.name }}{{ if eq $methods "safeMethods" }}-safe-methods{{ end }}
  {{- if $match }}
  match:
    - {{ toYaml $match | nindent 6 | trim }}
  {{- end }}
  route:
    {{- toYaml $.destinations | nindent 4 }}
  timeout: {{ $route.timeout }}
  retries:
    attempts: {{ $retries.attempts }}
    perTryTimeout: {{ $retries.perTryTimeout }}
    retryOn: {{ $retries.retryOn | quote }}
{{- end }}
{{- end }}

{{/*
Routes for a service's mesh.streamPaths (server-sent events, WebSockets): no timeout and no per-try timeout, since a
stream lasts as long as the page is open; a retry only when the request never reached the app (a stream that broke is
resumed by the client, with Last-Event-ID).
Call with (dict "name" "gateway" "prefixes" (list ...) "destinations" (list ...)).
*/}}
{{- define "flashsale.streamRoutes" -}}
{{- range $i, $prefix := .prefixes }}
- name: {{ $.name }}-stream{{ if gt $i 0 }}-{{ $i }}{{ end }}
  match:
    - uri:
        prefix: {{ $prefix }}
  route:
    {{- toYaml $.destinations | nindent 4 }}
  timeout: 0s
  retries:
    attempts: 1
    retryOn: "connect-failure,refused-stream"
{{- end }}
{{- end }}

{{/*
The chaos drill's route of one hop: only requests with the drill header, with the configured faults. Istio applies no
timeout and no retries to a route with a fault, so it carries none; the hop's other routes keep theirs.
Call with (dict "root" $ "name" "catalog" "destinations" (list ...)).
*/}}
{{- define "flashsale.faultRoute" -}}
{{- $faults := .root.Values.faultInjection }}
- name: {{ .name }}-chaos-drill
  match:
    - headers:
        {{ $faults.header.name }}:
          exact: {{ $faults.header.value | quote }}
  route:
    {{- toYaml .destinations | nindent 4 }}
  fault:
    {{- if gt (float64 $faults.delay.percent) 0.0 }}
    delay:
      percentage:
        value: {{ $faults.delay.percent }}
      fixedDelay: {{ $faults.delay.fixedDelay }}
    {{- end }}
    {{- if gt (float64 $faults.abort.percent) 0.0 }}
    abort:
      percentage:
        value: {{ $faults.abort.percent }}
      httpStatus: {{ $faults.abort.httpStatus }}
    {{- end }}
{{- end }}

{{/* SHA-256 of the rendered Dapr resources (components, configuration, resiliency): a change rolls the pods, because
running sidecars do not reload them. */}}
{{- define "flashsale.daprChecksum" -}}
{{- $files := list "components.yaml" "configuration.yaml" "resiliency.yaml" -}}
{{- $rendered := list -}}
{{- range $file := $files -}}
{{- $rendered = append $rendered (include (print $.Template.BasePath "/dapr/" $file) $) -}}
{{- end -}}
{{- join "\n---\n" $rendered | sha256sum -}}
{{- end }}

{{/* The Secret the token issuer reads its users from (envFrom), or "" when none is configured. */}}
{{- define "flashsale.identityUsersSecret" -}}
{{- if .Values.auth.users.existingSecret -}}
{{ .Values.auth.users.existingSecret }}
{{- else if .Values.auth.users.demo -}}
identity-demo-users
{{- end -}}
{{- end }}
