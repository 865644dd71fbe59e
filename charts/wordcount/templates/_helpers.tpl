{{/* Name of the release's resources: the release name, with "-wordcount" unless it has it already. */}}
{{- define "wordcount.fullname" -}}
{{- if contains "wordcount" .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-wordcount" .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "wordcount.labels" -}}
app.kubernetes.io/name: wordcount
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "wordcount.selectorLabels" -}}
app.kubernetes.io/name: wordcount
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "wordcount.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "wordcount.secretName" -}}
{{- default (printf "%s-store" (include "wordcount.fullname" .)) .Values.store.existingSecret -}}
{{- end -}}

{{- define "wordcount.minio.fullname" -}}
{{- printf "%s-minio" (include "wordcount.fullname" .) -}}
{{- end -}}

{{/* The S3 endpoint the functions use: the release's MinIO or the external one. */}}
{{- define "wordcount.storeEndpoint" -}}
{{- if .Values.minio.enabled -}}
{{- printf "http://%s.%s.svc.cluster.local:9000" (include "wordcount.minio.fullname" .) .Release.Namespace -}}
{{- else -}}
{{- .Values.store.externalEndpoint -}}
{{- end -}}
{{- end -}}

{{/*
The URL of function `name` ("coordinator", "map" or "reduce") inside the cluster. On OpenFaaS
calls go through the gateway, which passes the path after /function/NAME on to the function.
*/}}
{{- define "wordcount.functionUrl" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $service := printf "%s-%s" (include "wordcount.fullname" $root) $name -}}
{{- if eq $root.Values.platform "openfaas" -}}
{{- $gateway := trimSuffix "/" $root.Values.openfaas.gateway.url -}}
{{- if eq $root.Values.openfaas.functionNamespace "openfaas-fn" -}}
{{- printf "%s/function/%s" $gateway $service -}}
{{- else -}}
{{- printf "%s/function/%s.%s" $gateway $service $root.Values.openfaas.functionNamespace -}}
{{- end -}}
{{- else -}}
{{- printf "http://%s.%s.svc.cluster.local" $service $root.Release.Namespace -}}
{{- end -}}
{{- end -}}

{{/*
The kind of object that holds a deployed function's timeout: Knative Services, Deployments
(plain Kubernetes, and those the OpenFaaS Community Edition makes) or OpenFaaS Functions.
*/}}
{{- define "wordcount.functionObjectKind" -}}
{{- if eq .Values.platform "knative" -}}
knative-service
{{- else if and (eq .Values.platform "openfaas") .Values.openfaas.operator -}}
openfaas-function
{{- else -}}
deployment
{{- end -}}
{{- end -}}

{{/* The coordinator's settings for reading the deployed timeouts, as a dict of variables. */}}
{{- define "wordcount.deployedTimeoutsEnv" -}}
{{- $fullname := include "wordcount.fullname" . -}}
{{- toJson (dict
  "KUBERNETES_TIMEOUTS" (toString .Values.readDeployedTimeouts)
  "KUBERNETES_TIMEOUTS_KIND" (include "wordcount.functionObjectKind" .)
  "KUBERNETES_NAMESPACE" .Release.Namespace
  "KUBERNETES_MAP_NAME" (printf "%s-map" $fullname)
  "KUBERNETES_REDUCE_NAME" (printf "%s-reduce" $fullname)) -}}
{{- end -}}

{{/* The smallest timeout in front of the functions that the values declare, in seconds; 0 if none. */}}
{{- define "wordcount.pathTimeoutSeconds" -}}
{{- if eq .Values.platform "openfaas" -}}
{{- .Values.openfaas.gateway.upstreamTimeoutSeconds -}}
{{- else if eq .Values.platform "knative" -}}
{{- .Values.knative.pathTimeoutSeconds -}}
{{- else -}}
0
{{- end -}}
{{- end -}}

{{/* Environment shared by the three functions. */}}
{{- define "wordcount.env" -}}
- name: WORDCOUNT_STORE
  value: {{ printf "s3://%s" .Values.store.bucket | quote }}
- name: AWS_ENDPOINT_URL
  value: {{ include "wordcount.storeEndpoint" . | quote }}
- name: AWS_REGION
  value: {{ .Values.store.region | quote }}
- name: AWS_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ include "wordcount.secretName" . }}
      key: AWS_ACCESS_KEY_ID
- name: AWS_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "wordcount.secretName" . }}
      key: AWS_SECRET_ACCESS_KEY
- name: INPUT_BUCKETS
  value: {{ join "," (prepend .Values.store.inputBuckets .Values.store.bucket) | quote }}
