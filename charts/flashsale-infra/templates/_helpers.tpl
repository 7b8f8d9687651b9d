{{/* Labels of one component of this chart. Call with (dict "root" $ "name" "postgres"). */}}
{{- define "infra.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/part-of: flashsale
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end }}

{{- define "infra.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{/* In-cluster DNS name of a service in this release's namespace. */}}
{{- define "infra.host" -}}
{{ .name }}.{{ .root.Release.Namespace }}.svc.{{ .root.Values.clusterDomain }}
{{- end }}

{{/* Container security settings every workload of this chart shares (the images' own non-root users). */}}
{{- define "infra.containerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities: { drop: [ALL] }
{{- end }}

{{/*
A generated password that survives upgrades: reuse the key of an existing Secret, else make a new one.
Call with (dict "root" $ "secret" "postgres-credentials" "key" "password").
*/}}
{{- define "infra.password" -}}
{{- $existing := lookup "v1" "Secret" .root.Release.Namespace .secret -}}
{{- if and $existing $existing.data (hasKey $existing.data .key) -}}
{{ index $existing.data .key | b64dec }}
{{- else -}}
{{ randAlphaNum 32 }}
{{- end -}}
{{- end }}

{{/* The OpenTelemetry collector's pipeline, the same in both modes: OTLP in; traces to tracesEndpoint (or the
in-cluster Jaeger), metrics to a Prometheus endpoint, logs to the collector's own output. */}}
{{- define "infra.collectorConfig" -}}
{{- $obs := .Values.observability -}}
{{- $traces := $obs.tracesEndpoint -}}
{{- if and (not $traces) $obs.jaeger.enabled -}}
{{- $traces = printf "%s:4317" (include "infra.host" (dict "root" $ "name" "jaeger")) -}}
{{- end -}}
{{- if not $traces -}}
{{- fail "observability.tracesEndpoint is required without the in-cluster Jaeger: your tracing backend's OTLP gRPC host:port" -}}
{{- end -}}
{{- $logs := $obs.logs -}}
{{- $brokers := printf "%s-kafka-bootstrap:%s" .Values.kafka.name (include "infra.kafkaClientPort" .) -}}
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "0.0.0.0:4317" }
      http: { endpoint: "0.0.0.0:4318" }
  {{- if $logs.enabled }}
  # The second half of the central log pipeline: Kafka's logs topic into OpenSearch (docs/adr/0023).
  kafka/logs:
    brokers: [{{ $brokers | quote }}]
    group_id: {{ $logs.consumerGroup }}
    logs: { topic: {{ $logs.topic }}, encoding: otlp_proto }
  {{- end }}
processors:
  memory_limiter: { check_interval: 1s, limit_percentage: 80, spike_limit_percentage: 25 }
  batch: {}
exporters:
  otlp/traces:
    endpoint: {{ $traces | quote }}
    tls: { insecure: {{ not $obs.tracesTls }} }
  # Resource attributes (service.name) become labels, so every series says which service emitted it.
  prometheus:
    endpoint: "0.0.0.0:8889"
    resource_to_telemetry_conversion: { enabled: true }
  debug: { verbosity: basic }
  {{- if $logs.enabled }}
  # Services -> collector -> Kafka: the topic buffers the logs when OpenSearch is slow or down.
  kafka/logs:
    brokers: [{{ $brokers | quote }}]
    logs: { topic: {{ $logs.topic }}, encoding: otlp_proto }
    partition_logs_by_resource_attributes: true
  opensearch/logs:
    http: { endpoint: {{ $logs.opensearch.endpoint | quote }} }
    dataset: {{ $logs.opensearch.dataset }}
    namespace: {{ $logs.opensearch.namespace }}
  {{- end }}
extensions:
  health_check: { endpoint: "0.0.0.0:13133" }
service:
  extensions: [health_check]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [memory_limiter, batch]
      exporters: [otlp/traces]
    metrics:
      receivers: [otlp]
      processors: [memory_limiter, batch]
      exporters: [prometheus]
    logs:
      receivers: [otlp]
      processors: [memory_limiter, batch]
      exporters: [{{ ternary "kafka/logs" "debug" $logs.enabled }}]
    {{- if $logs.enabled }}
    logs/opensearch:
      receivers: [kafka/logs]
      processors: [memory_limiter, batch]
      exporters: [opensearch/logs]
    {{- end }}
{{- end }}

{{/* The Kafka listener apps use: plaintext on a laptop, TLS with SCRAM-SHA-512 when kafka.clientAuthentication is on. */}}
{{- define "infra.kafkaClientPort" -}}
{{- ternary 9092 9093 (eq .Values.kafka.clientAuthentication "none") -}}
{{- end }}

