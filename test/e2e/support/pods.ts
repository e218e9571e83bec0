/**
 * Pods the e2e suite creates itself (clients in a workspace, the hygiene fixture's pod): every one passes Pod
 * Security `restricted` and carries requests and limits (workspaces have a ResourceQuota).
 */
import { KubeObject } from '../../../tools/control-plane/src/kube-client';

/** A pod running the test app's image with `args` (empty: the app serves HTTP on 8080). */
export function restrictedPod(
  namespace: string, name: string, image: string, args: readonly string[], env: readonly Record<string, unknown>[] = [], nodeName?: string,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'mini-atlas-e2e' } },
    spec: {
      ...(nodeName ? { nodeName } : {}),
      restartPolicy: args.length > 0 ? 'Never' : 'Always',
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'main',
        image,
        ...(args.length > 0 ? { args: [...args] } : {}),
        env: [...env],
        resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      }],
    },
  };
}
