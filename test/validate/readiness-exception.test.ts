/**
 * `npm run validate` holds the readiness rule on dist/ as committed: a child of a kind with a readiness signal
 * carries its kind's readyWhen, unless its template declares the one exception (the
 * `platform.mini-atlas.io/readiness-not-awaited` annotation with a stated reason). A copy of dist/ with the
 * Workspace RGD edited as a hand edit of the YAML would; only the `rgd` violations are compared, exactly.
 */
import { Obj, useDistCopy } from '../helpers/dist-copy';
import { validateDirectory } from '../../tools/validate/src/index';
import { formatViolation } from '../../tools/validate/src/report';

const obj = (v: unknown): Obj => v as Obj;
const ANNOTATION = 'platform.mini-atlas.io/readiness-not-awaited';
const RGD = 'dist/foundation/resourcegraphdefinition-workspace.platform.mini-atlas.io.yaml: kro.run/v1alpha1/ResourceGraphDefinition workspace.platform.mini-atlas.io';

const copy = useDistCopy('mini-atlas-readiness-');

/** Edits the Workspace RGD's resources (id → resource entry) in the copy. */
function editWorkspaceRgd(change: (resources: Record<string, Obj>) => void): void {
  copy.edit('ResourceGraphDefinition', 'workspace.platform.mini-atlas.io', (rgd) => {
    change(Object.fromEntries((obj(rgd.spec).resources as Obj[]).map((r) => [r.id as string, r])));
  });
}
const annotations = (r: Obj): Obj => obj(obj(obj(r.template).metadata).annotations ??= {});
const index = (id: string): number => ['workspaceNamespace', 'isolation', 'egress', 'postgresApiAccess', 'deliveryAccount', 'deliveryBinding', 'developerBinding',
  'viewerBinding', 'stageStatusRole', 'stageStatusBinding', 'quota', 'limits', 'kafkaUser'].indexOf(id);

function rgdViolations(): string[] {
  return validateDirectory(copy.dir).violations.filter((v) => v.check === 'rgd').map((v) => formatViolation(v, copy.tmp));
}

test('dist/ as synthesized: the KafkaUser\'s declared exception and the quota\'s readyWhen pass', () => {
  expect(rgdViolations()).toEqual([]);
});

test('a KafkaUser without readyWhen and without the stated reason is reported: the rule still holds for its kind', () => {
  editWorkspaceRgd((r) => { delete obj(obj(r.kafkaUser!.template).metadata).annotations; });
  expect(rgdViolations()).toEqual([
    `${RGD}: $.spec.resources[${index('kafkaUser')}].readyWhen: KafkaUser "kafkaUser" lacks 2 of the 2 readyWhen conditions of its kind (CHILD_READINESS), so KRO counts it ready too early; ` +
      'first missing: ${has(kafkaUser.status) && has(kafkaUser.status.observedGeneration) && kafkaUser.status.observedGeneration >= kafkaUser.metadata.generation}',
  ]);
});

test('a blank reason, the exception on a kind without a signal, and readyWhen beside it are reported', () => {
  editWorkspaceRgd((r) => {
    annotations(r.kafkaUser!)[ANNOTATION] = ' ';
    annotations(r.limits!)[ANNOTATION] = 'limits need no wait';
    annotations(r.quota!)[ANNOTATION] = 'the quota is counted later';
  });
  const at = (id: string): string => `$.spec.resources[${index(id)}].template.metadata.annotations['${ANNOTATION}']`;
  // The validator orders violations by their text, so `resources[10]` comes before `resources[9]`: compared as sets.
  expect(rgdViolations().sort()).toEqual([
    `${RGD}: ${at('limits')}: LimitRange "limits" declares LimitRange not awaited, but its kind has no readiness signal to opt out of (CHILD_READINESS: admission applies it from creation; it has no status)`,
    `${RGD}: ${at('kafkaUser')}: KafkaUser "kafkaUser" states no reason: an instance may skip the readiness of a KafkaUser ` +
      '(the User Operator reconciled the current generation (user, ACLs, quotas, Secret) and reports the Ready condition True) only for a stated reason',
    `${RGD}: $.spec.resources[${index('quota')}].readyWhen: ResourceQuota "quota" has readyWhen beside its ${ANNOTATION} annotation: a resource the instance does not wait for has no readiness conditions`,
  ].sort());
});

test('the workspace quota without its readyWhen is reported: Flux would go on while the API server still refuses every Topic', () => {
  editWorkspaceRgd((r) => { delete r.quota!.readyWhen; });
  expect(rgdViolations()).toEqual([
    `${RGD}: $.spec.resources[${index('quota')}].readyWhen: ResourceQuota "quota" lacks 1 of the 1 readyWhen conditions of its kind (CHILD_READINESS), so KRO counts it ready too early; ` +
      'first missing: ${has(quota.spec.hard) ? quota.spec.hard.all(k, has(quota.status) && has(quota.status.used) && k in quota.status.used) : true}',
  ]);
});
