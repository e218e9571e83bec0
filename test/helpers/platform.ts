/** Renders the default platform in memory for tests. */
import { buildPlatform, PlatformOptions } from '../../lib/build-platform';
import { addTeamA } from '../../teams/team-a';
import { EnvironmentProfile, PRODUCTION, RenderedFile, RenderedObject, renderApp } from '../../lib';

/** PRODUCTION with a cluster's CSI provisioner: the built-in names none, and synth asks for one. */
export const PRODUCTION_CLUSTER: EnvironmentProfile = { ...PRODUCTION, storage: { provisioner: 'ebs.csi.aws.com' } };

/** Renders the platform (team-a by default). */
export function render(options: Partial<PlatformOptions> = {}): RenderedFile[] {
  return renderApp(buildPlatform({ teams: (d) => { addTeamA(d); }, ...options }).app);
}

/** Objects of a kind. */
export function ofKind(files: readonly RenderedFile[], kind: string): RenderedObject[] {
  return files.filter((f) => f.object.kind === kind).map((f) => f.object);
}

/** The one object of a kind and name. */
export function find(files: readonly RenderedFile[], kind: string, name: string): RenderedObject {
  const o = files.map((f) => f.object).find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o;
}

/** A loosely typed view for field assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test-only access to nested manifest fields
export type Json = any;

/** The resources of an RGD by id. */
export function rgdResources(files: readonly RenderedFile[], kind: string): Record<string, Json> {
  const rgd = ofKind(files, 'ResourceGraphDefinition').find((r) => (r as Json).spec.schema.kind === kind) as Json;
  if (!rgd) throw new Error(`no RGD for ${kind}`);
  return Object.fromEntries(rgd.spec.resources.map((r: Json) => [r.id, r]));
}
