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

test.each([-1, 11])('fails if replicas is %i', (replicas) => {
  expect(workspaceIssues((ws) => new WebApplication(ws, 'web', { ...app(), replicas }))).toContainEqual(expect.objectContaining({
    field: 'spec.replicas', value: String(replicas), rule: 'must be between 0 and 10',
  }));
});

test('replicas 0 (paused) is valid', () => {
  expect(workspaceIssues((w) => new WebApplication(w, 'web', { ...app(), replicas: 0 }))).toEqual([]);
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
      rule: 'is not a known field (known: image, replicas, hostname, port, healthPath, readinessPath, livenessPath, autoscaling, command, args, env, secretEnv, configMapEnv, resources, database, topic, egress)',
    });
  });
});

describe('configuration: env, secretEnv, configMapEnv, command and args (issue 18)', () => {
  const PATH = 'delivery/team/team-a/apps/web';
  const ENV_HINT = 'must match an environment variable name: letters, digits, "_", "-" and ".", not starting with a digit (Kubernetes IsEnvVarName)';
  const KEY_HINT = 'must match a ConfigMap or Secret key: letters, digits, "-", "_" and "." (Kubernetes IsConfigMapKey)';

  test('valid names and keys pass, and the instance carries the lists as given', () => {
    const objects = renderConstruct((scope) => {
      new WebApplication(testWorkspace(scope), 'web', {
        ...app(), command: ['/app/server'], args: ['--verbose'],
        env: [{ name: 'LOG_LEVEL', value: 'info' }, { name: 'my.env-name', value: '' }],
        secretEnv: [{ name: 'PAYMENT_KEY', secret: 'payments-provider', key: 'api-key' }],
        configMapEnv: [{ name: 'FLAGS', configMap: 'flags.v2', key: '.flags.json' }],
      });
    });
    expect(objects.find((o) => o.kind === 'WebApplication')!.spec).toEqual({
      image: 'ghcr.io/acme/web:1.0.0', hostname: 'web.localtest.me', command: ['/app/server'], args: ['--verbose'],
      env: [{ name: 'LOG_LEVEL', value: 'info' }, { name: 'my.env-name', value: '' }],
      secretEnv: [{ name: 'PAYMENT_KEY', secret: 'payments-provider', key: 'api-key' }],
      configMapEnv: [{ name: 'FLAGS', configMap: 'flags.v2', key: '.flags.json' }],
    });
  });

  test.each([
    ['1ST', ENV_HINT], ['.', ENV_HINT], ['..', ENV_HINT], ['..X', ENV_HINT], ['A=B', ENV_HINT], ['', ENV_HINT],
  ])('an env name %j is refused as Kubernetes refuses it', (name, rule) => {
    expect(workspaceIssues((ws) => new WebApplication(ws, 'web', { ...app(), env: [{ name, value: 'x' }] }))).toEqual([
      { path: PATH, field: 'spec.env[0].name', value: JSON.stringify(name), rule },
    ]);
  });

  test('a Secret name that is not a DNS-1123 subdomain, and a key with a "/", are refused', () => {
    expect(workspaceIssues((ws) => new WebApplication(ws, 'web', { ...app(), secretEnv: [{ name: 'KEY', secret: 'Payments_Provider', key: 'api/key' }] }))).toEqual([
      { path: PATH, field: 'spec.secretEnv[0].secret', value: '"Payments_Provider"', rule: 'must match a Secret name (DNS-1123 subdomain)' },
      { path: PATH, field: 'spec.secretEnv[0].key', value: '"api/key"', rule: KEY_HINT },
    ]);
  });

  test('a ConfigMap key ".." and one of 254 characters are refused', () => {
    expect(workspaceIssues((ws) => new WebApplication(ws, 'web', {
      ...app(), configMapEnv: [{ name: 'A', configMap: 'flags', key: '..' }, { name: 'B', configMap: 'flags', key: 'k'.repeat(254) }],
    }))).toEqual([
      { path: PATH, field: 'spec.configMapEnv[0].key', value: '".."', rule: KEY_HINT },
      { path: PATH, field: 'spec.configMapEnv[1].key', value: JSON.stringify('k'.repeat(254)), rule: 'must be at most 253 characters long' },
    ]);
  });

  test('names the platform sets, and a name set twice across the lists, are refused', () => {
    expect(workspaceIssues((ws) => new WebApplication(ws, 'web', {
      ...app(),
      env: [{ name: 'PORT', value: '9000' }, { name: 'TOKEN', value: 'x' }, { name: 'DATABASE_URL', value: 'y' }],
      secretEnv: [{ name: 'TOKEN', secret: 'api', key: 'token' }],
      configMapEnv: [{ name: 'KAFKA_GROUP', configMap: 'cfg', key: 'group' }],
    }))).toEqual([
      {
        path: PATH, field: 'spec.env[0].name', value: '"PORT"', rule: 'is set by the platform (PORT, DATABASE_*, CACHE_*, KAFKA_*)',
        fix: 'choose another name; the platform\'s connection details arrive under these names',
      },
      {
        path: PATH, field: 'spec.env[2].name', value: '"DATABASE_URL"', rule: 'is set by the platform (PORT, DATABASE_*, CACHE_*, KAFKA_*)',
        fix: 'choose another name; the platform\'s connection details arrive under these names',
      },
      {
        path: PATH, field: 'spec.secretEnv[0].name', value: '"TOKEN"', rule: 'is already set by env[1].name: Kubernetes keeps only the last of two variables of one name',
        fix: 'set each variable once',
      },
      {
        path: PATH, field: 'spec.configMapEnv[0].name', value: '"KAFKA_GROUP"', rule: 'is set by the platform (PORT, DATABASE_*, CACHE_*, KAFKA_*)',
        fix: 'choose another name; the platform\'s connection details arrive under these names',
      },
    ]);
  });

  test('at most 64 variables and 32 arguments', () => {
    expect(workspaceIssues((ws) => new WebApplication(ws, 'web', {
      ...app(), env: Array.from({ length: 65 }, (_, i) => ({ name: `V${i}`, value: '' })), args: Array.from({ length: 33 }, () => 'x'),
    })).map((i) => [i.field, i.rule])).toEqual([
      ['spec.args', 'must have at most 32 items, has 33'],
      ['spec.env', 'must have at most 64 items, has 65'],
    ]);
  });
});

