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

{{/* Timeout, retries and (for chaos drills) injected faults of one HTTP route. */}}
{{- define "flashsale.routePolicy" -}}
{{- $istio := .root.Values.istio -}}
{{- $faults := .root.Values.faultInjection -}}
timeout: {{ $istio.route.timeout }}
retries:
  attempts: {{ $istio.route.retries.attempts }}
  perTryTimeout: {{ $istio.route.retries.perTryTimeout }}
  retryOn: {{ $istio.route.retries.retryOn | quote }}
{{- if .fault }}
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
{{- end }}

{{/* The Secret identity reads its users from (envFrom), or "" when none is configured. */}}
{{- define "flashsale.identityUsersSecret" -}}
{{- if .Values.auth.users.existingSecret -}}
{{ .Values.auth.users.existingSecret }}
{{- else if .Values.auth.users.demo -}}
identity-demo-users
{{- end -}}
{{- end }}
