/**
 * A platform's own abstraction (the made-up StaticSite) in a team stage: the offline validator takes the tenant
 * kinds from the RGDs in dist/, so the output a platform writes with it validates clean, and the kind is still
 * refused in a stage when no RGD of dist/ declares it. A chart mirror is accepted only where its source names
 * the pinned repository it mirrors.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANNOTATIONS, buildPlatform, readDist, writeDist } from '../../lib';
import { addTeamA } from '../../teams/team-a';
import { validateDirectory } from '../../tools/validate/src/index';
import { tenantKindsOf } from '../../tools/validate/src/flux-graph';
import { StaticSite, staticSite } from '../../examples/acme-platform/src/static-site';

test('dist/ with a StaticSite in team-a\'s stage and its RGD: no violation; the tenant kinds include it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mini-atlas-consumer-kind-'));
  try {
    const out = join(dir, 'dist');
    writeDist(buildPlatform({
      foundation: { abstractions: [staticSite] },
      teams: (d) => { new StaticSite(d.addWorkspace('team-a', { team: 'team-a' }), 'docs', { image: 'ghcr.io/acme/docs:1.0.0' }); },
    }).app, out);
    expect(readDist(out).documents.filter((d) => d.object.kind === 'StaticSite').map((d) => d.file)).toEqual([join(out, 'delivery/team-a/staticsite-team-a-team-a-docs.yaml')]);
    const report = validateDirectory(out);
    expect(report.violations.map((v) => `${v.check} ${v.kind} ${v.name} ${v.path}: ${v.message}`)).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tenantKindsOf: the built-ins when dist/ declares no other namespaced platform kind', () => {
  expect(tenantKindsOf([]).map((k) => k.kind)).toEqual(['WebApplication', 'Workload', 'Infrastructure', 'Topic']);
});

test('a chart mirror: accepted (a note) with the mirror-of annotation naming the pinned repository, a violation without it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mini-atlas-mirror-'));
  try {
    const out = join(dir, 'dist');
    writeDist(buildPlatform({ core: { chartRepositories: { cilium: 'https://charts.acme.example/cilium' } }, teams: (d) => { addTeamA(d); } }).app, out);
    const clean = validateDirectory(out);
    expect(clean.violations).toEqual([]);
    expect(clean.notes).toContain(`chart cilium comes from the mirror https://charts.acme.example/cilium of https://helm.cilium.io/ (annotation ${ANNOTATIONS.mirrorOf}); its version is checked`);
    const file = join(out, 'core/operators/helmrepository-kube-system-cilium.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/ {2}annotations:\n {4}platform\.mini-atlas\.io\/mirror-of: https:\/\/helm\.cilium\.io\/\n/, ''));
    expect(validateDirectory(out).violations.map((v) => `${v.kind} ${v.name} ${v.path}: ${v.message}`)).toEqual([
      'HelmRepository kube-system/cilium $.spec.url: chart cilium comes from https://charts.acme.example/cilium, not the pinned https://helm.cilium.io/',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('another Flux namespace (FluxSyncProps.namespace): it exists before any layer, like flux-system; the tree validates clean', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mini-atlas-flux-ns-'));
  try {
    const out = join(dir, 'dist');
    writeDist(buildPlatform({ flux: { namespace: 'gitops' }, teams: (d) => { addTeamA(d); } }).app, out);
    expect(readDist(out).documents.filter((d) => d.object.kind === 'Kustomization').map((d) => (d.object.metadata as { namespace?: string }).namespace))
      .toEqual(Array(7).fill('gitops'));
    expect(validateDirectory(out).violations.map((v) => `${v.check} ${v.kind} ${v.name} ${v.path}: ${v.message}`)).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
