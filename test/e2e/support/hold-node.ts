/**
 * Fixture for hygiene.test.ts: starts the e2e node (Cilium as its CNI) with one pod
 * bound to it, prints one JSON line on stdout (the processes in the node's cgroups, containerd shims
 * included), then either stops the node and exits (`--stop`) or waits to be signalled or killed.
 * Run with `node -r tsx/cjs`.
 */
import { readFileSync } from 'node:fs';
import { E2eNode } from '../../../tools/node/src/node';
import { NODE, nodeProcesses } from '../../../tools/node/src/host';
import { IMAGES } from '../../../tools/node/src/images';
import { KubeClient, waitFor } from '../../../tools/control-plane/src/kube-client';
import { restrictedPod } from './pods';

async function main(): Promise<void> {
  const node = await E2eNode.start({ log: (m) => process.stderr.write(`[node] ${m}\n`) });
  const client = new KubeClient(node.plane.admin);
  await client.apply(restrictedPod('default', 'hold', IMAGES.app, [], [], NODE.name));
  await waitFor('pod default/hold Running', async () => {
    const p = await client.get('v1', 'Pod', 'hold', 'default');
    return (p?.status as { phase?: string } | undefined)?.phase === 'Running' ? true : undefined;
  }, { timeoutMs: 120_000 });
  const pids = nodeProcesses();
  const comm = (pid: number): string => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      return '';
    }
  };
  const shims = pids.filter((p) => comm(p) === 'containerd-shim');
  process.stdout.write(`${JSON.stringify({ pid: process.pid, pids, shims, commands: [...new Set(pids.map(comm))].sort() })}\n`);
  if (process.argv.includes('--stop')) {
    await node.stop();
    process.exit(0);
  }
  setInterval(() => undefined, 60_000);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