describe('probes, scaling and pausing (issue 18)', () => {
  const PATH = 'delivery/team/team-a/apps/web';

  test('separate readiness and liveness paths must be absolute HTTP paths', () => {
    expect(workspaceIssues((ws) => new WebApplication(ws, 'web', { ...app(), readinessPath: 'readyz', livenessPath: '/healthz' }))).toEqual([
      { path: PATH, field: 'spec.readinessPath', value: '"readyz"', rule: 'must match an absolute HTTP path, or empty' },
    ]);
  });

  test('autoscaling: minReplicas above maxReplicas is refused', () => {
    expect(workspaceIssues((ws) => new WebApplication(ws, 'web', { ...app(), autoscaling: { enabled: true, minReplicas: 4, maxReplicas: 2 } }))).toEqual([{
      path: PATH, field: 'spec.autoscaling.minReplicas', value: '4',
      rule: 'is more than maxReplicas (2): the HorizontalPodAutoscaler would be refused', fix: 'set minReplicas to at most maxReplicas',
    }]);
  });

  test('autoscaling: replicas set beside it is refused (the autoscaler would ignore it)', () => {
    expect(workspaceIssues((ws) => new WebApplication(ws, 'web', { ...app(), replicas: 2, autoscaling: { enabled: true } }))).toEqual([{
      path: PATH, field: 'spec.replicas', value: '2',
      rule: 'is ignored while autoscaling is enabled: the HorizontalPodAutoscaler sets the replicas between minReplicas and maxReplicas',
      fix: 'remove replicas, or disable autoscaling',
    }]);
  });

  test.each([[0, 'must be between 1 and 10'], [11, 'must be between 1 and 10']])('autoscaling.maxReplicas %i is refused', (maxReplicas, rule) => {
    expect(workspaceIssues((ws) => new WebApplication(ws, 'web', { ...app(), autoscaling: { enabled: true, maxReplicas } })).map((i) => [i.field, i.value, i.rule]))
      .toContainEqual(['spec.autoscaling.maxReplicas', String(maxReplicas), rule]);
  });

  test('autoscaling.cpuUtilization below 10% is refused', () => {
    expect(workspaceIssues((ws) => new WebApplication(ws, 'web', { ...app(), autoscaling: { enabled: true, cpuUtilization: 5 } }))).toEqual([
      { path: PATH, field: 'spec.autoscaling.cpuUtilization', value: '5', rule: 'must be between 10 and 100' },
    ]);
  });

  test('the quota counts the autoscaler\'s maxReplicas, not replicas', () => {
    const issues = tenantIssues((s) => {
      const ws = new Workspace(s, 'team-a', { team: 'a', quota: { pods: 4 } });
      new WebApplication(ws, 'web', { ...app(), autoscaling: { enabled: true, maxReplicas: 5 } });
    });
    expect(issues).toContainEqual(expect.objectContaining({
      field: 'spec.quota.pods', value: '4',
      rule: 'is less than the 5 pods the workspace\'s instances create (team-a-web 5): the ResourceQuota would refuse the pods beyond it',
    }));
  });
});
