/**
 * No privileged containers, host namespaces or hostPath volumes in workspaces. Pod Security `restricted`
 * already rejects such Pods; this policy rejects the Deployment (or other controller) itself, with a clear
 * message, instead of letting it fail to create Pods later.
 */
import { Construct } from 'constructs';
import { PlatformPolicy } from './platform-policy';

/** The `host-isolation` policy (Pods and their controllers). */
export class HostIsolationPolicy extends PlatformPolicy {
  public constructor(scope: Construct, id: string) {
    super(scope, id, {
      name: 'host-isolation',
      description: 'No privileged containers, privilege escalation, host namespaces or hostPath volumes.',
      match: [{ apiGroup: '', resources: ['pods'] }],
      podControllers: true,
      variables: {
        containers: 'object.spec.containers + (has(object.spec.initContainers) ? object.spec.initContainers : [])',
      },
      rules: [
        {
          expression: '!(has(object.spec.hostNetwork) && object.spec.hostNetwork) && !(has(object.spec.hostPID) && object.spec.hostPID) && !(has(object.spec.hostIPC) && object.spec.hostIPC)',
          messageExpression: '"host namespaces (hostNetwork, hostPID, hostIPC) are not allowed in workspace " + variables.workspace',
        },
        {
          expression: '!has(object.spec.volumes) || object.spec.volumes.all(v, !has(v.hostPath))',
          messageExpression: '"hostPath volumes are not allowed: " + object.spec.volumes.filter(v, has(v.hostPath)).map(v, v.name).join(", ")',
        },
        {
          expression: 'variables.containers.all(c, !(has(c.securityContext) && has(c.securityContext.privileged) && c.securityContext.privileged))',
          messageExpression: '"privileged containers are not allowed: " + variables.containers.filter(c, has(c.securityContext) && has(c.securityContext.privileged) && c.securityContext.privileged).map(c, c.name).join(", ")',
        },
      ],
    });
  }
}
