/** Workload: a worker, a Job or a CronJob (an instance of the Workload RGD; issue 18). */
import { Infrastructure, Workload, Workspace } from '../../../lib';
import { tenantIssues, workspaceIssues } from '../../helpers/issues';
import { renderConstruct, testWorkspace } from '../../helpers/construct';

const IMAGE = 'ghcr.io/acme/indexer:1.0.0';
const PATH = 'delivery/team/team-a/workloads';

test('a worker, a job and a cron as instances: only what was given, names prefixed', () => {
  const objects = renderConstruct((scope) => {
    const ws = testWorkspace(scope);
    const db = new Infrastructure(ws, 'db');
    new Workload(ws, 'indexer', { type: 'worker', image: IMAGE, replicas: 2, database: db, env: [{ name: 'BATCH', value: '100' }] });
    new Workload(ws, 'migrate', { type: 'job', image: IMAGE, args: ['migrate'], database: db, backoffLimit: 0 });
    new Workload(ws, 'nightly', { type: 'cron', image: IMAGE, schedule: '0 3 * * *', concurrencyPolicy: 'Replace' });
  }).filter((o) => o.kind === 'Workload');
  expect(objects.map((o) => [o.metadata.name, o.metadata.namespace, o.spec])).toEqual([
    ['team-a-indexer', 'team-a', { type: 'worker', image: IMAGE, replicas: 2, env: [{ name: 'BATCH', value: '100' }], database: 'team-a-db' }],
    ['team-a-migrate', 'team-a', { type: 'job', image: IMAGE, args: ['migrate'], backoffLimit: 0, database: 'team-a-db' }],
    ['team-a-nightly', 'team-a', { type: 'cron', image: IMAGE, schedule: '0 3 * * *', concurrencyPolicy: 'Replace' }],
  ]);
});

test('a cron needs a schedule', () => {
  expect(workspaceIssues((ws) => new Workload(ws, 'nightly', { type: 'cron', image: IMAGE }))).toEqual([{
    path: `${PATH}/nightly`, field: 'spec.schedule', value: '""', rule: 'is required for type cron', fix: 'set a schedule such as "0 3 * * *" (daily at 03:00 UTC)',
  }]);
});

test.each([
  ['0 3 * *', 'must match a five-field cron schedule such as "0 3 * * *", or @hourly, @daily, @weekly, @monthly, @yearly (no TZ=)'],
  ['TZ=Europe/Paris 0 3 * * *', 'must match a five-field cron schedule such as "0 3 * * *", or @hourly, @daily, @weekly, @monthly, @yearly (no TZ=)'],
  ['@every 5m', 'must match a five-field cron schedule such as "0 3 * * *", or @hourly, @daily, @weekly, @monthly, @yearly (no TZ=)'],
])('the schedule %j is refused', (schedule, rule) => {
  expect(workspaceIssues((ws) => new Workload(ws, 'nightly', { type: 'cron', image: IMAGE, schedule }))).toEqual([
    { path: `${PATH}/nightly`, field: 'spec.schedule', value: JSON.stringify(schedule), rule },
  ]);
});

test('fields of another type are refused, naming the types that use them', () => {
  expect(workspaceIssues((ws) => {
    new Workload(ws, 'migrate', { type: 'job', image: IMAGE, replicas: 2, schedule: '@daily', successfulJobsHistoryLimit: 1 });
    new Workload(ws, 'indexer', { type: 'worker', image: IMAGE, backoffLimit: 2, concurrencyPolicy: 'Allow', failedJobsHistoryLimit: 2 });
  })).toEqual([
    { path: `${PATH}/migrate`, field: 'spec.replicas', value: '2', rule: 'is only used by type worker, not job', fix: 'remove replicas' },
    { path: `${PATH}/migrate`, field: 'spec.schedule', value: '"@daily"', rule: 'is only used by type cron, not job', fix: 'remove schedule' },
    { path: `${PATH}/migrate`, field: 'spec.successfulJobsHistoryLimit', value: '1', rule: 'is only used by type cron, not job', fix: 'remove successfulJobsHistoryLimit' },
    { path: `${PATH}/indexer`, field: 'spec.concurrencyPolicy', value: '"Allow"', rule: 'is only used by type cron, not worker', fix: 'remove concurrencyPolicy' },
    { path: `${PATH}/indexer`, field: 'spec.failedJobsHistoryLimit', value: '2', rule: 'is only used by type cron, not worker', fix: 'remove failedJobsHistoryLimit' },
    { path: `${PATH}/indexer`, field: 'spec.backoffLimit', value: '2', rule: 'is only used by type job and cron, not worker', fix: 'remove backoffLimit' },
  ]);
});

