/**
 * The Helm templates of a generated chart. They are static Helm template files (not generated
 * YAML): every per-service and per-environment value comes from `values.yaml` and
 * `values-<env>.yaml`, which are built as objects.
 */
export const HELM_TEMPLATES: Record<string, string> = {
  '_helpers.tpl': `{{- define "svc.selectorLabels" -}}
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
`,
  'serviceaccount.yaml': `apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ .Chart.Name }}
  labels:
    {{- include "svc.labels" . | nindent 4 }}
  {{- include "svc.wave" (dict "root" . "wave" "0") | nindent 2 }}
automountServiceAccountToken: false
`,
  'service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: {{ .Chart.Name }}
  labels:
    {{- include "svc.labels" . | nindent 4 }}
  {{- include "svc.wave" (dict "root" . "wave" "2") | nindent 2 }}
spec:
  selector:
    {{- include "svc.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .Values.service.port }}
      targetPort: http
      protocol: TCP
`,
  'deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Chart.Name }}
  labels:
    {{- include "svc.labels" . | nindent 4 }}
  {{- include "svc.wave" (dict "root" . "wave" "2") | nindent 2 }}
spec:
  replicas: {{ .Values.replicaCount }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "svc.selectorLabels" . | nindent 6 }}
  strategy:
    {{- toYaml .Values.strategy | nindent 4 }}
  template:
    metadata:
      labels:
        {{- include "svc.labels" . | nindent 8 }}
    spec:
      serviceAccountName: {{ .Chart.Name }}
      automountServiceAccountToken: false
      securityContext:
        {{- toYaml .Values.podSecurityContext | nindent 8 }}
      {{- if .Values.antiAffinity }}
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels:
                    {{- include "svc.selectorLabels" . | nindent 20 }}
      {{- end }}
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ .Values.containerPort }}
              protocol: TCP
          env:
            - name: LOG_LEVEL
              value: {{ .Values.logLevel | quote }}
            {{- range .Values.secrets.keys }}
            - name: {{ . }}
              valueFrom:
                secretKeyRef:
                  name: {{ $.Values.secrets.name }}
                  key: {{ . }}
            {{- end }}
          readinessProbe:
            {{- toYaml .Values.readinessProbe | nindent 12 }}
          livenessProbe:
            {{- toYaml .Values.livenessProbe | nindent 12 }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir: {}
`,
  'hpa.yaml': `{{- if .Values.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ .Chart.Name }}
  labels:
    {{- include "svc.labels" . | nindent 4 }}
  {{- include "svc.wave" (dict "root" . "wave" "2") | nindent 2 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ .Chart.Name }}
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .Values.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
`,
  'pdb.yaml': `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ .Chart.Name }}
  labels:
    {{- include "svc.labels" . | nindent 4 }}
  {{- include "svc.wave" (dict "root" . "wave" "2") | nindent 2 }}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      {{- include "svc.selectorLabels" . | nindent 6 }}
`,
  'networkpolicy.yaml': `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ .Chart.Name }}
  labels:
    {{- include "svc.labels" . | nindent 4 }}
  {{- include "svc.wave" (dict "root" . "wave" "0") | nindent 2 }}
spec:
  podSelector:
    matchLabels:
      {{- include "svc.selectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
  ingress:
    - from:
        - podSelector: {}
      ports:
        - port: {{ .Values.containerPort }}
          protocol: TCP
`,
  'externalsecret.yaml': `{{- if eq .Values.secrets.provider "external-secrets" }}
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: {{ .Values.secrets.name }}
  labels:
    {{- include "svc.labels" . | nindent 4 }}
  {{- include "svc.wave" (dict "root" . "wave" "0") | nindent 2 }}
spec:
  refreshInterval: 1h
  secretStoreRef:
    kind: {{ .Values.secrets.store.kind }}
    name: {{ .Values.secrets.store.name }}
  target:
    name: {{ .Values.secrets.name }}
    creationPolicy: Owner
  data:
    {{- range .Values.secrets.keys }}
    - secretKey: {{ . }}
      remoteRef:
        key: {{ $.Values.secrets.remoteKey }}
        property: {{ . }}
    {{- end }}
{{- end }}
`,
  'sealedsecret.yaml': `{{- if eq .Values.secrets.provider "sealed-secrets" }}
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: {{ .Values.secrets.name }}
  labels:
    {{- include "svc.labels" . | nindent 4 }}
  {{- include "svc.wave" (dict "root" . "wave" "0") | nindent 2 }}
spec:
  encryptedData:
    {{- toYaml (.Values.secrets.encryptedData | default dict) | nindent 4 }}
  template:
    metadata:
      name: {{ .Values.secrets.name }}
    type: Opaque
{{- end }}
`,
  'migration-job.yaml': `{{- if .Values.migration.enabled }}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Chart.Name }}-migrate
  labels:
    {{- include "svc.labels" . | nindent 4 }}
  annotations:
    argocd.argoproj.io/hook: Sync
    argocd.argoproj.io/hook-delete-policy: BeforeHookCreation
    {{- if .Values.syncWaves }}
    argocd.argoproj.io/sync-wave: "1"
    {{- end }}
spec:
  backoffLimit: 1
  template:
    metadata:
      labels:
        {{- include "svc.labels" . | nindent 8 }}
    spec:
      restartPolicy: Never
      serviceAccountName: {{ .Chart.Name }}
      automountServiceAccountToken: false
      securityContext:
        {{- toYaml .Values.podSecurityContext | nindent 8 }}
      containers:
        - name: migrate
          image: "{{ .Values.migration.image.repository }}:{{ .Values.migration.image.tag | default .Values.image.tag }}"
          command:
            {{- toYaml .Values.migration.command | nindent 12 }}
          {{- if .Values.secrets.keys }}
          env:
            {{- range .Values.secrets.keys }}
            - name: {{ . }}
              valueFrom:
                secretKeyRef:
                  name: {{ $.Values.secrets.name }}
                  key: {{ . }}
            {{- end }}
          {{- end }}
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir: {}
{{- end }}
`,
};
