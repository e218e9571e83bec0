/** WebApplication: a Deployment, Service and HTTPRoute (an instance of the WebApplication RGD). */
import { Infrastructure, Topic, WebApplication, Workspace } from '../../../lib';
import { app, tenantIssues, workspaceIssues } from '../../helpers/issues';
import { renderConstruct, testWorkspace } from '../../helpers/construct';

test('defaults (required props only)', () => {
  expect(renderConstruct((scope) => { new WebApplication(testWorkspace(scope), 'web', app()); })).toMatchSnapshot();
});

test('all props', () => {
  expect(renderConstruct((scope) => {
    const ws = testWorkspace(scope);
    new WebApplication(ws, 'web', {
      name: 'team-a-shop', image: 'ghcr.io/acme/shop:2.1.0', hostname: 'shop.localtest.me', replicas: 3, port: 9898, healthPath: '/readyz',
      resources: { cpu: '500m', memory: '512Mi' }, database: new Infrastructure(ws, 'db'), topic: new Topic(ws, 'orders'),
    });
  }).filter((o) => o.kind === 'WebApplication')).toMatchSnapshot();
});

test('fails if the name exceeds 63 characters once prefixed', () => {
  const issues = tenantIssues((s) => new WebApplication(new Workspace(s, 'team-a', { team: 'a' }), 'x'.repeat(60), app()));
  expect(issues).toContainEqual(expect.objectContaining({
    path: `delivery/team/team-a/apps/${'x'.repeat(60)}`, field: 'name', rule: 'is 67 characters long; the limit is 63',
  }));
});

test('fails if two apps in a workspace have the same name', () => {
  const issues = workspaceIssues((ws) => {
    new WebApplication(ws, 'web', app());
    new WebApplication(ws, 'web', app('ghcr.io/acme/web:1.0.0', 'other.localtest.me'));
  });
  expect(issues).toContainEqual(expect.objectContaining({
    path: 'delivery/team/team-a/apps', field: 'name', value: '"web"', rule: 'is used by two WebApplications in delivery/team/team-a/apps',
  }));
});

test('fails if it and a cache would both create the same Deployment', () => {
  const issues = workspaceIssues((ws) => {
    new Infrastructure(ws, 'db');
    new WebApplication(ws, 'db-cache', app());
  });
  expect(issues).toContainEqual(expect.objectContaining({
    path: 'delivery/team/team-a/apps/db-cache', rule: 'would create Service team-a-db-cache, which delivery/team/team-a/infrastructure/db creates too',
  }));
});

test('fails if the hostname is already used by another app', () => {
  const issues = workspaceIssues((ws) => {
    new WebApplication(ws, 'one', app());
    new WebApplication(ws, 'two', app());
  });
  expect(issues).toContainEqual({
    path: 'delivery/team/team-a/apps/two', field: 'spec.hostname', value: '"web.localtest.me"',
    rule: 'is already routed to delivery/team/team-a/apps/one', fix: 'give every application its own host name',
  });
});

test.each([0, 11])('fails if replicas is %i', (replicas) => {
  expect(workspaceIssues((ws) => new WebApplication(ws, 'web', { ...app(), replicas }))).toContainEqual(expect.objectContaining({
    field: 'spec.replicas', value: String(replicas), rule: 'must be between 1 and 10',
  }));
});

test.each([
  ['ghcr.io/acme/web', 'has no tag; mutable references are not allowed'],
  ['ghcr.io/acme/web:latest', 'uses the mutable tag "latest"'],
])('fails if the image is %s', (image, rule) => {
  expect(workspaceIssues((ws) => new WebApplication(ws, 'web', app(image)))).toContainEqual(expect.objectContaining({
    field: 'spec.image', value: JSON.stringify(image), rule, fix: 'use a fully qualified image with a version tag, e.g. ghcr.io/acme/web:1.4.2',
  }));
});

test('images pinned by digest or with a registry port are fine', () => {
  expect(workspaceIssues((ws) => {
    new WebApplication(ws, 'a', app(`ghcr.io/acme/web@sha256:${'a'.repeat(64)}`, 'a.localtest.me'));
    new WebApplication(ws, 'b', app('registry.local:5000/acme/web:2', 'b.localtest.me'));
  })).toEqual([]);
});

test.each([['Web.Example.com', 'must be a lowercase DNS name such as "shop.localtest.me"'], ['localhost', 'must be fully qualified (contain a dot)']])(
  'fails if the hostname is %s', (hostname, rule) => {
    expect(workspaceIssues((ws) => new WebApplication(ws, 'web', app(undefined, hostname)))).toContainEqual(expect.objectContaining({ field: 'spec.hostname', rule }));
  });

test('fails if its database or topic belongs to another workspace', () => {
  const issues = tenantIssues((s) => {
    const a = new Workspace(s, 'team-a', { team: 'a' });
    const b = new Workspace(s, 'team-b', { team: 'b' });
    new WebApplication(a, 'web', { ...app(), database: new Infrastructure(b, 'db') });
  });
  expect(issues).toContainEqual(expect.objectContaining({
    field: 'database', rule: 'belongs to workspace "team-b", not "team-a"',
  }));
});

describe('unsafe requests are not expressible, and rejected when forced past the types', () => {
  test.each([
    ['privileged', true],
    ['hostPath', '/var/run/docker.sock'],
    ['hostNetwork', true],
    ['namespace', 'kube-system'],
  ])('fails if given %s', (field, value) => {
    const issues = workspaceIssues((ws) => new WebApplication(ws, 'web', { ...app(), [field]: value } as never));
    expect(issues).toContainEqual({
      path: 'delivery/team/team-a/apps/web', field: `spec.${field}`, value: JSON.stringify(value),
      rule: 'is not a known field (known: image, replicas, hostname, port, healthPath, resources, database, topic, egress)',
    });
  });
});
