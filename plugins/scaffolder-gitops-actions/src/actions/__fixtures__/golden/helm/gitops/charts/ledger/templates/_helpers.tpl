{{- define "svc.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
{{- end }}

{{- define "svc.labels" -}}
{{ include "svc.selectorLabels" . }}
app: {{ .Values.labels.app | quote }}
team: {{ .Values.labels.team | quote }}
environment: {{ .Values.environment | quote }}
{{- end }}

{{- define "svc.wave" -}}
{{- if .root.Values.syncWaves }}
annotations:
  argocd.argoproj.io/sync-wave: {{ .wave | quote }}
{{- end }}
{{- end }}
