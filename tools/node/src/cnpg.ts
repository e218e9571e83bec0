/**
 * The CloudNativePG operator as a pod in `cnpg-system`, the way the platform's HelmRelease installs it (chart
 * `cloudnative-pg`, release name `cloudnative-pg`, `config.clusterWide: true`), restated because no Helm chart
 * repository is reachable: the chart's names and selector labels, its operator arguments and security context;
 * the ClusterRole's rules and the webhook configurations are read from the operator's own module
 * (`config/rbac/role.yaml`, `config/webhook/manifests.yaml`, copied by `npm run tools` into the
 * `cloudnative-pg-config` tool directory) and named as the chart names them. The operator creates its webhook
 * certificate and patches the CA into those configurations itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../control-plane/src/kube-client';
import { oneReplicaDeployment } from './deployment';

/** The operator's namespace and the chart's names (release `cloudnative-pg`). */
export const CNPG = {
  namespace: 'cnpg-system',
  deployment: 'cloudnative-pg',
  labels: { 'app.kubernetes.io/name': 'cloudnative-pg', 'app.kubernetes.io/instance': 'cloudnative-pg' },
  webhookService: 'cnpg-webhook-service',
  mutatingWebhook: 'cnpg-mutating-webhook-configuration',
  validatingWebhook: 'cnpg-validating-webhook-configuration',
  configName: 'cnpg-controller-manager-config',
} as const;

type Doc = Record<string, unknown> & { kind: string; metadata: { name: string } };

function readDocs(file: string): Doc[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as Doc | null).filter((d): d is Doc => d !== null);
}

/** The webhook configurations of the module, as the chart names them, pointing at the chart's Service. */
function webhookConfigurations(configDir: string): KubeObject[] {
  const names: Record<string, string> = {
    'mutating-webhook-configuration': CNPG.mutatingWebhook,
    'validating-webhook-configuration': CNPG.validatingWebhook,
  };
  return readDocs(join(configDir, 'webhook', 'manifests.yaml')).map((doc) => {
    const name = names[doc.metadata.name];
    if (!name) throw new Error(`unexpected webhook configuration ${doc.metadata.name} in CloudNativePG's config/webhook`);
    const webhooks = (doc.webhooks as { clientConfig: { service: Record<string, unknown> } }[]).map((w) => ({
      ...w,
      clientConfig: { ...w.clientConfig, service: { ...w.clientConfig.service, name: CNPG.webhookService, namespace: CNPG.namespace, port: 443 } },
    }));
    return { apiVersion: doc.apiVersion as string, kind: doc.kind, metadata: { name, labels: { ...CNPG.labels } }, webhooks };
  });
}

/**
 * Everything the operator needs besides its CRDs: namespace, ServiceAccount, the module's ClusterRole (as the
 * chart's `cloudnative-pg`) and its binding, the (empty) operator ConfigMap, the webhook Service, the
 * Deployment running `image`, and the webhook configurations.
 */
export function cnpgOperatorObjects(configDir: string, image: string): KubeObject[] {
  const roles = readDocs(join(configDir, 'rbac', 'role.yaml')).filter((d) => d.kind === 'ClusterRole' && d.metadata.name === 'manager');
  if (roles.length !== 1) throw new Error(`expected the ClusterRole "manager" in CloudNativePG's config/rbac/role.yaml, found ${roles.length}`);
  const ns = CNPG.namespace;
  const labels = { ...CNPG.labels };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: CNPG.deployment, namespace: ns, labels } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: CNPG.deployment, labels }, rules: roles[0]!.rules },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: CNPG.deployment, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: CNPG.deployment },
      subjects: [{ kind: 'ServiceAccount', name: CNPG.deployment, namespace: ns }],
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: CNPG.configName, namespace: ns, labels }, data: {} },
    {
      apiVersion: 'v1', kind: 'Service', metadata: { name: CNPG.webhookService, namespace: ns, labels },
      spec: { selector: labels, ports: [{ name: 'webhook-server', port: 443, targetPort: 'webhook-server' }] },
    },
    oneReplicaDeployment(ns, CNPG.deployment, labels, {
      serviceAccountName: CNPG.deployment,
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      terminationGracePeriodSeconds: 10,
      containers: [{
        name: 'manager',
        image,
        imagePullPolicy: 'IfNotPresent',
        command: ['/manager'],
        args: [
          'controller', '--leader-elect', '--max-concurrent-reconciles=10',
          `--config-map-name=${CNPG.configName}`, `--secret-name=${CNPG.configName}`, '--webhook-port=9443',
        ],
        env: [
          // The image instance pods copy the manager from (the bootstrap-controller init container).
          { name: 'OPERATOR_IMAGE_NAME', value: image },
          { name: 'OPERATOR_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        ],
        ports: [
          { name: 'metrics', containerPort: 8080, protocol: 'TCP' },
          { name: 'webhook-server', containerPort: 9443, protocol: 'TCP' },
        ],
        readinessProbe: { httpGet: { path: '/readyz', port: 9443, scheme: 'HTTPS' }, periodSeconds: 5 },
        startupProbe: { httpGet: { path: '/readyz', port: 9443, scheme: 'HTTPS' }, periodSeconds: 5, failureThreshold: 24 },
        resources: { requests: { cpu: '100m', memory: '100Mi' }, limits: { memory: '300Mi' } },
        securityContext: {
          runAsUser: 10001, runAsGroup: 10001, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
          seccompProfile: { type: 'RuntimeDefault' }, capabilities: { drop: ['ALL'] },
        },
        volumeMounts: [
          { name: 'scratch-data', mountPath: '/controller' },
          { name: 'webhook-certificates', mountPath: '/run/secrets/cnpg.io/webhook' },
        ],
      }],
      volumes: [
        { name: 'scratch-data', emptyDir: {} },
        { name: 'webhook-certificates', secret: { secretName: 'cnpg-webhook-cert', optional: true, defaultMode: 0o644 } },
      ],
    }),
    ...webhookConfigurations(configDir),
  ];
}
