/** The naming and image rules shared by the library, the RGD schemas, the Kyverno policy, the CLI and the validator. */
import { DNS_LABEL, dnsLabelProblem, hostnameOwnershipProblem, hostnameProblem, ownedHostnamePattern, HOSTNAME_PATTERN, imagePinProblem, imageProblem, NAME_PATTERN, OPTIONAL_NAME_PATTERN, PINNED_IMAGE_PATTERN } from '../../../lib';
import { TAGGED_IMAGE_CEL_PATTERN } from '../../../lib/shared/names';
import { LATEST_TAG_CEL_PATTERN } from '../../../lib/shared/names';
import { CLUSTER_NAME_PATTERN } from '../../../tools/cluster/src/kind-config';

const digest = `sha256:${'a'.repeat(64)}`;

test.each([
  ['ghcr.io/a/b:1.0', true],
  ['ghcr.io/a/b:latest', false],
  ['ghcr.io/a/b', false],
  ['ghcr.io/a/b:lates', true],
  ['ghcr.io/a/b:latest1', true],
  ['ghcr.io/a/b:Latest', true],
  ['ghcr.io/a/b:xatest', true],
  ['ghcr.io/a/b:latesx', true],
  [`ghcr.io/a/b:latest@${digest}`, true],
  [`ghcr.io/a/b@${digest}`, true],
  ['localhost:5000/b:latest', false],
  ['localhost:5000/b:v2', true],
  ['docker.io/valkey/valkey:8.1.1', true],
])('the RGD image pattern, the library, the Kyverno policy and the validator agree on %s (pinned: %s)', (image, pinned) => {
  expect(new RegExp(PINNED_IMAGE_PATTERN).test(image)).toBe(pinned);
  expect(imageProblem(image) === undefined).toBe(pinned);
  expect(imagePinProblem(image) === undefined).toBe(pinned);
  // The Kyverno rule is stricter in one case: it refuses `:latest@sha256:…` although the digest pins it.
  // Aligning it changes the policy in dist/, so it is left for a change that may change dist/.
  const kyverno = new RegExp(TAGGED_IMAGE_CEL_PATTERN).test(image) && !new RegExp(LATEST_TAG_CEL_PATTERN).test(image);
  expect(kyverno).toBe(pinned && !image.includes(':latest@'));
});

test('the Kyverno policy keeps its patterns (dist/ holds them verbatim)', () => {
  expect(TAGGED_IMAGE_CEL_PATTERN).toBe('^([^/]+/)*[^/:@]+:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(@sha256:[a-f0-9]{64})?$|@sha256:[a-f0-9]{64}$');
  expect(LATEST_TAG_CEL_PATTERN).toBe(':latest(@|$)');
});

test.each(['a', 'a-1', 'team-a', '1a', 'A', '-a', 'a-', 'a.b', 'a_b', ''])('one DNS-1123 label rule: %j', (name) => {
  const valid = DNS_LABEL.test(name);
  expect(valid).toBe(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name));
  expect(new RegExp(NAME_PATTERN).test(name)).toBe(valid);
  expect(new RegExp(OPTIONAL_NAME_PATTERN).test(name)).toBe(valid || name === '');
  expect(CLUSTER_NAME_PATTERN.test(name)).toBe(valid);
  expect(dnsLabelProblem(name) === undefined).toBe(valid);
  // A host name is labels joined by dots, so `a.b` is no label but a fine first part of a host name.
  expect(new RegExp(HOSTNAME_PATTERN).test(`${name}.localtest.me`)).toBe(valid || name === 'a.b');
});

test('the image pattern has no backslash or quote (it goes into a SimpleSchema marker)', () => {
  expect(PINNED_IMAGE_PATTERN).not.toMatch(/[\\"]/);
});

test.each([['a.localtest.me', undefined], ['x', 'must be fully qualified (contain a dot)'], [`${'a'.repeat(64)}.me`, `has the label "${'a'.repeat(64)}" longer than 63 characters`]])(
  'hostname %s', (host, problem) => expect(hostnameProblem(host)).toBe(problem));

describe('host-name ownership', () => {
  test.each([
    ['team-a.localtest.me', 'team-a', 'localtest.me'],
    ['team-a-shop.localtest.me', 'team-a', 'localtest.me'],
    ['payments-api.apps.corp.example', 'payments', 'apps.corp.example'],
  ])('%s is owned by workspace %s under %s', (host, ws, domain) => {
    expect(hostnameOwnershipProblem(host, ws, domain)).toBeUndefined();
  });

  test.each([
    ['team-b.localtest.me', 'another workspace'],
    ['*.localtest.me', 'a wildcard'],
    ['api.team-a.localtest.me', 'a second label below the domain'],
    ['team-a.example.com', 'another domain'],
    ['team-a-.localtest.me', 'an empty name after the dash'],
    ['team-axlocaltest.me', 'a dot that is not escaped would let this through'],
  ])('%s is not owned by team-a (%s)', (host) => {
    expect(hostnameOwnershipProblem(host, 'team-a', 'localtest.me')).toEqual({
      rule: 'is not owned by workspace "team-a": host names on the shared Gateway belong to workspaces (the hostname-ownership policy refuses others)',
      fix: 'use team-a.localtest.me or team-a-<name>.localtest.me (no wildcards)',
    });
  });

  test('a made-up workspace under another domain: the rule says why, the fix names the host names it owns there', () => {
    expect(hostnameOwnershipProblem('checkout.apps.corp.example', 'payments', 'apps.corp.example')).toEqual({
      rule: 'is not owned by workspace "payments": host names on the shared Gateway belong to workspaces (the hostname-ownership policy refuses others)',
      fix: 'use payments.apps.corp.example or payments-<name>.apps.corp.example (no wildcards)',
    });
  });

  test('the pattern is one source for TypeScript and CEL', () => {
    expect(ownedHostnamePattern('team-a', 'localtest.me')).toBe('^team-a(-[a-z0-9]([-a-z0-9]*[a-z0-9])?)?[.]localtest[.]me$');
  });
});
