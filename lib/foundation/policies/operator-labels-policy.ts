/**
 * Labels the platform's operators own are set by them only. Network policies and operators select pods by
 * them: the workspace's `postgres-api-server` policy lets every pod labelled `cnpg.io/cluster` reach the API
 * server, CloudNativePG adopts pods, PVCs and Services by `cnpg.io/*`, Strimzi selects by `strimzi.io/*`, KRO
 * tracks what it owns by `kro.run/*`, and Cilium derives identities from `io.cilium.*` and
 * `io.kubernetes.pod.namespace`. In a workspace, no other user may set, change or remove such a label, on any
 * object or in any pod template (`spec.template`, `spec.jobTemplate.spec.template`) or CloudNativePG's
 * `spec.inheritedMetadata`.
 */
import { Construct } from 'constructs';
import { PlatformPolicy } from './platform-policy';

/** Label-key prefixes only the platform's operators may set in a workspace. */
export const OPERATOR_LABEL_PREFIXES: readonly string[] = ['cnpg.io/', 'strimzi.io/', 'kro.run/', 'io.cilium.', 'io.kubernetes.pod.namespace'];

/** Where an object carries labels that end up on it or on the pods it makes. */
const labelMaps = (root: string): string =>
  `${root} == null || !has(${root}.metadata) ? [{}, {}, {}, {}] : [${root}.metadata.?labels.orValue({}), ${root}.?spec.?template.?metadata.?labels.orValue({}), ` +
  `${root}.?spec.?jobTemplate.?spec.?template.?metadata.?labels.orValue({}), ${root}.?spec.?inheritedMetadata.?labels.orValue({})]`;

/** Properties of {@link OperatorLabelsPolicy}. */
export interface OperatorLabelsPolicyProps {
  /** User names that may set the labels (`labellingControllers(wiring.identities)`). */
  readonly operators: readonly string[];
}

/** The `operator-labels` policy (every resource in a workspace, on create and update). */
export class OperatorLabelsPolicy extends PlatformPolicy {
  public constructor(scope: Construct, id: string, props: OperatorLabelsPolicyProps) {
    const owned = (k: string): string => `variables.prefixes.exists(p, ${k}.startsWith(p))`;
    super(scope, id, {
      name: 'operator-labels',
      description: `Only the platform's operators set labels under ${OPERATOR_LABEL_PREFIXES.join(', ')} in a workspace.`,
      match: [{ apiGroup: '*', resources: ['*'] }],
      exemptUsers: props.operators,
      variables: {
        prefixes: JSON.stringify(OPERATOR_LABEL_PREFIXES),
        after: labelMaps('object'),
        before: labelMaps('oldObject'),
        // Owned labels added, changed or removed, as "key" (in any of the four places); the message sorts them (cel-go
        // ext.Lists `sort()`, in Kyverno 1.19's CEL environment): map keys come in no fixed order.
        changed:
          `[0, 1, 2, 3].map(i, variables.after[i].filter(k, ${owned('k')} && (!(k in variables.before[i]) || variables.before[i][k] != variables.after[i][k])) + ` +
          `variables.before[i].filter(k, ${owned('k')} && !(k in variables.after[i])))`,
      },
      rules: [{
        expression: 'variables.exempt || variables.changed.all(keys, keys.size() == 0)',
        messageExpression:
          'object.kind + " \\"" + object.metadata.name + "\\": labels " + variables.changed.filter(keys, keys.size() > 0).map(keys, keys.sort().join(", ")).join(", ") + ' +
          '" are set by the platform\'s operators only (" + variables.prefixes.join(", ") + "); " + request.userInfo.username + " may not set, change or remove them"',
      }],
    });
  }
}
