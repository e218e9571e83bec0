/**
 * Kubernetes naming rules and the pinned-image rule, shared by every construct, the RGD schemas
 * (`patterns.ts`), the Kyverno policies, the Kind CLI and the offline validator. Each rule is written once
 * here; the patterns for other languages (SimpleSchema markers, CEL) are built from the same fragments.
 */
import type { ValidationIssue } from './validation-error';

/** One DNS-1123 label, as a pattern fragment (no anchors, no backslash). */
export const DNS_LABEL_SOURCE = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
/** DNS-1123 label: what Namespace, Service and most object names must be. */
export const DNS_LABEL = new RegExp(`^${DNS_LABEL_SOURCE}$`);
/** Kubernetes' limit for a DNS-1123 label. */
export const DNS_LABEL_MAX = 63;
/** DNS-1123 subdomain (e.g. a hostname): dot-separated labels, at most 253 characters. */
export const DNS_SUBDOMAIN = new RegExp(`^${DNS_LABEL_SOURCE}([.]${DNS_LABEL_SOURCE})*$`);
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

/** Why `name` is not a DNS-1123 subdomain (what most cluster-scoped object names must be), or undefined. */
export function dnsSubdomainProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > DNS_SUBDOMAIN_MAX) return `is ${name.length} characters long; the limit is ${DNS_SUBDOMAIN_MAX}`;
  if (!DNS_SUBDOMAIN.test(name)) return 'must be a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit';
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
 * The host names a workspace owns under the platform domain, as a regular-expression source (RE2 and
 * JavaScript alike): `<workspace>.<domain>` and `<workspace>-<name>.<domain>`, one DNS label below the domain so
 * one wildcard certificate `*.<domain>` covers them all; no wildcard. `workspace` may be a CEL expression when
 * the placeholder of a CEL string concatenation (the admission policy builds the pattern per request from the
 * namespace's workspace label); the TypeScript check passes the literal name.
 */
export function ownedHostnamePattern(workspace: string, domain: string): string {
  return `^${workspace}(-${DNS_LABEL_SOURCE})?[.]${domain.split('.').join('[.]')}$`;
}

/**
 * Why `host` is not owned by `workspace` under `domain` (see {@link ownedHostnamePattern}), as the rule it
 * breaks and the host names that fix it; undefined when it is owned.
 */
export function hostnameOwnershipProblem(host: string, workspace: string, domain: string): Required<Pick<ValidationIssue, 'rule' | 'fix'>> | undefined {
  if (new RegExp(ownedHostnamePattern(workspace, domain)).test(host)) return undefined;
  return {
    rule: `is not owned by workspace "${workspace}": host names on the shared Gateway belong to workspaces (the hostname-ownership policy refuses others)`,
    fix: `use ${workspace}.${domain} or ${workspace}-<name>.${domain} (no wildcards)`,
  };
}

const TAG_CHARS = 'A-Za-z0-9_.-';
/** An image tag, as a pattern fragment: 1 to 128 characters, not starting with `.` or `-`. */
export const IMAGE_TAG_SOURCE = `[A-Za-z0-9_][${TAG_CHARS}]{0,127}`;
/** An image digest, as a pattern fragment. */
export const IMAGE_DIGEST_SOURCE = 'sha256:[a-f0-9]{64}';

const IMAGE_REFERENCE = new RegExp(
  `^([a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+(?=\\/))?(?:\\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)(?::(${IMAGE_TAG_SOURCE}))?(?:@(${IMAGE_DIGEST_SOURCE}))?$`,
);
const DIGEST_AT_END = new RegExp(`@${IMAGE_DIGEST_SOURCE}$`);

/**
 * The pinned-image rule: why `image` is mutable, or undefined when it is pinned by a tag other than `latest`
 * or by a digest. Only the tag and digest are read (a port is not a tag), so it applies to any reference and
 * to the literal end of a templated one (`${schema.spec.registry}/app:1.2`).
 */
export function imagePinProblem(image: string): string | undefined {
  if (DIGEST_AT_END.test(image)) return undefined;
  const name = image.slice(image.lastIndexOf('/') + 1);
  const colon = name.lastIndexOf(':');
  if (colon < 0) return 'has no tag; mutable references are not allowed';
  if (name.slice(colon + 1) === 'latest') return 'uses the mutable tag "latest"';
  return undefined;
}

/**
 * Why `image` is not a pinned image reference, or undefined when it is one: a well-formed reference
 * ({@link imagePinProblem} for what pinned means).
 */
export function imageProblem(image: string): string | undefined {
  if (!IMAGE_REFERENCE.test(image)) return 'is not an image reference like "registry.example.com/team/app:1.2.3"';
  return imagePinProblem(image);
}

/** A character class of tag characters without `c` (a lowercase letter). */
function tagCharsExcept(c: string): string {
  const before = String.fromCharCode(c.charCodeAt(0) - 1);
  const after = String.fromCharCode(c.charCodeAt(0) + 1);
  const lower = c === 'a' ? `${after}-z` : c === 'z' ? `a-${before}` : `a-${before}${after}-z`;
  return `[A-Z${lower}0-9_.-]`;
}

/**
 * A tag other than `latest`, without lookahead (CRD and SimpleSchema patterns have none): any length but 6,
 * or 6 characters that differ from "latest" somewhere.
 */
const NOT_LATEST_TAG = ((): string => {
  const word = 'latest';
  const six = [...word].map((c, i) => {
    const head = word.slice(0, i);
    const cls = i === 0 ? tagCharsExcept(c).replace('_.-]', '_]') : tagCharsExcept(c);
    return `${head}${cls}[${TAG_CHARS}]{${5 - i}}`;
  });
  return `([A-Za-z0-9_][${TAG_CHARS}]{0,4}|[A-Za-z0-9_][${TAG_CHARS}]{6,127}|${six.join('|')})`;
})();

/**
 * SimpleSchema/CRD pattern for a pinned image: a tag other than `latest` (optionally with a digest), or a
 * digest. The same rule the library checks at synth time and Kyverno at admission.
 */
export const PINNED_IMAGE_PATTERN =
  '^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*' +
  `(:${NOT_LATEST_TAG}(@${IMAGE_DIGEST_SOURCE})?|:latest@${IMAGE_DIGEST_SOURCE}|@${IMAGE_DIGEST_SOURCE})$`;

/**
 * The rule for CEL's RE2 `matches` (Kyverno): the last path segment carries a tag (optionally plus a digest),
 * or the reference is by digest. Together with `!image.matches(LATEST_TAG_CEL_PATTERN)` it is the pinned rule.
 */
export const TAGGED_IMAGE_CEL_PATTERN = `^([^/]+/)*[^/:@]+:${IMAGE_TAG_SOURCE}(@${IMAGE_DIGEST_SOURCE})?$|@${IMAGE_DIGEST_SOURCE}$`;
/** The `latest` tag (alone or before a digest), for CEL's RE2 `matches`. */
export const LATEST_TAG_CEL_PATTERN = ':latest(@|$)';
