/**
 * Every health check the platform registers, evaluated with the CEL library as Flux decides (generation
 * check, then inProgress → failed → current, else InProgress; an evaluation error is Unknown) against fixture
 * statuses: ready, not ready, ready for a stale generation, and no status yet; plus the evaluator's own order.
 */
import { buildPlatform } from '../../lib/build-platform';
import { addTeamA } from '../../teams/team-a';
import { groupKindOf, HealthCheckExpression } from '../../lib';
import { registeredHealthChecks } from '../../lib/gitops/health-checks';
import { evaluateFluxHealth, FluxHealthVerdict } from '../../tools/validate/src/flux-health-eval';
import { JsonObject } from '../../lib/shared/json';

const registered = new Map(registeredHealthChecks(buildPlatform({ teams: (d) => { addTeamA(d); } }).app)
  .map(({ check }) => [groupKindOf(check.apiVersion, check.kind), check]));

type Case = readonly [name: string, object: JsonObject, verdict: FluxHealthVerdict];

const CURRENT: FluxHealthVerdict = { status: 'Current', decidedBy: 'current' };
const FAILED: FluxHealthVerdict = { status: 'Failed', decidedBy: 'failed' };
const WAITING: FluxHealthVerdict = { status: 'InProgress', decidedBy: 'none' };
const STALE: FluxHealthVerdict = { status: 'InProgress', decidedBy: 'observedGeneration' };
/** No status yet: reading `status` is an error in cel-go, so kstatus says Unknown and Flux polls on. */
const NO_STATUS = (decidedBy: 'failed' | 'current'): FluxHealthVerdict => ({ status: 'Unknown', decidedBy, error: 'no such attribute: status' });

const meta = (generation: number): JsonObject => ({ name: 'x', namespace: 'ns', generation });
const cond = (type: string, status: string, extra: JsonObject = {}): JsonObject => ({ type, status, lastTransitionTime: '2026-08-01T00:00:00Z', ...extra });

/** KRO's built-in instance conditions, all stamped with `gen`. */
const kroConditions = (gen: number, ready: string, resources: string): JsonObject[] => [
  cond('InstanceManaged', 'True', { observedGeneration: gen, reason: 'Managed' }),
  cond('GraphResolved', 'True', { observedGeneration: gen, reason: 'Resolved' }),
  cond('ResourcesReady', resources, { observedGeneration: gen, reason: resources === 'True' ? 'AllResourcesReady' : 'NotReady' }),
  cond('Ready', ready, { observedGeneration: gen }),
];
const kroInstanceCases: readonly Case[] = [
  ['ready: ACTIVE, Ready for this generation', { metadata: meta(1), status: { state: 'ACTIVE', conditions: kroConditions(1, 'True', 'True') } }, CURRENT],
  ['not ready: IN_PROGRESS while a child is not ready', { metadata: meta(1), status: { state: 'IN_PROGRESS', conditions: kroConditions(1, 'False', 'False') } }, WAITING],
  ['an ERROR of this generation is retried by KRO: still in progress, the timeout decides', { metadata: meta(1), status: { state: 'ERROR', conditions: kroConditions(1, 'False', 'False') } }, WAITING],
  ['the legacy FAILED state: in progress, the timeout decides', { metadata: meta(1), status: { state: 'FAILED', conditions: kroConditions(1, 'False', 'False') } }, WAITING],
  ['ready for a stale generation', { metadata: meta(2), status: { state: 'ACTIVE', conditions: kroConditions(1, 'True', 'True') } }, WAITING],
  ['an ERROR of the previous generation is not this one\'s failure', { metadata: meta(2), status: { state: 'ERROR', conditions: kroConditions(1, 'False', 'False') } }, WAITING],
  ['no status yet', { metadata: meta(1) }, NO_STATUS('current')],
];

const rgdConditions = (gen: number, accepted: string, others: string, ready: string): JsonObject[] => [
  cond('GraphAccepted', accepted, { observedGeneration: gen, reason: accepted === 'True' ? 'Valid' : 'InvalidResourceGraph' }),
  cond('GraphRevisionsResolved', others, { observedGeneration: gen }),
  cond('KindReady', others, { observedGeneration: gen }),
  cond('ControllerReady', others, { observedGeneration: gen }),
  cond('Ready', ready, { observedGeneration: gen }),
];