- name: LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
{{- end -}}

{{/* Environment of one function: the shared part, its timeout, and the coordinator's settings. */}}
{{- define "wordcount.functionEnv" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $function := index $root.Values.functions $name -}}
{{ include "wordcount.env" $root }}
- name: FUNCTION_TIMEOUT_SECONDS
  value: {{ $function.timeoutSeconds | quote }}
{{- if eq $name "coordinator" }}
- name: MAP_URL
  value: {{ include "wordcount.functionUrl" (list $root "map") | quote }}
- name: REDUCE_URL
  value: {{ include "wordcount.functionUrl" (list $root "reduce") | quote }}
- name: MAP_TIMEOUT_SECONDS
  value: {{ $root.Values.functions.map.timeoutSeconds | quote }}
- name: REDUCE_TIMEOUT_SECONDS
  value: {{ $root.Values.functions.reduce.timeoutSeconds | quote }}
{{- range $variable, $value := include "wordcount.deployedTimeoutsEnv" $root | fromJson }}
- name: {{ $variable }}
  value: {{ $value | quote }}
{{- end }}
{{- $pathTimeout := include "wordcount.pathTimeoutSeconds" $root }}
{{- if gt (int $pathTimeout) 0 }}
- name: PATH_TIMEOUT_SECONDS
  value: {{ $pathTimeout | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
Checks that involve several values; values.schema.json checks single values. Each failure
names the value and the --set that fixes it.
*/}}
{{- define "wordcount.validateValues" -}}
{{- $errors := list -}}
{{- range $name := list "coordinator" "map" "reduce" -}}
{{- $function := index $.Values.functions $name -}}
{{- if and (eq $.Values.platform "knative") (gt (int $function.timeoutSeconds) (int $.Values.knative.maxRevisionTimeoutSeconds)) -}}
{{- $errors = append $errors (printf "functions.%s.timeoutSeconds=%v is above the cluster's maximum revision timeout knative.maxRevisionTimeoutSeconds=%v; fix with --set functions.%s.timeoutSeconds=%v (or raise max-revision-timeout-seconds in Knative's config-defaults and --set knative.maxRevisionTimeoutSeconds)" $name $function.timeoutSeconds $.Values.knative.maxRevisionTimeoutSeconds $name $.Values.knative.maxRevisionTimeoutSeconds) -}}
{{- end -}}
{{- if and (gt (int $function.maxScale) 0) (gt (int $function.minScale) (int $function.maxScale)) -}}
{{- $errors = append $errors (printf "functions.%s.minScale=%v is above functions.%s.maxScale=%v; fix with --set functions.%s.minScale=%v" $name $function.minScale $name $function.maxScale $name $function.maxScale) -}}
{{- end -}}
{{- if and (ne $.Values.platform "knative") (eq (int $function.maxScale) 0) -}}
{{- $errors = append $errors (printf "functions.%s.maxScale=0 means unlimited only on Knative; fix with --set functions.%s.maxScale=10" $name $name) -}}
{{- end -}}
{{- end -}}
{{- $longest := max (int .Values.functions.map.timeoutSeconds) (int .Values.functions.reduce.timeoutSeconds) -}}
{{- /* A call may last its timeout plus a margin (10 s, or 1 s plus half a shorter timeout), and the coordinator keeps 5 s for itself: functions/coordinator/config.ts checks the same. */ -}}
{{- $needed := add $longest (min 10 (add 1 (div (add $longest 1) 2))) 5 -}}
{{- if lt (int .Values.functions.coordinator.timeoutSeconds) $needed -}}
{{- $errors = append $errors (printf "functions.coordinator.timeoutSeconds=%v leaves no room for a map or reduce call of %v s plus its margin; fix with --set functions.coordinator.timeoutSeconds=%v" .Values.functions.coordinator.timeoutSeconds $longest $needed) -}}
{{- end -}}
{{- if eq .Values.platform "openfaas" -}}
{{- $errors = concat $errors (include "wordcount.validateOpenfaas" . | fromYamlArray) -}}
{{- end -}}
{{- if and (not .Values.minio.enabled) (eq .Values.store.externalEndpoint "") -}}
{{- $errors = append $errors "minio.enabled=false needs an external S3 endpoint; fix with --set store.externalEndpoint=https://s3.example.com (and --set store.existingSecret=NAME for its credentials), or --set minio.enabled=true" -}}
{{- end -}}
{{- if $errors -}}
{{- fail (printf "\n%s" (join "\n" $errors)) -}}
{{- end -}}
{{- end -}}
