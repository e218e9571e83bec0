/** Parsing and comparing the `vMAJOR.MINOR.PATCH` versions that CLI tools print. */

/** A parsed version. Pre-release versions sort before the release they precede. */
export interface SemanticVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** e.g. `rc.1`, or '' for a release. */
  readonly prerelease: string;
}

const VERSION = /v?(\d+)\.(\d+)(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?/;

/**
 * The first version found in a tool's output (`kind v0.32.0 go1.25.1 linux/amd64` → 0.32.0), or undefined.
 * A missing patch (`1.35`) counts as 0.
 */
export function findVersion(text: string): SemanticVersion | undefined {
  const m = VERSION.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), prerelease: m[4] ?? '' };
}

/** Parses a version; throws when `text` holds none. */
export function parseVersion(text: string): SemanticVersion {
  const v = findVersion(text);
  if (!v) throw new Error(`not a version: ${JSON.stringify(text)}`);
  return v;
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: SemanticVersion, b: SemanticVersion): number {
  if (a.major !== b.major) return a.major - b.major;
  if (a.minor !== b.minor) return a.minor - b.minor;
  if (a.patch !== b.patch) return a.patch - b.patch;
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === '') return 1;
  if (b.prerelease === '') return -1;
  return a.prerelease < b.prerelease ? -1 : 1;
}

/** `v1.2.3` (with the pre-release suffix if any). */
export function formatVersion(v: SemanticVersion): string {
  return `v${v.major}.${v.minor}.${v.patch}${v.prerelease ? `-${v.prerelease}` : ''}`;
}
