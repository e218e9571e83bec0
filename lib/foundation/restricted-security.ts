/** The security settings every container the platform creates runs with (Pod Security `restricted`+). */
import * as k8s from '../../imports/k8s';

/** Container-level: non-root, no privilege escalation, no capabilities, RuntimeDefault, read-only root. */
export const RESTRICTED_CONTAINER: k8s.SecurityContext = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** Pod-level security context running as `uid` (and group `uid`), with RuntimeDefault seccomp. */
export function restrictedPod(uid: number): k8s.PodSecurityContext {
  return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } };
}
