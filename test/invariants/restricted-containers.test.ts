/** Secure by default: the containers and workspaces the platform creates are restricted and bounded. */
import { Json, render, rgdResources } from '../helpers/platform';

const files = render();

describe('containers the platform creates are restricted', () => {
  /** The pod specs of an RGD's pod-running resources (Deployments, Jobs, CronJobs), by id. */
  const podSpecs = (kind: string): Record<string, Json> => Object.fromEntries(Object.entries(rgdResources(files, kind))
    .filter(([, r]) => ['Deployment', 'Job', 'CronJob'].includes(r.template?.kind))
    .map(([id, r]) => [id, r.template.kind === 'CronJob' ? r.template.spec.jobTemplate.spec.template.spec : r.template.spec.template.spec]));

  test.each([
    ['WebApplication', ['deployment', 'autoscaledDeployment'], 'app'],
    ['Workload', ['worker', 'job', 'cron'], 'app'],
    ['Infrastructure', ['cache'], 'valkey'],
  ])('%s pods (%j, container %s): non-root, no escalation, no capabilities, RuntimeDefault, read-only root, requests and limits', (kind, ids, container) => {
    const found = podSpecs(kind);
    expect(Object.keys(found)).toEqual(ids);
    for (const pod of Object.values(found)) {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.containers.map((c: Json) => c.name)).toEqual([container]);
      const [c] = pod.containers;
      expect(c.securityContext).toEqual(expect.objectContaining({
        runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] },
      }));
      expect(Object.keys(c.resources.requests).sort()).toEqual(['cpu', 'memory']);
      expect(Object.keys(c.resources.limits).sort()).toEqual(['cpu', 'memory']);
    }
  });

  test('every workspace gets a ResourceQuota and a LimitRange', () => {
    const ws = rgdResources(files, 'Workspace');
    expect(ws.quota.template.spec.hard).toEqual(expect.objectContaining({ 'limits.cpu': '${schema.spec.quota.cpu}', pods: '${string(schema.spec.quota.pods)}' }));
    expect(ws.limits.template.spec.limits[0].type).toBe('Container');
  });
});
