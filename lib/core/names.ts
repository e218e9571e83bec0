/** Kubernetes naming rules shared by every construct. */

/** DNS-1123 label: what Namespace, Service and most object names must be. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Kubernetes' limit for a DNS-1123 label. */
export const DNS_LABEL_MAX = 63;
/** DNS-1123 subdomain (e.g. a hostname): dot-separated labels, at most 253 characters. */
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Kubernetes' limit for a DNS-1123 subdomain. */
export const DNS_SUBDOMAIN_MAX = 253;

/** Why `name` is not a DNS-1123 label of at most `max` characters, or undefined when it is one. */
export function dnsLabelProblem(name: string, max = DNS_LABEL_MAX): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > max) return `is ${name.length} characters long; the limit is ${max}`;
  if (!DNS_LABEL.test(name)) {
    return 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit';
  }
  return undefined;
}

/** Why `host` is not a valid DNS host name, or undefined when it is one. */
export function hostnameProblem(host: string): string | undefined {
  if (host.length === 0) return 'must not be empty';
  if (host.length > DNS_SUBDOMAIN_MAX) return `is ${host.length} characters long; the limit is ${DNS_SUBDOMAIN_MAX}`;
  if (!DNS_SUBDOMAIN.test(host)) return 'must be a lowercase DNS name such as "shop.localtest.me"';
  const long = host.split('.').find((l) => l.length > DNS_LABEL_MAX);
  if (long) return `has the label "${long}" longer than ${DNS_LABEL_MAX} characters`;
  if (!host.includes('.')) return 'must be fully qualified (contain a dot)';
  return undefined;
}

/**
 * Why `image` is not a pinned image reference, or undefined when it is one.
 * Pinned means an explicit tag other than `latest`, or a `@sha256:` digest.
 */
export function imageProblem(image: string): string | undefined {
  const m = IMAGE_REFERENCE.exec(image);
  if (!m) return 'is not an image reference like "registry.example.com/team/app:1.2.3"';
  const [, , tag, digest] = m;
  if (!tag && !digest) return 'has no tag; mutable references are not allowed';
  if (tag === 'latest' && !digest) return 'uses the mutable tag "latest"';
  return undefined;
}

const IMAGE_REFERENCE =
  /^([a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+(?=\/))?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;

/**
 * SimpleSchema/CRD pattern for an image that carries a tag or a digest (an untagged reference fails).
 * CRD patterns have no lookahead, so the "not `latest`" half of the rule is enforced by the library at synth
 * time and by the Kyverno image policy at admission.
 */
export const TAGGED_IMAGE_PATTERN =
  '^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*' +
  '(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(@sha256:[a-f0-9]{64})?|@sha256:[a-f0-9]{64})$';
