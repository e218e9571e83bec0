/** WorkloadDefinition: the Workload RGD (a worker Deployment, a Job or a CronJob; issue 18). */
import { WorkloadDefinition } from '../../../../lib/foundation/workload/definition';
import { WebApplicationDefinition } from '../../../../lib/foundation/web-application/definition';
import { graphResources, renderConstruct, testWiring } from '../../../helpers/construct';
import { evaluateTemplate } from '../../../helpers/kro-readiness';

const objects = renderConstruct((scope) => { new WorkloadDefinition(scope.stage, 'workload', testWiring(scope)); });
const r = graphResources(objects);

test('defaults (the default shared services)', () => {
  expect(objects).toMatchSnapshot();
});

test('exactly one child per type: worker, job or cron; no Service, no route, no network policy letting anything in', () => {
  expect(Object.fromEntries(Object.entries(r).filter(([id]) => !['caches', 'databases'].includes(id)).map(([id, x]) => [id, [x.template.kind, x.includeWhen]]))).toEqual({
    worker: ['Deployment', ['${schema.spec.type == "worker"}']],
    job: ['Job', ['${schema.spec.type == "job"}']],
    cron: ['CronJob', ['${schema.spec.type == "cron"}']],
  });
});

test('the three run the same pod as a WebApplication, without its port and probes; Jobs never restart a container in place', () => {
  const web = graphResources(renderConstruct((scope) => { new WebApplicationDefinition(scope.stage, 'web-application', testWiring(scope)); }));
  const { containers: [webContainer], ...webPod } = web.deployment.template.spec.template.spec;
  const container = Object.fromEntries(Object.entries(webContainer).filter(([k]) => !['ports', 'readinessProbe', 'livenessProbe', 'env'].includes(k)));
  const worker = r.worker.template.spec.template.spec;
  const job = r.job.template.spec.template.spec;
  const cron = r.cron.template.spec.jobTemplate.spec.template.spec;
  expect(worker).toEqual({ ...webPod, containers: [{ ...container, env: worker.containers[0].env }] });
  expect(job).toEqual({ ...webPod, restartPolicy: 'Never', containers: [{ ...container, env: worker.containers[0].env }] });
  expect(cron).toEqual(job);
});

test('the environment has no PORT; a worker with a database gets the platform\'s variables (once its Cluster exists) and its own', () => {
  const env = r.worker.template.spec.template.spec.containers[0].env as string;
  const schema = {
    metadata: { name: 'team-a-indexer', namespace: 'team-a' },
    spec: { database: 'team-a-db', topic: '', env: [{ name: 'BATCH', value: '100' }], secretEnv: [], configMapEnv: [] },
  };
  const secret = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: 'team-a-db-app', key } } });
  expect(evaluateTemplate(env, { schema, caches: [], databases: [{ metadata: { name: 'team-a-db', namespace: 'team-a' } }] })).toEqual([
    { name: 'DATABASE_SECRET_NAME', value: 'team-a-db-app' },
    { name: 'DATABASE_HOST', value: 'team-a-db-rw.team-a.svc' },
    secret('DATABASE_PORT', 'port'), secret('DATABASE_NAME', 'dbname'), secret('DATABASE_USER', 'username'),
    secret('DATABASE_PASSWORD', 'password'), secret('DATABASE_URI', 'uri'),
    { name: 'BATCH', value: '100' },
  ]);
  // A cache-only Infrastructure (no Cluster): no DATABASE_* (the `<cluster>-app` Secret never exists).
  expect(evaluateTemplate(env, { schema, caches: [], databases: [] })).toEqual([{ name: 'BATCH', value: '100' }]);
});

test('the CronJob: schedule, concurrency, history, and labelled Jobs (the required-labels policy checks them)', () => {
  const spec = r.cron.template.spec;
  expect({ ...spec, jobTemplate: undefined }).toEqual({
    schedule: '${schema.spec.schedule}', concurrencyPolicy: '${schema.spec.concurrencyPolicy}',
    successfulJobsHistoryLimit: '${schema.spec.successfulJobsHistoryLimit}', failedJobsHistoryLimit: '${schema.spec.failedJobsHistoryLimit}',
    jobTemplate: undefined,
  });
  expect(spec.jobTemplate.metadata.labels).toEqual(r.cron.template.metadata.labels);
  expect(r.cron.template.metadata.labels).toEqual({
    'app.kubernetes.io/name': 'workload', 'app.kubernetes.io/instance': '${schema.metadata.name}',
    'platform.mini-atlas.io/workspace': '${schema.metadata.namespace}', 'app.kubernetes.io/managed-by': 'kro',
  });
  expect(spec.jobTemplate.spec.backoffLimit).toBe('${schema.spec.backoffLimit}');
  expect(r.job.template.spec.backoffLimit).toBe('${schema.spec.backoffLimit}');
  // A TTL would delete the finished Job and KRO would create it again: the job would run twice.
  expect(r.job.template.spec.ttlSecondsAfterFinished).toBeUndefined();
});
