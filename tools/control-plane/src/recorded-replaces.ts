/**
 * Replacements Mini-Atlas adds to tool builds (`npm run tools`), beyond those upstream's go.mod states: each one
 * is a deviation from the pinned release, made because the Go module proxy refuses a pinned dependency, and is
 * listed with its reason in the README ("What runs for real in CI"). `build-tools.ts` appends a tool's entries to
 * its wrapper module's replacements.
 */
import { GoReplace } from './go-mod';
import type { ToolName } from './tool-cache';

/** One recorded replacement and why it is there. */
export interface RecordedReplace {
  readonly replace: GoReplace;
  /** Why the pinned dependency cannot be used (quoted in the README). */
  readonly reason: string;
}

/** The recorded replacements of each tool build. */
export const RECORDED_REPLACES: Readonly<Partial<Record<ToolName, readonly RecordedReplace[]>>> = {
  'source-controller': [
    {
      replace: { path: 'github.com/fluxcd/pkg/artifact', newPath: 'github.com/fluxcd/pkg/artifact', newVersion: 'v0.18.0' },
      reason: 'source-controller v1.9.4 requires github.com/fluxcd/pkg/artifact v0.18.2; proxy.golang.org serves its .info ' +
        'but refuses its .zip (403 "This module version is not available"); v0.18.0 is the nearest version it serves.',
    },
  ],
  cilium: [
    {
      replace: { path: 'github.com/osrg/gobgp/v4', newPath: 'github.com/osrg/gobgp/v4', newVersion: 'v4.7.0' },
      reason: 'cilium v1.20.0 requires github.com/osrg/gobgp/v4 v4.6.1-0.20260630022313-d6dee8360046, a pseudo-version ' +
        'proxy.golang.org refuses (403 "This module version is not available" for its .info); v4.7.0 is the nearest ' +
        'release it serves.',
    },
    {
      replace: { path: 'sigs.k8s.io/mcs-api/controllers', newPath: 'sigs.k8s.io/mcs-api/controllers', newVersion: 'v0.0.0-20251224112231-f4767b9e5a04' },
      reason: 'cilium v1.20.0 requires sigs.k8s.io/mcs-api/controllers v0.5.2 (only cilium-operator-generic imports it), which ' +
        'proxy.golang.org serves at no tagged version (`@v/list` 404, v0.5.2 and v0.5.1 `.zip` 403); the pseudo-version ' +
        'cilium v1.19.0 pinned (upstream commit f4767b9e5a04, 2025-12-24) is served, and v1.20.0 uses only its ' +
        '`DerivedServiceAnnotation` constant and the `ServiceImportReconciler` name.',
    },
  ],
};
