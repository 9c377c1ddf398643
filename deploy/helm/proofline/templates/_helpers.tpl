{{/* Names and labels shared by every resource of the chart. */}}

{{- define "proofline.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "proofline.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "proofline.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "proofline.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "proofline.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "proofline.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "proofline.selectorLabels" -}}
app.kubernetes.io/name: {{ include "proofline.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "proofline.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "proofline.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "proofline.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "proofline.configMapName" -}}
{{- default (printf "%s-pipeline" (include "proofline.fullname" .)) .Values.pipeline.existingConfigMap -}}
{{- end -}}

{{/* Environment of every container: the Secret's keys (optional each) and the plain extras. */}}
{{- define "proofline.env" -}}
{{- range .Values.credentials.keys }}
- name: {{ . }}
  valueFrom:
    secretKeyRef:
      name: {{ $.Values.credentials.secretName }}
      key: {{ . }}
      optional: true
{{- end }}
- name: PROOFLINE_LOG_PRETTY
  value: "0"
{{- with .Values.env }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The pipeline file and a writable /tmp under a read-only root filesystem. */}}
{{- define "proofline.volumeMounts" -}}
- name: pipeline
  mountPath: {{ .Values.pipeline.path }}
  subPath: pipeline.yaml
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- end -}}

{{- define "proofline.volumes" -}}
- name: pipeline
  configMap:
    name: {{ include "proofline.configMapName" . }}
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
{{- end -}}

{{/* The sync command line of one schedule; docs/scale.md shows the same line. */}}
{{- define "proofline.syncArgs" -}}
- sync
- --config
- {{ .path }}
{{- range .streams }}
- --stream
- {{ . }}
{{- end }}
{{- end -}}