const FIXTURES: Readonly<Record<string, readonly Case[]>> = {
  'kafka.strimzi.io/Kafka': [
    ['ready: Ready=True, status observed for this generation', { metadata: meta(3), status: { observedGeneration: 3, conditions: [cond('Ready', 'True')] } }, CURRENT],
    ['ready with a warning beside it', { metadata: meta(3), status: { observedGeneration: 3, conditions: [cond('Warning', 'True', { reason: 'KafkaStorage' }), cond('Ready', 'True')] } }, CURRENT],
    ['not ready: the reconciliation of this generation failed and Strimzi retries (NotReady=True): in progress, the timeout decides', { metadata: meta(3), status: { observedGeneration: 3, conditions: [cond('NotReady', 'True', { reason: 'TimeoutException', message: 'Exceeded timeout' })] } }, WAITING],
    ['not ready: being created (initial NotReady=True, reason Creating, no observedGeneration)', { metadata: meta(1), status: { conditions: [cond('NotReady', 'True', { reason: 'Creating', message: 'Kafka cluster is being deployed' })] } }, WAITING],
    ['ready for a stale generation (Flux\'s generation check)', { metadata: meta(4), status: { observedGeneration: 3, conditions: [cond('Ready', 'True')] } }, STALE],
    ['no status yet', { metadata: meta(1) }, NO_STATUS('current')],
  ],
  'gateway.networking.k8s.io/Gateway': [
    ['ready: Programmed=True for this generation', { metadata: meta(2), status: { conditions: [cond('Accepted', 'True', { observedGeneration: 2, reason: 'Accepted' }), cond('Programmed', 'True', { observedGeneration: 2, reason: 'Programmed' })] } }, CURRENT],
    ['not ready: the CRD default, Pending and Unknown', { metadata: meta(1), status: { conditions: [cond('Accepted', 'Unknown', { reason: 'Pending' }), cond('Programmed', 'Unknown', { reason: 'Pending' })] } }, WAITING],
    ['not ready: Programmed=False while the address is assigned', { metadata: meta(2), status: { conditions: [cond('Accepted', 'True', { observedGeneration: 2, reason: 'Accepted' }), cond('Programmed', 'False', { observedGeneration: 2, reason: 'AddressNotAssigned' })] } }, WAITING],
    ['failed: Accepted=False, the spec is rejected', { metadata: meta(2), status: { conditions: [cond('Accepted', 'False', { observedGeneration: 2, reason: 'ListenersNotValid' }), cond('Programmed', 'False', { observedGeneration: 2, reason: 'Invalid' })] } }, FAILED],
    ['ready for a stale generation (per-condition observedGeneration)', { metadata: meta(3), status: { conditions: [cond('Accepted', 'True', { observedGeneration: 2, reason: 'Accepted' }), cond('Programmed', 'True', { observedGeneration: 2, reason: 'Programmed' })] } }, WAITING],
    ['a rejection of the previous generation is not this one\'s failure', { metadata: meta(3), status: { conditions: [cond('Accepted', 'False', { observedGeneration: 2, reason: 'Invalid' })] } }, WAITING],
    ['no status yet', { metadata: meta(1) }, NO_STATUS('failed')],
  ],
  'gateway.networking.k8s.io/HTTPRoute': [
    ['accepted: Accepted=True for this generation by its one parent', { metadata: meta(2), status: { parents: [{ parentRef: { name: 'platform', sectionName: 'http' }, controllerName: 'io.cilium/gateway-controller', conditions: [cond('Accepted', 'True', { observedGeneration: 2, reason: 'Accepted' }), cond('ResolvedRefs', 'True', { observedGeneration: 2, reason: 'ResolvedRefs' })] }] } }, CURRENT],
    ['not yet: no parent reported', { metadata: meta(1), status: { parents: [] } }, WAITING],
    ['accepted for a stale generation', { metadata: meta(3), status: { parents: [{ parentRef: { name: 'platform' }, conditions: [cond('Accepted', 'True', { observedGeneration: 2, reason: 'Accepted' })] }] } }, WAITING],
    ['failed: the listener refuses the route (NotAllowedByListeners)', { metadata: meta(2), status: { parents: [{ parentRef: { name: 'platform' }, conditions: [cond('Accepted', 'False', { observedGeneration: 2, reason: 'NotAllowedByListeners' })] }] } }, FAILED],
    ['no status yet', { metadata: meta(1) }, NO_STATUS('failed')],
  ],
  'kro.run/ResourceGraphDefinition': [
    ['ready: Ready=True for this generation, state Active', { metadata: meta(2), status: { state: 'Active', conditions: rgdConditions(2, 'True', 'True', 'True') } }, CURRENT],
    ['not ready: first reconciliation, revision compiling, state Inactive', { metadata: meta(1), status: { state: 'Inactive', conditions: [cond('GraphAccepted', 'True', { observedGeneration: 1 }), cond('GraphRevisionsResolved', 'Unknown', { observedGeneration: 1, reason: 'WaitingForGraphRevisionCompilation' }), cond('Ready', 'Unknown', { observedGeneration: 1 })] } }, WAITING],
    ['failed: GraphAccepted=False, the graph is invalid', { metadata: meta(1), status: { state: 'Inactive', conditions: rgdConditions(1, 'False', 'Unknown', 'False') } }, FAILED],
    ['ready for a stale generation, still Active', { metadata: meta(3), status: { state: 'Active', conditions: rgdConditions(2, 'True', 'True', 'True') } }, WAITING],
    ['no status yet', { metadata: meta(1) }, NO_STATUS('failed')],
  ],
  'kyverno.io/ClusterPolicy': [
    ['ready: Ready=True', { metadata: meta(1), status: { ready: true, conditions: [cond('Ready', 'True', { reason: 'Succeeded' })] } }, CURRENT],
    ['not ready: webhook not configured yet', { metadata: meta(1), status: { ready: false, conditions: [cond('Ready', 'False', { reason: 'Failed' })] } }, WAITING],
    ['ready for a stale generation: Kyverno stamps no generation, so it cannot be told (counts as ready)', { metadata: meta(2), status: { conditions: [cond('Ready', 'True', { reason: 'Succeeded' })] } }, CURRENT],
    ['no status yet', { metadata: meta(1) }, NO_STATUS('current')],
  ],
  'policies.kyverno.io/ValidatingPolicy': [
    ['ready: conditionStatus.ready', { metadata: meta(1), status: { conditionStatus: { ready: true, conditions: [cond('WebhookConfigured', 'True'), cond('RBACPermissionsGranted', 'True')] } } }, CURRENT],
    ['not ready: the webhook is not configured yet', { metadata: meta(1), status: { conditionStatus: { ready: false, conditions: [cond('WebhookConfigured', 'False'), cond('RBACPermissionsGranted', 'True')] } } }, WAITING],
    ['not ready: only autogen status so far', { metadata: meta(1), status: { autogen: {} } }, WAITING],
    ['ready for a stale generation: Kyverno stamps no generation, so it cannot be told (counts as ready)', { metadata: meta(2), status: { conditionStatus: { ready: true } } }, CURRENT],
    ['no status yet', { metadata: meta(1) }, NO_STATUS('current')],
  ],
  'platform.mini-atlas.io/Workspace': kroInstanceCases,
  'platform.mini-atlas.io/WebApplication': kroInstanceCases,
  'platform.mini-atlas.io/Workload': kroInstanceCases,
  'platform.mini-atlas.io/Infrastructure': kroInstanceCases,
  'platform.mini-atlas.io/Topic': kroInstanceCases,
};

