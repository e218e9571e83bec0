/**
 * A platform repo's whole synth program: the library composes the layers, `@mini-atlas/synth` gives the
 * command (`node main.js --help`). Run from the repository root, it writes Flux-ready `dist/`.
 * `test/invariants/packaging.test.ts` installs the packed packages here and checks the output equals
 * Mini-Atlas's own committed `dist/`, whose `main.ts` declares the same team.
 */
import { buildPlatform, DeliveryChart, Infrastructure, Topic, WebApplication } from 'mini-atlas';
import { runSynth } from '@mini-atlas/synth';

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

runSynth({ build: (context) => buildPlatform({ ...context, teams }).app });
