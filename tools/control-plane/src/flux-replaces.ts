/**
 * Replacements Mini-Atlas adds to the Flux controllers' builds (`npm run tools`), beyond those upstream's
 * go.mod states. Each one is a deviation from the pinned release and is listed, with its reason, in the
 * README ("What runs for real in CI").
 */
import { GoReplace } from './go-mod';

/** One recorded replacement and why it is there. */
export interface RecordedReplace {
  readonly replace: GoReplace;
  /** Why the pinned dependency cannot be used (quoted in the README). */
  readonly reason: string;
}

/** The recorded replacements of each Flux controller build. */
export const FLUX_RECORDED_REPLACES: Readonly<Partial<Record<'source-controller' | 'kustomize-controller', readonly RecordedReplace[]>>> = {
  'source-controller': [
    {
      replace: { path: 'github.com/fluxcd/pkg/artifact', newPath: 'github.com/fluxcd/pkg/artifact', newVersion: 'v0.18.0' },
      reason: 'source-controller v1.9.4 requires github.com/fluxcd/pkg/artifact v0.18.2; proxy.golang.org serves its .info ' +
        'but refuses its .zip (403 "This module version is not available"); v0.18.0 is the nearest version it serves.',
    },
  ],
};
