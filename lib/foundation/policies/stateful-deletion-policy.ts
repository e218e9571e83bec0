/**
 * Deleting data is an explicit act: a Workspace, Infrastructure or Topic can only be deleted once it carries
 * the annotation `platform.mini-atlas.io/allow-delete: "true"`. (Flux never prunes them either: they carry
 * `kustomize.toolkit.fluxcd.io/prune: disabled`.)
 */
import { Construct } from 'constructs';
import { ANNOTATIONS, PLATFORM_GROUP } from '../../shared/api';
import { PlatformPolicy } from './platform-policy';

/** The `stateful-deletion` policy. */
export class StatefulDeletionPolicy extends PlatformPolicy {
  public constructor(scope: Construct, id: string) {
    const a = JSON.stringify(ANNOTATIONS.allowDelete);
    super(scope, id, {
      name: 'stateful-deletion',
      description: `Workspaces, Infrastructure and Topics are deleted only when annotated ${ANNOTATIONS.allowDelete}=true.`,
      namespaces: 'all',
      operations: ['DELETE'],
      match: [{ apiGroup: PLATFORM_GROUP, resources: ['workspaces', 'infrastructures', 'topics'] }],
      rules: [{
        expression: `has(oldObject.metadata.annotations) && ${a} in oldObject.metadata.annotations && oldObject.metadata.annotations[${a}] == "true"`,
        messageExpression: `oldObject.kind + " " + oldObject.metadata.name + " holds data; annotate it ${ANNOTATIONS.allowDelete}=true to delete it"`,
      }],
    });
  }
}
