/**
 * Waits for the Flux Kustomizations layer by layer (in `dependsOn` order) until each is Ready, showing which
 * layer is being waited for and why it is not Ready yet. Fails at the overall deadline, or at once when Flux
 * reports a Kustomization as stalled or suspended, with a diagnosis.
 */
import { ClusterError, InterruptedError } from './cluster-error';
import { diagnose } from './diagnosis';
import { formatDuration } from './duration';
import { FluxLayer, layerLabel } from './flux-layers';
import { KubeClient, RESOURCES } from './kube-client';
import { KubeObject } from './kube-object';
import { Progress } from './progress';
import { readinessOf } from './readiness';

/** Timing of {@link waitForLayers}. */
export interface WaitTiming {
  /** Epoch milliseconds after which waiting fails. */
  readonly deadline: number;
  /** Poll interval. */
  readonly pollMs: number;
  readonly now: () => number;
  /** Sleeps; rejects with {@link InterruptedError} when aborted. */
  readonly sleep: (ms: number) => Promise<void>;
}

/** An abortable sleep. */
export function abortableSleep(signal: AbortSignal | undefined): (ms: number) => Promise<void> {
  return (ms) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new InterruptedError('SIGINT'));
        return;
      }
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(t);
        reject(new InterruptedError('SIGINT'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
}

function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? 'flux-system'}/${o.metadata.name}`;
}

/** Waits for every layer in order. Resolves when all are Ready; throws a {@link ClusterError} otherwise. */
export async function waitForLayers(kube: KubeClient, layers: readonly FluxLayer[], progress: Progress, timing: WaitTiming): Promise<void> {
  const total = layers.length;
  for (const layer of layers) {
    const label = `layer ${layer.index}/${total}: ${layerLabel(layer)}`;
    progress.start(`Waiting for ${label}`);
    for (;;) {
      const listed = await kube.list(RESOURCES.kustomizations);
      if (listed === undefined) {
        progress.fail();
        throw new ClusterError('Flux Kustomizations are not served by the cluster (Flux is not installed)', 're-run `npm run cluster:up`; it installs Flux');
      }
      const byKey = new Map(listed.map((o) => [keyOf(o), o]));
      const pending: string[] = [];
      const notReady: KubeObject[] = [];
      const failed: KubeObject[] = [];
      for (const k of layer.kustomizations) {
        const o = byKey.get(k.key);
        if (!o) {
          pending.push(`${k.name}: not applied yet`);
          continue;
        }
        const r = readinessOf(o);
        if (r.ready) continue;
        notReady.push(o);
        if (r.failed) failed.push(o);
        pending.push(`${k.name}: ${r.reason}${r.message ? ` — ${r.message.split('\n')[0]}` : ''}`);
      }
      if (pending.length === 0) {
        progress.succeed(`Ready: ${label}`);
        break;
      }
      if (failed.length > 0 || timing.now() >= timing.deadline) {
        const spent = progress.elapsed;
        progress.fail(`Not Ready: ${label}`);
        const why = failed.length > 0
          ? `Flux gave up on ${failed.map((o) => o.metadata.name).join(', ')} (${readinessOf(failed[0]).reason})`
          : `still not Ready when the timeout ran out (${formatDuration(spent)} on this layer)`;
        throw new ClusterError(`${label} — ${why}`, 'fix the cause shown above (push the fix if it is in dist/), then re-run `npm run cluster:up`: it resumes where it stopped (raise --timeout for slow machines)', {
          details: [`Waiting for: ${pending.join('; ')}`, ...(await diagnose(kube, notReady))],
        });
      }
      progress.update(pending.join('; '));
      await timing.sleep(Math.min(timing.pollMs, Math.max(0, timing.deadline - timing.now())));
    }
  }
}
