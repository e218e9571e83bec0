/**
 * The one Kubernetes REST client of the test control plane's users — the control-plane and e2e suites and the
 * e2e node (`tools/node`, which applies its own CoreDNS, local-path-provisioner and CloudNativePG objects with
 * it): discovery (kind → resource), server-side apply with strict field validation, get/list/delete and polling. It speaks HTTPS with a client certificate
 * (see `tools/control-plane/src/control-plane.ts`) and keeps every warning the API server sends back.
 *
 * Why not the official client (@kubernetes/client-node 1.4.0, the newest 1.x; 2.x needs Node >= 22.19), measured
 * for issue 12:
 * - It would weaken what this suite proves. Its generic `KubernetesObjectApi` serializes built-in kinds through
 *   its generated models, so unknown fields are dropped before the request is sent: a Deployment with
 *   `spec.replicaz` goes out without it, so `fieldValidation=Strict` and the "no unknown-field warning" test
 *   could never catch that typo in `dist/`. That API also has no `fieldValidation` parameter and no status
 *   subresource (typed per-kind APIs would be needed), and it turns timestamps into `Date`s.
 * - Under jest 29 + ts-jest (CommonJS) the ESM-only package (no CJS build) and its ESM dependencies (openid-client,
 *   oauth4webapi, jose, jsonpath-plus, jsep, @jsep-plugin, rfc4648) have to be transformed (about 840 modules).
 *   A one-test file costs +7.5 s without a cache with ts-jest as the transform (median 8.6 s against 1.2 s) and
 *   +3.9 s with an esbuild transform we would have to maintain; +0.2 to 0.4 s with a warm cache. It adds 63
 *   packages and 70 MB to node_modules.
 */
import { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import type { KubeCredentials } from './control-plane';

/** Object metadata the suite reads. */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  generation?: number;
  deletionTimestamp?: string;
  finalizers?: string[];
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
  [key: string]: unknown;
}

/** Any Kubernetes object. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A Kubernetes `Status` error. */
export class KubeApiError extends Error {
  constructor(
    /** HTTP method and path. */
    readonly request: string,
    /** HTTP status code. */
    readonly code: number,
    /** `Status.reason` (NotFound, Invalid, BadRequest, …). */
    readonly reason: string,
    /** The API server's message, verbatim. */
    readonly serverMessage: string,
  ) {
    super(`${request}: ${code} ${reason}: ${serverMessage}`);
  }
}

/** An API resource from discovery. */
export interface ApiResource {
  /** Plural resource name. */
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly groupVersion: string;
  readonly verbs: readonly string[];
}

interface DiscoveryList {
  groupVersion: string;
  resources: { name: string; kind: string; namespaced: boolean; verbs: string[] }[];
}

/** Options of {@link KubeClient.apply}. */
export interface ApplyOptions {
  /** Field manager name (default `mini-atlas-test`). */
  readonly fieldManager?: string;
  /** Take over conflicting fields (default true). */
  readonly force?: boolean;
  /** Server-side dry run (`dryRun=All`): admission and validation run, nothing is stored. */
  readonly dryRun?: boolean;
}

/** Sleeps `ms`. */
export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/**
 * Polls `probe` until it returns a value other than `undefined`, or fails after `timeoutMs` with `what` and
 * the last value `describe` gives (so a timeout says what state things were in).
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  { timeoutMs = 60_000, intervalMs = 250, describe }: { timeoutMs?: number; intervalMs?: number; describe?: () => Promise<string> } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
      lastError = undefined;
    } catch (e) {
      lastError = e;
    }
    await sleep(intervalMs);
  }
  const state = describe ? await describe().catch((e: unknown) => `(describe failed: ${String(e)})`) : '';
  const err = lastError instanceof Error ? ` last error: ${lastError.message}` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}.${err}${state ? `\n${state}` : ''}`);
}

/** A client for one identity. */
export class KubeClient {
  /** Every `Warning` header the API server returned, with the request that drew it. */
  readonly warnings: { readonly request: string; readonly warning: string }[] = [];
  private resources = new Map<string, ApiResource>();
  private discovered = false;

