/** The validation issues a build reports (none if it succeeds). */
import { MiniAtlasValidationError, ValidationIssue } from '../../lib';

/** Runs `f` and returns the issues of the MiniAtlasValidationError it throws, or `[]`. Other errors propagate. */
export function issues(f: () => unknown): ValidationIssue[] {
  try { f(); } catch (e) { if (e instanceof MiniAtlasValidationError) return [...e.issues]; throw e; }
  return [];
}
