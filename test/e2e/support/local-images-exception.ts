/**
 * The e2e suite's one exception to the platform's policies: its images are built on the node (no registry is
 * reachable), named `mini-atlas.local/…`, which the image-registries ValidatingPolicy refuses in a workspace.
 * While Kyverno's admission controller runs, the e2e workspace still gets new pods (the cache's Valkey, the
 * WebApplication's next ReplicaSet, the client pods), so a Kyverno PolicyException (policies.kyverno.io, the
 * kind that applies to CEL ValidatingPolicies: a match makes the policy skip the request) exempts them, and
 * only them: in that one namespace, objects whose every container and init container image is a local one.
 * Kyverno honours exceptions only when started with `--enablePolicyException` and only in the namespace of
 * `--exceptionNamespace` (`cmd/internal/flag.go`); the suite starts it so, with Kyverno's own namespace.
 */
import { KubeObject } from '../../../tools/control-plane/src/kube-client';

/** The exception's name. */
const LOCAL_IMAGES_EXCEPTION = 'e2e-local-images';

/** Prefix of every image the e2e node builds and imports. */
const LOCAL_IMAGE_PREFIX = 'mini-atlas.local/';

/** CEL: the pod spec of the admitted Pod, workload or CronJob (as the image-registries policy reads it). */
const POD_SPEC = '(object.kind == "Pod" ? object.spec : object.kind == "CronJob" ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec)';

/** The PolicyException, in `namespace` (Kyverno's exception namespace), for local images in `workspace`. */
export function localImagesException(namespace: string, workspace: string): KubeObject {
  return {
    apiVersion: 'policies.kyverno.io/v1',
    kind: 'PolicyException',
    metadata: { name: LOCAL_IMAGES_EXCEPTION, namespace },
    spec: {
      policyRefs: [{ kind: 'ValidatingPolicy', name: 'image-registries' }],
      matchConditions: [
        { name: 'e2e-workspace', expression: `request.namespace == ${JSON.stringify(workspace)}` },
        {
          name: 'local-images-only',
          expression: `(${POD_SPEC}.containers + ${POD_SPEC}.?initContainers.orValue([])).all(c, c.image.startsWith(${JSON.stringify(LOCAL_IMAGE_PREFIX)}))`,
        },
      ],
    },
  };
}
