/**
 * The few API calls the e2e node makes itself (server-side apply, node and Deployment readiness), over
 * `node:https` with the admin's client certificate. The suites use `test/cluster/support/kube-client.ts`.
 */
import { request } from 'node:https';
import { KubeCredentials, Probe } from '../../control-plane/src/control-plane';

/** A Kubernetes object as far as the node needs it. */
export interface LiteObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Readonly<Record<string, string>> };
  readonly [key: string]: unknown;
}

const PLURALS: Readonly<Record<string, string>> = {
  ServiceAccount: 'serviceaccounts', ClusterRole: 'clusterroles', ClusterRoleBinding: 'clusterrolebindings',
  ConfigMap: 'configmaps', Deployment: 'deployments', Service: 'services', RuntimeClass: 'runtimeclasses',
  Namespace: 'namespaces', Role: 'roles', RoleBinding: 'rolebindings',
  // What the Cilium chart renders (`cilium.ts`).
  DaemonSet: 'daemonsets', Secret: 'secrets', ResourceQuota: 'resourcequotas', CustomResourceDefinition: 'customresourcedefinitions',
};

/** A one-replica Deployment whose pods carry `labels` (its selector too). */
export function oneReplicaDeployment(
  namespace: string, name: string, labels: Readonly<Record<string, string>>, podSpec: Readonly<Record<string, unknown>>,
): LiteObject {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace, labels },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } },
  };
}

/** A minimal API client. */
export class KubeLite {
  constructor(private readonly creds: KubeCredentials) {}

  /** One request; resolves with the status and the body. */
  call(method: string, path: string, body?: string, contentType = 'application/json'): Promise<Probe> {
    return new Promise((resolveCall, reject) => {
      const req = request(`${this.creds.server}${path}`, {
        method, ca: this.creds.caPem, cert: this.creds.certPem, key: this.creds.keyPem, timeout: 15_000,
        headers: body === undefined ? {} : { 'content-type': contentType },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolveCall({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timeout`)));
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  /** Server-side apply (field manager `mini-atlas-e2e-node`) of an object of a kind in {@link PLURALS}. */
  async apply(o: LiteObject): Promise<void> {
    const plural = PLURALS[o.kind];
    if (!plural) throw new Error(`KubeLite cannot apply ${o.kind}`);
    const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
    const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
    const ns = o.metadata.namespace ? `/namespaces/${o.metadata.namespace}` : '';
    const r = await this.call('PATCH', `${base}${ns}/${plural}/${o.metadata.name}?fieldManager=mini-atlas-e2e-node&force=true`,
      JSON.stringify(o), 'application/apply-patch+yaml');
    if (r.status >= 300) throw new Error(`apply ${o.kind} ${o.metadata.name}: ${r.status} ${r.body}`);
  }

  /** True when the node reports Ready=True. */
  async nodeReady(name: string): Promise<boolean> {
    const r = await this.call('GET', `/api/v1/nodes/${name}`);
    if (r.status !== 200) return false;
    const node = JSON.parse(r.body) as { status?: { conditions?: { type: string; status: string }[] } };
    return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  }

  /** True when the Deployment has as many available replicas as it asks for. */
  async deploymentAvailable(namespace: string, name: string): Promise<boolean> {
    const r = await this.call('GET', `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`);
    if (r.status !== 200) return false;
    const d = JSON.parse(r.body) as { spec: { replicas?: number }; status?: { availableReplicas?: number } };
    return (d.status?.availableReplicas ?? 0) >= (d.spec.replicas ?? 1);
  }

  /** True when every named CustomResourceDefinition is Established. */
  async crdsEstablished(names: readonly string[]): Promise<boolean> {
    for (const n of names) {
      const r = await this.call('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${n}`);
      if (r.status !== 200) return false;
      const crd = JSON.parse(r.body) as { status?: { conditions?: { type: string; status: string }[] } };
      if (!crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return false;
    }
    return true;
  }

  /** True when the DaemonSet's pods are scheduled, all of them up to date and ready. */
  async daemonSetReady(namespace: string, name: string): Promise<boolean> {
    const r = await this.call('GET', `/apis/apps/v1/namespaces/${namespace}/daemonsets/${name}`);
    if (r.status !== 200) return false;
    const d = JSON.parse(r.body) as { status?: { desiredNumberScheduled?: number; numberReady?: number; updatedNumberScheduled?: number } };
    const want = d.status?.desiredNumberScheduled ?? 0;
    return want > 0 && d.status?.numberReady === want && d.status.updatedNumberScheduled === want;
  }

  /** A namespace's pods (phase, container states) and events, one line each, for failure messages. */
  async describeNamespace(namespace: string): Promise<string> {
    type Pod = { metadata: { name: string }; spec: { nodeName?: string }; status?: { phase?: string; containerStatuses?: { state?: unknown }[] } };
    type Event = { involvedObject: { kind: string; name: string }; reason?: string; message?: string };
    const pods = JSON.parse((await this.call('GET', `/api/v1/namespaces/${namespace}/pods`)).body) as { items?: Pod[] };
    const events = JSON.parse((await this.call('GET', `/api/v1/namespaces/${namespace}/events`)).body) as { items?: Event[] };
    return [
      ...(pods.items ?? []).map((p) => `pod ${p.metadata.name} on ${p.spec.nodeName ?? '-'}: ${p.status?.phase} ${JSON.stringify(p.status?.containerStatuses?.map((c) => c.state) ?? [])}`),
      ...(events.items ?? []).slice(-20).map((e) => `event ${e.involvedObject.kind}/${e.involvedObject.name} ${e.reason}: ${e.message}`),
    ].join('\n');
  }
}
