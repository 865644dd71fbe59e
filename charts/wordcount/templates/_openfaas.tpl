{{/*
The OpenFaaS deployment of function `name` ("coordinator", "map" or "reduce") as a dict in the
shape of the gateway's FunctionDeployment request body (service, image, namespace, envVars,
labels, annotations, limits, requests, secrets, readOnlyRootFilesystem), returned as JSON.
templates/openfaas-functions.yaml renames two fields for the Function resource.
*/}}
{{- define "wordcount.openfaas.deployment" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $function := index $root.Values.functions $name -}}
{{- $timeout := printf "%vs" $function.timeoutSeconds -}}
{{- $env := dict
  "WORDCOUNT_FUNCTION" $name
  "WORDCOUNT_STORE" (printf "s3://%s" $root.Values.store.bucket)
  "AWS_ENDPOINT_URL" (include "wordcount.storeEndpoint" $root)
  "AWS_REGION" $root.Values.store.region
  "AWS_ACCESS_KEY_ID_FILE" "/var/openfaas/secrets/AWS_ACCESS_KEY_ID"
  "AWS_SECRET_ACCESS_KEY_FILE" "/var/openfaas/secrets/AWS_SECRET_ACCESS_KEY"
  "INPUT_BUCKETS" (join "," (prepend $root.Values.store.inputBuckets $root.Values.store.bucket))
  "LOG_LEVEL" $root.Values.logLevel
  "FUNCTION_TIMEOUT_SECONDS" (toString $function.timeoutSeconds)
  "read_timeout" $timeout
  "write_timeout" $timeout
  "exec_timeout" $timeout
-}}
{{- if eq $name "coordinator" -}}
{{- $_ := set $env "MAP_URL" (include "wordcount.functionUrl" (list $root "map")) -}}
{{- $_ := set $env "REDUCE_URL" (include "wordcount.functionUrl" (list $root "reduce")) -}}
{{- $_ := set $env "MAP_TIMEOUT_SECONDS" (toString $root.Values.functions.map.timeoutSeconds) -}}
{{- $_ := set $env "REDUCE_TIMEOUT_SECONDS" (toString $root.Values.functions.reduce.timeoutSeconds) -}}
{{- $_ := set $env "PATH_TIMEOUT_SECONDS" (toString $root.Values.openfaas.gateway.upstreamTimeoutSeconds) -}}
{{- /* No envFrom in OpenFaaS: the tuning ConfigMap's data goes into the environment. */ -}}
{{- $tuning := (include (print $root.Template.BasePath "/configmap.yaml") $root | fromYaml).data -}}
{{- $env = merge $env $tuning (include "wordcount.deployedTimeoutsEnv" $root | fromJson) -}}
{{- end -}}
{{- $labels := dict
  "app.kubernetes.io/name" "wordcount"
  "app.kubernetes.io/instance" $root.Release.Name
  "app.kubernetes.io/component" $name
  "com.openfaas.scale.min" (toString (max 1 (int $function.minScale)))
  "com.openfaas.scale.max" (toString $function.maxScale)
  "com.openfaas.scale.target" (toString $function.target)
  "com.openfaas.scale.type" "capacity"
-}}
{{- if eq (int $function.minScale) 0 -}}
{{- /* Scale to zero is a feature of OpenFaaS Standard and Enterprise; the Community Edition ignores the label. */ -}}
{{- $_ := set $labels "com.openfaas.scale.zero" "true" -}}
{{- end -}}
{{- $deployment := dict
  "service" (printf "%s-%s" (include "wordcount.fullname" $root) $name)
  "image" (include "wordcount.image" $root)
  "namespace" $root.Values.openfaas.functionNamespace
  "envVars" $env
  "labels" $labels
  "annotations" dict
  "secrets" (list (include "wordcount.secretName" $root))
  "readOnlyRootFilesystem" true
-}}
{{- if eq $name "coordinator" -}}
{{- /* Only the coordinator runs as the chart's ServiceAccount, which may read the function objects. */ -}}
{{- $_ := set $deployment "annotations" (dict "com.openfaas.serviceaccount" (include "wordcount.fullname" $root)) -}}
{{- end -}}
{{- range $kind := list "limits" "requests" -}}
{{- $amounts := dict -}}
{{- range $resource, $amount := (index ($function.resources | default dict) $kind | default dict) -}}
{{- if has $resource (list "cpu" "memory") -}}
{{- $_ := set $amounts $resource (toString $amount) -}}
{{- end -}}
{{- end -}}
{{- if $amounts -}}
{{- $_ := set $deployment $kind $amounts -}}
{{- end -}}
{{- end -}}
{{- toJson $deployment -}}
{{- end -}}

{{/* Problems with platform=openfaas, as a YAML list of messages that each name the fix. */}}
{{- define "wordcount.validateOpenfaas" -}}
{{- $errors := list -}}
{{- $namespace := .Values.openfaas.functionNamespace -}}
{{- if ne .Release.Namespace $namespace -}}
{{- $errors = append $errors (printf "the release is in namespace %s, but OpenFaaS functions run in openfaas.functionNamespace=%s and mount the store Secret from there; install with --namespace %s (or, with an edition that deploys functions into %s, --set openfaas.functionNamespace=%s)" .Release.Namespace $namespace $namespace .Release.Namespace .Release.Namespace) -}}
{{- end -}}
{{- $upstream := int .Values.openfaas.gateway.upstreamTimeoutSeconds -}}
{{- range $name := list "coordinator" "map" "reduce" -}}
{{- $function := index $.Values.functions $name -}}
{{- if gt (int $function.timeoutSeconds) $upstream -}}
{{- $errors = append $errors (printf "functions.%s.timeoutSeconds=%v is above the gateway's upstream timeout openfaas.gateway.upstreamTimeoutSeconds=%v, so the gateway would end its calls first; fix with --set functions.%s.timeoutSeconds=%v (or raise the gateway's upstream_timeout, read_timeout and write_timeout and --set openfaas.gateway.upstreamTimeoutSeconds=%v)" $name $function.timeoutSeconds $upstream $name $upstream $function.timeoutSeconds) -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
