/**
 * Reading kube-proxy's iptables rules (iptables mode): whether a Service is programmed so that a client
 * reaches a backend.
 */

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether kube-proxy has programmed a Service, from `iptables-save -t nat` and `iptables-save -t filter`: in
 * the nat table a `KUBE-SERVICES` rule for the Service's cluster IP jumps to a `KUBE-SVC-` chain and each such
 * chain jumps to at least one `KUBE-SEP-` endpoint chain, and the filter table holds no "has no endpoints"
 * REJECT for the Service. A ready EndpointSlice alone is not enough: until kube-proxy's next sync that REJECT
 * answers "connection refused". Rule comments are `<namespace>/<service>[:<port name>] cluster IP` and
 * `… has no endpoints` (kube-proxy pkg/proxy/iptables/proxier.go, `ServicePortName.String()`).
 */
export function serviceProgrammed(nat: string, filter: string, namespace: string, service: string): boolean {
  const name = escape(`${namespace}/${service}`);
  const clusterIp = new RegExp(`^-A KUBE-SERVICES .*--comment "?${name}(:[^ "]+)? cluster IP"? .*-j (KUBE-SVC-\\S+)`);
  const natLines = nat.split('\n');
  const chains = natLines.map((l) => clusterIp.exec(l)?.[2]).filter((c): c is string => c !== undefined);
  const noEndpoints = new RegExp(`--comment "${name}(:[^ "]+)? has no endpoints"`);
  return chains.length > 0
    && chains.every((c) => natLines.some((l) => l.startsWith(`-A ${c} `) && / -j KUBE-SEP-\S+/.test(l)))
    && !filter.split('\n').some((l) => noEndpoints.test(l));
}

/** The rules of one Service in both tables, for an error message. */
export function serviceRules(nat: string, filter: string, namespace: string, service: string): string[] {
  const name = `${namespace}/${service}`;
  return [...nat.split('\n'), ...filter.split('\n')].filter((l) => l.includes(`"${name} `) || l.includes(`"${name}:`));
}