test('a type outside worker, job, cron is refused', () => {
  expect(workspaceIssues((ws) => new Workload(ws, 'x', { type: 'daemon' as never, image: IMAGE }))).toEqual([
    { path: `${PATH}/x`, field: 'spec.type', value: '"daemon"', rule: 'must be one of worker, job, cron' },
  ]);
});

test('a cron name over 52 characters is refused (its Jobs add 11); a worker of the same name is fine', () => {
  const id = 'x'.repeat(46); // team-a- + 46 = 53
  expect(workspaceIssues((ws) => new Workload(ws, id, { type: 'cron', image: IMAGE, schedule: '@daily' }))).toEqual([{
    path: `${PATH}/${id}`, field: 'name', value: JSON.stringify(`team-a-${id}`), rule: 'is 53 characters long; the limit is 52',
    fix: 'use a shorter lowercase name of letters, digits and "-"',
  }]);
  expect(workspaceIssues((ws) => new Workload(ws, id, { type: 'worker', image: IMAGE }))).toEqual([]);
});

test('the container rules are the WebApplication\'s: pinned image, env names, the platform\'s names, own workspace', () => {
  expect(tenantIssues((s) => {
    const a = new Workspace(s, 'team-a', { team: 'a' });
    const b = new Workspace(s, 'team-b', { team: 'b' });
    new Workload(a, 'w', { type: 'worker', image: 'ghcr.io/acme/w:latest', env: [{ name: 'KAFKA_TOPIC', value: 'x' }], database: new Infrastructure(b, 'db') });
  }).filter((i) => i.path === `${PATH}/w`)).toEqual([
    { path: `${PATH}/w`, field: 'spec.image', value: '"ghcr.io/acme/w:latest"', rule: 'uses the mutable tag "latest"', fix: 'use a fully qualified image with a version tag, e.g. ghcr.io/acme/web:1.4.2' },
    {
      path: `${PATH}/w`, field: 'spec.env[0].name', value: '"KAFKA_TOPIC"', rule: 'is set by the platform (PORT, DATABASE_*, CACHE_*, KAFKA_*)',
      fix: 'choose another name; the platform\'s connection details arrive under these names',
    },
    { path: `${PATH}/w`, field: 'database', value: '"delivery/team/team-b/infrastructure/db"', rule: 'belongs to workspace "team-b", not "team-a"', fix: 'connect apps only to infrastructure and topics of their own workspace' },
  ]);
});

test('the quota counts a worker\'s replicas, one pod for a job, two for a cron that may overlap', () => {
  const issues = tenantIssues((s) => {
    const ws = new Workspace(s, 'team-a', { team: 'a', quota: { pods: 1 } });
    new Workload(ws, 'w', { type: 'worker', image: IMAGE, replicas: 3 });
    new Workload(ws, 'j', { type: 'job', image: IMAGE });
    new Workload(ws, 'c', { type: 'cron', image: IMAGE, schedule: '@daily', concurrencyPolicy: 'Allow' });
    new Workload(ws, 'f', { type: 'cron', image: IMAGE, schedule: '@daily' });
  });
  expect(issues).toContainEqual(expect.objectContaining({
    field: 'spec.quota.pods', value: '1',
    rule: 'is less than the 7 pods the workspace\'s instances create (team-a-w 3, team-a-j 1, team-a-c 2, team-a-f 1): the ResourceQuota would refuse the pods beyond it',
  }));
});
