/**
 * No privileged containers, host namespaces or hostPath volumes in workspaces. Pod Security `restricted`
 * already rejects such Pods; this policy rejects the Deployment (or other controller) itself, with a clear
 * message, instead of letting it fail to create Pods later. It covers bare Pods, every pod-template kind and
 * ephemeral containers (`kubectl debug`, the `pods/ephemeralcontainers` subresource).
 */
import { Construct } from 'constructs';
import { PlatformPolicy } from './platform-policy';

/** The `host-isolation` policy (Pods and their controllers). */
export class HostIsolationPolicy extends PlatformPolicy {
  public constructor(scope: Construct, id: string) {
    super(scope, id, {
      name: 'host-isolation',
      description: 'No privileged containers, privilege escalation, host namespaces or hostPath volumes.',
      match: [],
      podTemplates: true,
      rules: [
        {
          expression: '!variables.podSpec.?hostNetwork.orValue(false) && !variables.podSpec.?hostPID.orValue(false) && !variables.podSpec.?hostIPC.orValue(false)',
          messageExpression: 'object.kind + " \\"" + object.metadata.name + "\\": host namespaces (hostNetwork, hostPID, hostIPC) are not allowed in workspace " + variables.workspace',
        },
        {
          expression: 'variables.podSpec.?volumes.orValue([]).all(v, !has(v.hostPath))',
          messageExpression: 'object.kind + " \\"" + object.metadata.name + "\\": hostPath volumes are not allowed: " + variables.podSpec.volumes.filter(v, has(v.hostPath)).map(v, v.name).join(", ")',
        },
        {
          expression: 'variables.containers.all(c, !(has(c.securityContext) && has(c.securityContext.privileged) && c.securityContext.privileged))',
          messageExpression: 'object.kind + " \\"" + object.metadata.name + "\\": privileged containers are not allowed: " + variables.containers.filter(c, has(c.securityContext) && has(c.securityContext.privileged) && c.securityContext.privileged).map(c, c.name).join(", ")',
        },
      ],
    });
  }
}
