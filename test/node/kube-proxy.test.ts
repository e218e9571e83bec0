import { serviceProgrammed, serviceRules } from '../../tools/node/src/kube-proxy';

// iptables-save lines in the shape kube-proxy's iptables proxier writes them (pkg/proxy/iptables/proxier.go).
const SERVICES = '-A KUBE-SERVICES -d 10.96.118.158/32 -p tcp -m comment --comment "team-a/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-AAAA';
const MASQ = '-A KUBE-SVC-AAAA ! -s 10.244.0.0/16 -d 10.96.118.158/32 -p tcp -m comment --comment "team-a/web:http cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ';
const ENDPOINT = '-A KUBE-SVC-AAAA -m comment --comment "team-a/web:http -> 10.244.0.5:8080" -j KUBE-SEP-BBBB';
const REJECT = '-A KUBE-SERVICES -d 10.96.118.158/32 -p tcp -m comment --comment "team-a/web:http has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable';
const lines = (...l: string[]): string => ['*nat', ...l, 'COMMIT'].join('\n');

describe('serviceProgrammed: kube-proxy has programmed a Service with an endpoint', () => {
  test('a cluster IP rule whose chain jumps to an endpoint, and no REJECT: programmed', () => {
    expect(serviceProgrammed(lines(SERVICES, MASQ, ENDPOINT), lines(), 'team-a', 'web')).toBe(true);
  });

  test('an unnamed port ("<ns>/<svc> cluster IP") counts the same', () => {
    const unnamed = (l: string): string => l.replace('team-a/web:http', 'team-a/web');
    expect(serviceProgrammed(lines(unnamed(SERVICES), unnamed(ENDPOINT)), lines(), 'team-a', 'web')).toBe(true);
  });

  test('the "has no endpoints" REJECT still in the filter table: not programmed (connection refused)', () => {
    expect(serviceProgrammed(lines(SERVICES, MASQ, ENDPOINT), lines(REJECT), 'team-a', 'web')).toBe(false);
  });

  test('a service chain with no endpoint chain (only the masquerade mark): not programmed', () => {
    expect(serviceProgrammed(lines(SERVICES, MASQ), lines(), 'team-a', 'web')).toBe(false);
  });

  test('no rule for the Service: not programmed; a Service whose name only starts the same does not count', () => {
    expect(serviceProgrammed(lines(), lines(), 'team-a', 'web')).toBe(false);
    expect(serviceProgrammed(lines(SERVICES, ENDPOINT), lines(), 'team-a', 'we')).toBe(false);
  });

  test('serviceRules lists the Service\'s rules of both tables, nothing of another Service', () => {
    const other = SERVICES.replace('team-a/web:http', 'team-a/webhook:http');
    expect(serviceRules(lines(SERVICES, other, ENDPOINT), lines(REJECT), 'team-a', 'web')).toEqual([SERVICES, ENDPOINT, REJECT]);
  });
});
