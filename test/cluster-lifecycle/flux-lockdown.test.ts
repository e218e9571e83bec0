/** cluster:up's Flux multi-tenancy lockdown (issue 16): the controller arguments it sets. */
import { FLUX_LOCKDOWN, lockedArgs, managerArgs } from '../../tools/cluster/src/flux-lockdown';

test('the flags per controller: kustomize-controller applies as flux-system/default unless told otherwise; no cross-namespace references', () => {
  expect(FLUX_LOCKDOWN).toEqual({
    'kustomize-controller': { '--default-service-account': 'default', '--no-cross-namespace-refs': 'true', '--no-remote-bases': 'true' },
    'helm-controller': { '--no-cross-namespace-refs': 'true' },
    'notification-controller': { '--no-cross-namespace-refs': 'true' },
  });
});

test('lockedArgs appends missing flags and keeps the others in order', () => {
  expect(lockedArgs(['--watch-all-namespaces=true', '--log-level=info'], FLUX_LOCKDOWN['kustomize-controller'])).toEqual([
    '--watch-all-namespaces=true', '--log-level=info',
    '--default-service-account=default', '--no-cross-namespace-refs=true', '--no-remote-bases=true',
  ]);
});

test('lockedArgs replaces a flag set otherwise (either form), once, in place; an already locked list is unchanged', () => {
  const flags = { '--default-service-account': 'default', '--no-cross-namespace-refs': 'true' };
  expect(lockedArgs(['--default-service-account', 'admin', '--a=1', '--no-cross-namespace-refs=false', '--default-service-account=x'], flags))
    .toEqual(['--default-service-account=default', '--a=1', '--no-cross-namespace-refs=true']);
  const locked = ['--a=1', '--default-service-account=default', '--no-cross-namespace-refs=true'];
  expect(lockedArgs(locked, flags)).toEqual(locked);
});

test('managerArgs finds the "manager" container; a Deployment without one is refused', () => {
  const dep = { spec: { template: { spec: { containers: [{ name: 'sidecar', args: ['--x'] }, { name: 'manager', args: ['--y', 3] }] } } } };
  expect(managerArgs(dep, 'kustomize-controller')).toEqual({ index: 1, args: ['--y'] });
  expect(() => managerArgs({ spec: {} }, 'helm-controller'))
    .toThrow('Deployment flux-system/helm-controller has no container "manager" (the name `flux install` gives each controller)');
});
