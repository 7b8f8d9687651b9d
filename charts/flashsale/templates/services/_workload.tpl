{{/*
Environment of a service's container. Computed settings first (ports, telemetry, who to call), then the service's
`env` values on top, so an operator can override any of them without editing templates.
Call with (dict "root" $ "name" "catalog" "svc" $svc "version" "v1").
*/}}
{{- define "flashsale.env" -}}
{{- $root := .root -}}
{{- $svc := .svc -}}
{{- $env := dict
      "OTEL_EXPORTER_OTLP_ENDPOINT" $root.Values.global.otlpEndpoint
      "OTEL_RESOURCE_ATTRIBUTES" (printf "service.version=%s,deployment.environment=%s" .version $root.Release.Namespace) -}}
{{- if $svc.ports.grpc -}}
{{- /* Two named Kestrel endpoints: HTTP/1.1 for REST and probes, h2c (HTTP/2 only) for gRPC. */ -}}
{{- $_ := set $env "ASPNETCORE_HTTP_PORTS" "" -}}
{{- $_ := set $env "Kestrel__Endpoints__Http__Url" (printf "http://+:%v" $svc.ports.http) -}}
{{- $_ := set $env "Kestrel__Endpoints__Grpc__Url" (printf "http://+:%v" $svc.ports.grpc) -}}
{{- $_ := set $env "Kestrel__Endpoints__Grpc__Protocols" "Http2" -}}
{{- else -}}
{{- $_ := set $env "ASPNETCORE_HTTP_PORTS" (toString $svc.ports.http) -}}
{{- end -}}
{{- range $backend := $svc.proxy.backends -}}
{{- $_ := set $env (printf "ReverseProxy__Clusters__%s__Destinations__default__Address" $backend) (include "flashsale.url" (dict "root" $root "name" $backend)) -}}
{{- end -}}
{{- if $svc.auth.validatesTokens -}}
{{- $issuer := include "flashsale.url" (dict "root" $root "name" (include "flashsale.tokenIssuer" $root)) -}}
{{- $_ := set $env "Authentication__MetadataAddress" (printf "%s%s" $issuer $root.Values.auth.discoveryPath) -}}
{{- end -}}
{{- if $svc.ingress.paths -}}
{{- /* Behind the ingress: the client's address from X-Forwarded-For (the ingress appends it), so anonymous rate limits
     are per client, not one bucket for everyone behind the ingress. */ -}}
{{- $_ := set $env "ASPNETCORE_FORWARDEDHEADERS_ENABLED" "true" -}}
{{- end -}}
{{- if $svc.auth.issuesTokens -}}
{{- $_ := set $env "Identity__Issuer" $root.Values.auth.issuer -}}
{{- end -}}
{{- range $key, $value := mergeOverwrite $env $svc.env }}
- name: {{ $key }}
  value: {{ $value | quote }}
{{- end }}
{{- if $svc.auth.issuesTokens }}
- name: Identity__SigningKey
  valueFrom:
    secretKeyRef:
      name: {{ include "flashsale.signingKeySecret" $root }}
      key: {{ $root.Values.auth.signingKey.key }}
{{- end }}
{{- end }}

{{/*
One Deployment of a service. The canary is a second Deployment of the same service with another `version` label.
Call with (dict "root" $ "name" "catalog" "svc" $svc "deployment" "catalog-v2" "version" "v2" "tag" "..." "replicas" 1
"autoscaled" false).
*/}}
{{- define "flashsale.deployment" -}}
{{- $root := .root -}}
{{- $svc := .svc -}}
{{- $ctx := dict "root" $root "name" .name -}}
{{- $dapr := $root.Values.dapr -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .deployment }}
  labels:
    {{- include "flashsale.labels" $ctx | nindent 4 }}
    app.kubernetes.io/version: {{ .tag | quote }}
    version: {{ .version }}
