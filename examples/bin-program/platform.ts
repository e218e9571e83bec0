/**
 * A platform repo's whole program for `npx mini-atlas synth` (the `mini-atlas` package's bin): no entry point of
 * its own, just the program as the module's default export. `tsc -p . && npx mini-atlas synth` writes Flux-ready
 * `dist/`; `npx mini-atlas validate` checks it offline. `test/invariants/packaged-bin.test.ts` installs the
 * packed packages here, type-checks strictly, and compares the output with Mini-Atlas's own
 * committed `dist/`, whose `main.ts` declares the same team.
 */
import { buildPlatform, DeliveryChart, Infrastructure, Topic, WebApplication } from 'mini-atlas';
import type { SynthProgram } from '@mini-atlas/synth';

function teams(delivery: DeliveryChart): void {
  const ws = delivery.addWorkspace('team-a', { team: 'team-a' });
  const db = new Infrastructure(ws, 'db', { postgres: { database: 'orders', owner: 'orders_app' } });
  const orders = new Topic(ws, 'orders', { partitions: 3, retentionHours: 72 });
  new WebApplication(ws, 'web', {
    image: 'ghcr.io/stefanprodan/podinfo:6.7.1',
    hostname: 'team-a.localtest.me',
    port: 9898,
    healthPath: '/readyz',
    replicas: 2,
    database: db,
    topic: orders,
  });
}

const program: SynthProgram = { build: (context) => buildPlatform({ ...context, teams }).app };
export default program;