  constructor(private readonly creds: KubeCredentials) {}

  /** Raw request; returns the status and the parsed JSON body (or text). */
  async raw(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: unknown; headers: IncomingHttpHeaders }> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolveRes, reject) => {
      const req = request(`${this.creds.server}${path}`, {
        method,
        ca: this.creds.caPem,
        cert: this.creds.certPem,
        key: this.creds.keyPem,
        headers: {
          Accept: 'application/json',
          ...(payload !== undefined ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload) } : {}),
        },
        timeout: 30_000,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const warning = res.headers.warning;
          for (const w of (Array.isArray(warning) ? warning : warning ? [warning] : [])) {
            this.warnings.push({ request: `${method} ${path}`, warning: w.replace(/^299 - /, '').replace(/^"|"$/g, '') });
          }
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // Not JSON (e.g. /readyz): keep the text.
          }
          resolveRes({ status: res.statusCode ?? 0, body: parsed, headers: res.headers });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timeout`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  private async call<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const res = await this.raw(method, path, body, contentType);
    if (res.status >= 200 && res.status < 300) return res.body as T;
    const status = (res.body ?? {}) as { reason?: string; message?: string };
    throw new KubeApiError(`${method} ${path}`, res.status, status.reason ?? 'Unknown', status.message ?? String(res.body));
  }

  /** Re-reads discovery (after CRDs were added or removed). */
  async refreshDiscovery(): Promise<void> {
    const map = new Map<string, ApiResource>();
    const add = (list: DiscoveryList): void => {
      for (const r of list.resources) {
        if (r.name.includes('/')) continue; // subresources
        map.set(`${list.groupVersion}/${r.kind}`, { ...r, groupVersion: list.groupVersion });
      }
    };
    add(await this.call<DiscoveryList>('GET', '/api/v1'));
    const groups = await this.call<{ groups: { versions: { groupVersion: string }[] }[] }>('GET', '/apis');
    const versions = groups.groups.flatMap((g) => g.versions.map((v) => v.groupVersion));
    const lists = await Promise.all(versions.map((gv) => this.call<DiscoveryList>('GET', `/apis/${gv}`).catch(() => undefined)));
    for (const l of lists) if (l) add(l);
    this.resources = map;
    this.discovered = true;
  }

  /** The API resource serving `apiVersion`/`kind`, or undefined when it is not served. */
  async resourceFor(apiVersion: string, kind: string, refresh = false): Promise<ApiResource | undefined> {
    if (!this.discovered || refresh) await this.refreshDiscovery();
    let found = this.resources.get(`${apiVersion}/${kind}`);
    if (!found && !refresh) {
      await this.refreshDiscovery();
      found = this.resources.get(`${apiVersion}/${kind}`);
    }
    return found;
  }

  /** The REST path of a collection (`name` omitted) or of one object. */
  async pathFor(apiVersion: string, kind: string, namespace?: string, name?: string): Promise<string> {
    const r = await this.resourceFor(apiVersion, kind);
    if (!r) throw new Error(`${apiVersion} ${kind} is not served by the API server`);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    if (r.namespaced && !namespace && name !== undefined) throw new Error(`${kind} ${name} is namespaced but has no namespace`);
    const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return `${base}${ns}/${r.name}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`;
  }

  /** True when the kind is namespaced. */
  async isNamespaced(apiVersion: string, kind: string): Promise<boolean> {
    const r = await this.resourceFor(apiVersion, kind);
    if (!r) throw new Error(`${apiVersion} ${kind} is not served by the API server`);
    return r.namespaced;
  }

  /** Server-side apply with `fieldValidation=Strict`: unknown or duplicate fields are errors. */
  async apply(obj: KubeObject, options: ApplyOptions = {}): Promise<KubeObject> {
    const name = obj.metadata.name;
    if (!name) throw new Error(`${obj.kind} without metadata.name cannot be applied`);
    const path = await this.pathFor(obj.apiVersion, obj.kind, obj.metadata.namespace, name);
    const query = new URLSearchParams({
      fieldManager: options.fieldManager ?? 'mini-atlas-test',
      fieldValidation: 'Strict',
      force: String(options.force ?? true),
      ...(options.dryRun ? { dryRun: 'All' } : {}),
    });
    return this.call<KubeObject>('PATCH', `${path}?${query.toString()}`, obj, 'application/apply-patch+yaml');
  }

  /** Merge-patches an object, or its `status` subresource (as the controller that owns the status would). */
  async mergePatch(apiVersion: string, kind: string, name: string, namespace: string | undefined, patch: unknown, subresource?: 'status'): Promise<KubeObject> {
    const path = await this.pathFor(apiVersion, kind, namespace, name);
    return this.call<KubeObject>('PATCH', `${path}${subresource ? `/${subresource}` : ''}?fieldValidation=Strict`, patch, 'application/merge-patch+json');
  }

  /** The object, or undefined when it does not exist. */
  async get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<KubeObject | undefined> {
    try {
      return await this.call<KubeObject>('GET', await this.pathFor(apiVersion, kind, namespace, name));
    } catch (e) {
      if (e instanceof KubeApiError && e.code === 404) return undefined;
      throw e;
    }
  }

  /** Lists objects (in one namespace, or across all), optionally by label selector. */
  async list(apiVersion: string, kind: string, namespace?: string, labelSelector?: string): Promise<KubeObject[]> {
    const path = await this.pathFor(apiVersion, kind, namespace);
    const q = labelSelector ? `?labelSelector=${encodeURIComponent(labelSelector)}` : '';
    const list = await this.call<{ items: KubeObject[] }>('GET', `${path}${q}`);
    // List items carry no apiVersion/kind; restore them for the caller.
    return list.items.map((i) => ({ ...i, apiVersion, kind }));
  }

  /** Deletes an object; returns false when it did not exist. */
  async delete(apiVersion: string, kind: string, name: string, namespace?: string, propagationPolicy?: 'Foreground' | 'Background' | 'Orphan'): Promise<boolean> {
    try {
      const body = propagationPolicy ? { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy } : undefined;
      await this.call('DELETE', await this.pathFor(apiVersion, kind, namespace, name), body);
      return true;
    } catch (e) {
      if (e instanceof KubeApiError && e.code === 404) return false;
      throw e;
    }
  }

  /** A namespace's pods (node, phase, container states) and its last 20 events, one line each, for failure messages. */
  async describeNamespace(namespace: string): Promise<string> {
    type Pod = KubeObject & { spec?: { nodeName?: string }; status?: { phase?: string; containerStatuses?: { state?: unknown }[] } };
    type Event = KubeObject & { involvedObject: { kind: string; name: string }; reason?: string; message?: string };
    const pods = (await this.list('v1', 'Pod', namespace)) as Pod[];
    const events = (await this.list('v1', 'Event', namespace)) as Event[];
    return [
      ...pods.map((p) => `pod ${p.metadata.name} on ${p.spec?.nodeName ?? '-'}: ${p.status?.phase} ${JSON.stringify(p.status?.containerStatuses?.map((c) => c.state) ?? [])}`),
      ...events.slice(-20).map((e) => `event ${e.involvedObject.kind}/${e.involvedObject.name} ${e.reason}: ${e.message}`),
    ].join('\n');
  }

  /** Creates a SelfSubjectAccessReview-free check: can this identity do `verb` on the path? */
  async can(verb: string, group: string, resource: string, namespace?: string): Promise<boolean> {
    const review = await this.call<{ status: { allowed: boolean } }>('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb, group, resource, ...(namespace ? { namespace } : {}) } },
    });
    return review.status.allowed;
  }
}