spec:
  {{- if not .autoscaled }}
  replicas: {{ .replicas }}
  {{- end }}
  revisionHistoryLimit: 3
  selector:
    matchLabels:
      {{- include "flashsale.selectorLabels" $ctx | nindent 6 }}
      version: {{ .version }}
  strategy:
    type: RollingUpdate
    rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }
  template:
    metadata:
      labels:
        {{- include "flashsale.labels" $ctx | nindent 8 }}
        app.kubernetes.io/version: {{ .tag | quote }}
        version: {{ .version }}
      annotations:
        kubectl.kubernetes.io/default-container: app
        # The app (and daprd) start only once Envoy is ready, so their first outbound calls do not fail.
        proxy.istio.io/config: '{"holdApplicationUntilProxyStarts": true}'
        {{- with $root.Values.istio.sidecarResources }}
        sidecar.istio.io/proxyCPU: {{ .requests.cpu | quote }}
        sidecar.istio.io/proxyMemory: {{ .requests.memory | quote }}
        {{- with .limits.cpu }}
        sidecar.istio.io/proxyCPULimit: {{ . | quote }}
        {{- end }}
        sidecar.istio.io/proxyMemoryLimit: {{ .limits.memory | quote }}
        {{- end }}
        {{- if $svc.dapr.enabled }}
        dapr.io/enabled: "true"
        # daprd's health port: kubelet probes it in plaintext, so Envoy must not demand mTLS there.
        traffic.sidecar.istio.io/excludeInboundPorts: "3501"
        dapr.io/app-id: {{ .name }}
        dapr.io/app-port: {{ ternary $svc.ports.grpc $svc.ports.http (eq $svc.dapr.appProtocol "grpc") | quote }}
        dapr.io/app-protocol: {{ $svc.dapr.appProtocol }}
        dapr.io/config: {{ $dapr.configName }}
        dapr.io/log-as-json: "true"
        dapr.io/log-level: {{ $dapr.logLevel }}
        dapr.io/internal-grpc-port: {{ $dapr.internalGrpcPort | quote }}
        dapr.io/enable-metrics: "true"
        dapr.io/metrics-port: {{ $dapr.metricsPort | quote }}
        # Istio merges the endpoint these name into Envoy's on :15020 (meshConfig.enablePrometheusMerge), which
        # monitoring's PodMonitor scrapes: daprd's pub/sub and resiliency metrics behind the alerts.
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ $dapr.metricsPort | quote }}
        prometheus.io/path: /
        dapr.io/graceful-shutdown-seconds: {{ $dapr.gracefulShutdownSeconds | quote }}
        # Component secrets are resolved by Dapr's operator; the sidecar needs no Kubernetes API token.
        dapr.io/disable-builtin-k8s-secret-store: "true"
        dapr.io/sidecar-cpu-request: {{ $dapr.sidecarResources.requests.cpu | quote }}
        dapr.io/sidecar-memory-request: {{ $dapr.sidecarResources.requests.memory | quote }}
        {{- with $dapr.sidecarResources.limits.cpu }}
        dapr.io/sidecar-cpu-limit: {{ . | quote }}
        {{- end }}
        dapr.io/sidecar-memory-limit: {{ $dapr.sidecarResources.limits.memory | quote }}
        {{- if ne $dapr.pubsub.security.authentication "none" }}
        # The app's own Kafka password (pubsub's saslPassword reads it with envRef), from the Secret Strimzi's User
        # Operator keeps for KafkaUser <app id>.
        dapr.io/env-from-secret: {{ printf "KAFKA_SASL_PASSWORD=%s:password" .name | quote }}
        {{- end }}
        # Running sidecars never reload Components, Resiliency or Configuration: a change to them rolls the pods.
        checksum/dapr: {{ include "flashsale.daprChecksum" $root }}
        {{- if $svc.dapr.appHealthCheck }}
        # Dapr stops delivering messages to an app whose /healthz fails, instead of piling up retries.
        dapr.io/enable-app-health-check: "true"
        dapr.io/app-health-check-path: /healthz
        {{- end }}
        {{- end }}
    spec:
      serviceAccountName: {{ .name }}
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: {{ $root.Values.global.terminationGracePeriodSeconds }}
      securityContext:
        seccompProfile: { type: RuntimeDefault }
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "flashsale.selectorLabels" $ctx | nindent 14 }}
      containers:
        - name: app
          image: {{ printf "%s:%s" $svc.image.repository .tag | quote }}
          imagePullPolicy: {{ $root.Values.global.imagePullPolicy }}
          ports:
            - name: http
              containerPort: {{ $svc.ports.http }}
              protocol: TCP
            {{- if $svc.ports.grpc }}
            - name: grpc
              containerPort: {{ $svc.ports.grpc }}
              protocol: TCP
            {{- end }}
          env:
            {{- include "flashsale.env" (dict "root" $root "name" .name "svc" $svc "version" .version) | trim | nindent 12 }}
          {{- $usersSecret := include "flashsale.identityUsersSecret" $root }}
          {{- if and $svc.auth.issuesTokens $usersSecret }}
          envFrom:
            - secretRef:
                name: {{ $usersSecret }}
          {{- end }}
          startupProbe:
            httpGet: { path: /healthz, port: http }
            periodSeconds: 2
            failureThreshold: 30
          livenessProbe:
            httpGet: { path: /healthz, port: http }
            periodSeconds: 10
            timeoutSeconds: 2
            failureThreshold: 3
          readinessProbe:
            httpGet: { path: /readyz, port: http }
            periodSeconds: 5
            timeoutSeconds: 2
            failureThreshold: 3
          lifecycle:
            # Endpoints and Envoy take a moment to stop routing here; keep serving until they have.
            preStop:
              sleep: { seconds: 5 }
          resources:
            {{- toYaml $svc.resources | nindent 12 }}
          securityContext:
            runAsNonRoot: true
            runAsUser: 1654
            runAsGroup: 1654
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: { drop: [ALL] }
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        # The only writable path: .NET's diagnostics socket and temporary files.
        - name: tmp
          emptyDir: { sizeLimit: 64Mi }
{{- end }}
