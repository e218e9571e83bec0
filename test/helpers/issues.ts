/** The validation issues a build reports (none if it succeeds). */
import { App, Chart } from 'cdk8s';
import { FluxStage, MiniAtlasValidationError, renderApp, ValidationIssue, Workspace } from '../../lib';

/** Runs `f` and returns the issues of the MiniAtlasValidationError it throws, or `[]`. Other errors propagate. */
export function issues(f: () => unknown): ValidationIssue[] {
  try { f(); } catch (e) { if (e instanceof MiniAtlasValidationError) return [...e.issues]; throw e; }
  return [];
}

/** The issues of an app with one chart `delivery` and one stage `team` (`delivery/team`) that `build` fills. */
export function tenantIssues(build: (stage: FluxStage) => void): ValidationIssue[] {
  const app = new App();
  const chart = new Chart(app, 'delivery');
  build(new FluxStage(chart, 'team', { path: 'delivery/team' }));
  return issues(() => renderApp(app));
}

/** The issues of a workspace `team-a` in {@link tenantIssues}'s app, that `f` fills. */
export function workspaceIssues(f: (ws: Workspace) => void): ValidationIssue[] {
  return tenantIssues((s) => f(new Workspace(s, 'team-a', { team: 'a' })));
}

/** The props every WebApplication needs. */
export const app = (image = 'ghcr.io/acme/web:1.0.0', hostname = 'web.localtest.me') => ({ image, hostname });
