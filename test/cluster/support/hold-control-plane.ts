/**
 * Fixture for control-plane.test.ts: starts a control plane and KRO, prints what it started as one JSON line
 * on stdout, then waits to be signalled or killed. Run with `node -r tsx/cjs`.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { CRD_SOURCES } from '../../../lib/shared/schema-sources';
import { ControlPlane } from '../../../tools/control-plane/src/control-plane';
import { KroController } from '../../../tools/control-plane/src/kro-controller';
import { resolveSchema } from '@mini-atlas/cli-common/schema-store';
import { installCrds } from './crds';
import { KubeClient, KubeObject } from '../../../tools/control-plane/src/kube-client';

async function main(): Promise<void> {
  const plane = await ControlPlane.start();
  const kroCrds = CRD_SOURCES.filter((s) => s.component === 'kro')
    .map((s) => ({ file: s.url, crd: parse(readFileSync(resolveSchema(s.url), 'utf8')) as KubeObject }));
  await installCrds(new KubeClient(plane.admin), kroCrds);
  const kro = await KroController.start({ kubeconfig: plane.kubeconfig, dir: plane.dir });
  const pids = [...Object.values(plane.pids), kro.pid];
  process.stdout.write(`${JSON.stringify({ pid: process.pid, pids, ports: Object.values(plane.ports), dir: plane.dir })}\n`);
  setInterval(() => undefined, 60_000);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
