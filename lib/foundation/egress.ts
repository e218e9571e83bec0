/**
 * Egress by name: external host names (and ports) a workspace or one application may reach through the
 * workspace's default-deny isolation. One field declaration ({@link EGRESS_FIELD}, in the Workspace and
 * WebApplication schemas), one rule for host names ({@link egressHostProblem}) and one policy
 * ({@link egressPolicyResource}) serve both.
 *
 * Cilium enforces it with an FQDN policy: `toFQDNs` allows connections to the IPs that the names resolved to,
 * which Cilium learns from its DNS proxy (it runs inside the agent, not in Envoy). The proxy sees only lookups
 * that an L7 DNS rule on port 53 selects, so the policy also carries a DNS rule naming the same hosts: without
 * it the names never resolve through the proxy and `toFQDNs` matches nothing (docs.cilium.io, "Layer 7 / DNS
 * based" and "DNS Proxy"; cilium pkg/fqdn doc.go: the proxy "populates the lookup cache with IPs from allowed
 * DNS lookups"). Policies add up, so the workspace's own DNS rule (`**.cluster.local`) stays as it is.
 */
import { CiliumNetworkPolicy } from '../../imports/cilium.io';
import { cel } from '../shared/cel';
import { ListField } from '../shared/fields';
import { DNS_LABEL_MAX, DNS_LABEL_SOURCE, DNS_SUBDOMAIN_MAX } from '../shared/names';
import { GraphResource } from './resource-graph';

/** The most external hosts one workspace or application may list. */
export const MAX_EGRESS_HOSTS = 16;
/** The most ports one host may list. */
export const MAX_EGRESS_PORTS = 8;

/**
 * An external host name as Cilium's `matchPattern` reads it (cilium pkg/fqdn/matchpattern): a fully qualified
 * lowercase DNS name (RFC 1123 labels) whose last label is not all digits (an IP address is not a name), either
 * exact (a pattern without `*` matches only that name) or with one leading `*.` label, which matches exactly
 * one label in its place (`*.stripe.com` matches `api.stripe.com`, not `stripe.com` nor `a.b.stripe.com`).
 * Other wildcards are refused: a bare `*` would allow every name, a `*` inside a label is hard to read, and a
 * wildcard right above a top-level domain (`*.com`, at least two labels must follow `*.`) would allow a whole
 * registry.
 */
export const EGRESS_HOST_PATTERN = `^([*][.])?(${DNS_LABEL_SOURCE}[.])+[a-z]([-a-z0-9]*[a-z0-9])?$`;
const HOST = new RegExp(EGRESS_HOST_PATTERN);

/** The `egress` field of the Workspace and WebApplication schemas: a list of hosts, each with its TCP ports. */
export const EGRESS_FIELD = {
  type: 'list', default: [], maxItems: MAX_EGRESS_HOSTS,
  description: 'External host names (and TCP ports) the pods may connect to; everything else outside the platform stays denied',
  items: {
    type: 'object', typeName: 'EgressHost', description: 'An external host name and the TCP ports allowed to it',
    fields: {
      host: {
        type: 'string', required: true, pattern: EGRESS_HOST_PATTERN, maxLength: DNS_SUBDOMAIN_MAX,
        patternHint: 'a lowercase DNS name such as api.stripe.com, or *.stripe.com for one label in its place',
        description: 'Host name, exact or with one leading *. label (Cilium matchPattern)',
      },
      ports: {
        type: 'list', required: true, minItems: 1, maxItems: MAX_EGRESS_PORTS,
        items: { type: 'integer', typeName: 'EgressPort', minimum: 1, maximum: 65535 },
        description: 'TCP ports allowed to the host, e.g. [443]',
      },
    },
  },
} as const satisfies ListField;

/**
 * Why `host`, which matches {@link EGRESS_HOST_PATTERN} (the schema checks that, here and in the API server),
 * still cannot be an egress host, or undefined: the limit the pattern does not state, labels of at most 63
 * characters (RFC 1123; the schema's maxLength bounds the whole name at 253). A host that does not match the
 * pattern is left to the schema's message.
 */
export function egressHostProblem(host: string): string | undefined {
  if (!HOST.test(host)) return undefined;
  if (host.length > DNS_SUBDOMAIN_MAX) return `is ${host.length} characters long; the limit is ${DNS_SUBDOMAIN_MAX}`;
  const long = host.split('.').find((l) => l.length > DNS_LABEL_MAX);
  if (long) return `has the label "${long}" longer than ${DNS_LABEL_MAX} characters`;
  return undefined;
}

/** Cilium's label for a pod's namespace, usable in endpoint selectors. */
export const POD_NAMESPACE = 'k8s:io.kubernetes.pod.namespace';
/** Cilium's labels of the cluster DNS pods (kube-dns), usable in endpoint selectors. */
export const KUBE_DNS_SELECTOR = { [POD_NAMESPACE]: 'kube-system', 'k8s:k8s-app': 'kube-dns' } as const;

/**
 * CEL of the policy's egress rules for the list `listExpr` of `{host, ports}`: one DNS rule on port 53 to
 * kube-dns naming every host (so the DNS proxy sees and allows the lookups), then one `toFQDNs` rule per host
 * with its TCP ports. `matchPattern` for every host: without `*` it matches the name exactly.
 */
export function egressRulesExpression(listExpr: string): string {
  const labels = Object.entries(KUBE_DNS_SELECTOR).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ');
  const dns = `{"toEndpoints": [{"matchLabels": {${labels}}}], `
    + `"toPorts": [{"ports": [{"port": "53", "protocol": "UDP"}, {"port": "53", "protocol": "TCP"}], "rules": {"dns": ${listExpr}.map(e, {"matchPattern": e.host})}}]}`;
  const fqdn = `${listExpr}.map(e, {"toFQDNs": [{"matchPattern": e.host}], "toPorts": [{"ports": e.ports.map(p, {"port": string(p), "protocol": "TCP"})}]})`;
  return `[${dns}] + ${fqdn}`;
}

/**
 * The RGD resource `egress`: a CiliumNetworkPolicy `name` selecting `endpointSelector` (every pod of the
 * namespace for `{}`) that allows the hosts of `listExpr`, present only when the list is not empty.
 */
export function egressPolicyResource(props: {
  readonly name: string;
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly endpointSelector: { readonly matchLabels?: Readonly<Record<string, string>> };
  readonly listExpr: string;
  readonly description: string;
}): GraphResource {
  const manifest = CiliumNetworkPolicy.manifest({
    metadata: { name: props.name, namespace: props.namespace, ...(props.labels ? { labels: { ...props.labels } } : {}) },
    spec: {
      description: props.description,
      endpointSelector: props.endpointSelector.matchLabels ? { matchLabels: { ...props.endpointSelector.matchLabels } } : {},
    },
  }) as { spec: Record<string, unknown> };
  // The typed manifest() serializes `egress` as a list, so the one expression building it is put in after it.
  manifest.spec.egress = cel(egressRulesExpression(props.listExpr));
  return { id: 'egress', includeWhen: [cel(`size(${props.listExpr}) > 0`)], template: manifest };
}
