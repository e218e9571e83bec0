/**
 * Pods the e2e suite creates itself (clients in a workspace, the hygiene fixture's pod): every one passes Pod
 * Security `restricted` and carries requests and limits (workspaces have a ResourceQuota).
 */
import { KubeClient, KubeObject, waitFor } from '../../../tools/control-plane/src/kube-client';
import { E2eNode } from '../../../tools/node/src/node';

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

/** How a one-shot client pod ended: its phase and what its container printed. */
export interface ClientRun {
  /** `Succeeded` or `Failed`. */
  readonly phase: string;
  /** The container's log lines, joined by newlines (the test app prints one: `connected`, `200 ok`, an error…). */
  readonly output: string;
}

/**
 * Creates the one-shot client pod `namespace/name` of `image` with `args` and extra `labels` as `client`'s user,
 * waits (up to two minutes) until it has finished and returns its phase and log.
 */
export async function runClientPod(
  client: KubeClient, node: Pick<E2eNode, 'podLog'>, namespace: string, name: string, image: string,
  args: readonly string[], labels: Readonly<Record<string, string>> = {},
): Promise<ClientRun> {
  const pod = restrictedPod(namespace, name, image, args);
  await client.apply({ ...pod, metadata: { ...pod.metadata, labels: { ...pod.metadata.labels, ...labels } } });
  const phase = await waitFor(`pod ${namespace}/${name} to finish`, async () => {
    const p = await client.get('v1', 'Pod', name, namespace);
    const ph = (p?.status as { phase?: string } | undefined)?.phase;
    return ph === 'Succeeded' || ph === 'Failed' ? ph : undefined;
  }, { timeoutMs: 2 * 60_000 });
  return { phase, output: node.podLog(namespace, name, 'main') };
}
