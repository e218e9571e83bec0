/**
 * Readiness of Flux, KRO and platform objects from their status: the `Ready` condition (current for the
 * object's generation), Flux's `Stalled` condition, and KRO's `status.state` where no condition exists.
 */
import { Condition, KubeObject } from './kube-object';

/** The readiness of one object. */
export interface Readiness {
  readonly ready: boolean;
  /** The controller gave up until something changes (Flux `Stalled=True`, KRO state `ERROR`/`FAILED`). */
  readonly failed: boolean;
  /** Short machine-readable reason (`ReconciliationSucceeded`, `Progressing`, `HealthCheckFailed`, …). */
  readonly reason: string;
  /** Human-readable message from the controller. */
  readonly message: string;
}

function condition(o: KubeObject, type: string): Condition | undefined {
  return o.status?.conditions?.find((c) => c.type === type);
}

/** Readiness of an object as its controller reports it. */
export function readinessOf(o: KubeObject): Readiness {
  if (o.spec?.suspend === true) {
    return { ready: false, failed: true, reason: 'Suspended', message: 'reconciliation is suspended (spec.suspend: true)' };
  }
  const generation = o.metadata.generation;
  const ready = condition(o, 'Ready');
  const stalled = condition(o, 'Stalled');
  const state = typeof o.status?.state === 'string' ? o.status.state : undefined;
  const observed = ready?.observedGeneration ?? o.status?.observedGeneration;
  if (ready && generation !== undefined && observed !== undefined && observed < generation) {
    return {
      ready: false,
      failed: false,
      reason: 'Progressing',
      message: `waiting for the controller to observe generation ${generation} (last observed ${observed})`,
    };
  }
  if (stalled?.status === 'True') {
    return { ready: false, failed: true, reason: stalled.reason ?? 'Stalled', message: stalled.message ?? ready?.message ?? '' };
  }
  if (ready) {
    return {
      ready: ready.status === 'True',
      failed: false,
      reason: ready.reason ?? (ready.status === 'True' ? 'Ready' : 'NotReady'),
      message: ready.message ?? '',
    };
  }
  if (state) {
    const s = state.toUpperCase();
    return {
      ready: s === 'ACTIVE',
      failed: s === 'ERROR' || s === 'FAILED',
      reason: state,
      message: '',
    };
  }
  return { ready: false, failed: false, reason: 'Pending', message: 'no status reported yet' };
}