describe.each(Object.keys(FIXTURES))('the registered health check of %s', (kind) => {
  test.each(FIXTURES[kind])('%s', (_name, object, verdict) => {
    const check = registered.get(kind)!;
    expect(groupKindOf(check.apiVersion, check.kind)).toBe(kind);
    expect(evaluateFluxHealth(check, object)).toEqual(verdict);
  });
});

test('every kind the platform registers a health check for has fixtures above', () => {
  expect([...registered.keys()].sort()).toEqual(Object.keys(FIXTURES).sort());
});

test("the RGD check it replaces failed fast on every new RGD (state Inactive while the revision compiles)", () => {
  const firstReconcile = FIXTURES['kro.run/ResourceGraphDefinition'][1][1];
  const old = { current: "has(status.state) && status.state == 'Active'", failed: "has(status.state) && status.state == 'Inactive'" };
  expect(evaluateFluxHealth(old, firstReconcile)).toEqual(FAILED);
});

describe('the evaluator follows Flux\'s order', () => {
  const widget: HealthCheckExpression = {
    apiVersion: 'widgets.example.com/v1',
    kind: 'Widget',
    inProgress: "has(status.phase) && status.phase in ['Pending', 'Both']",
    failed: "has(status.phase) && status.phase in ['Broken', 'Both', 'BrokenAndRunning']",
    current: "has(status.phase) && status.phase in ['Running', 'BrokenAndRunning']",
  };
  const at = (phase: string, generation = 1, observedGeneration = 1): JsonObject => ({ metadata: meta(generation), status: { phase, observedGeneration } });

  test.each([
    ['Running', CURRENT],
    ['Broken', FAILED],
    ['Pending', { status: 'InProgress', decidedBy: 'inProgress' }],
    ['Both', { status: 'InProgress', decidedBy: 'inProgress' }],
    ['BrokenAndRunning', FAILED],
    ['Unheard-of', WAITING],
  ] as const)('phase %s', (phase, verdict) => {
    expect(evaluateFluxHealth(widget, at(phase))).toEqual(verdict);
  });

  test('a status.observedGeneration behind metadata.generation is InProgress before any expression runs', () => {
    expect(evaluateFluxHealth(widget, at('Running', 2, 1))).toEqual(STALE);
  });

  test('an evaluation error stops at that expression (Unknown), and && / || absorb it as in cel-go', () => {
    expect(evaluateFluxHealth({ current: 'true', inProgress: 'status.phase == 1' }, { metadata: meta(1) }))
      .toEqual({ status: 'Unknown', decidedBy: 'inProgress', error: 'no such attribute: status' });
    expect(evaluateFluxHealth({ current: 'true || has(status.phase)' }, { metadata: meta(1) })).toEqual(CURRENT);
    expect(evaluateFluxHealth({ current: 'false && has(status.phase)' }, { metadata: meta(1) })).toEqual(WAITING);
  });

  test('a result that is not a boolean is Unknown; an expression that does not parse is rejected', () => {
    expect(evaluateFluxHealth({ current: 'metadata.generation' }, { metadata: meta(1) }))
      .toEqual({ status: 'Unknown', decidedBy: 'current', error: "failed to evaluate CEL expression as boolean: 'metadata.generation'" });
    expect(() => evaluateFluxHealth({ current: 'status.phase ==' }, { metadata: meta(1) })).toThrow('health check expression does not parse: status.phase ==');
  });
});
