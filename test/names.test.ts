/** The naming and image rules shared by the library, the RGD schemas and the docs. */
import { hostnameProblem, imageProblem, PINNED_IMAGE_PATTERN } from '../lib';

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
])('the RGD image pattern and the library agree on %s (pinned: %s)', (image, pinned) => {
  expect(new RegExp(PINNED_IMAGE_PATTERN).test(image)).toBe(pinned);
  expect(imageProblem(image) === undefined).toBe(pinned);
});

test('the image pattern has no backslash or quote (it goes into a SimpleSchema marker)', () => {
  expect(PINNED_IMAGE_PATTERN).not.toMatch(/[\\"]/);
});

test.each([['a.localtest.me', undefined], ['x', 'must be fully qualified (contain a dot)'], [`${'a'.repeat(64)}.me`, `has the label "${'a'.repeat(64)}" longer than 63 characters`]])(
  'hostname %s', (host, problem) => expect(hostnameProblem(host)).toBe(problem));
