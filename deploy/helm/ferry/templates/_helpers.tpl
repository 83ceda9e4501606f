{{- define "ferry.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "ferry.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "ferry.selector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "ferry.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* Environment of every Ferry container: repositories, FERRY_SYNC_WORKER, extra env, the Secret's keys.
     Called with (dict "root" $ "worker" "on"|"off"|""). */}}
{{- define "ferry.env" -}}
{{- $root := .root -}}
env:
  - name: FERRY_REPOSITORIES
    value: {{ $root.Values.repositories | toJson | quote }}
{{- if .worker }}
  - name: FERRY_SYNC_WORKER
    value: {{ .worker | quote }}
{{- end }}
{{- range $name, $value := $root.Values.env }}
  - name: {{ $name }}
    value: {{ $value | quote }}
{{- end }}
envFrom:
  - secretRef:
      name: {{ $root.Values.existingSecret }}
{{- end }}

{{- define "ferry.volumes" -}}
volumes:
  - name: data
    emptyDir:
      sizeLimit: 2Gi
  - name: tmp
    emptyDir:
      sizeLimit: 512Mi
{{- end -}}

{{- define "ferry.volumeMounts" -}}
volumeMounts:
  - name: data
    mountPath: /var/lib/ferry
  - name: tmp
    mountPath: /tmp
{{- end -}}
