/**
 * A platform repo that consumes Mini-Atlas as a library: one team's workspace with an app, a database and
 * a topic, synthesized with plain `app.synth()`. `test/invariants/packaging.test.ts` installs the packed package here
 * and checks the output equals what Mini-Atlas's own DeliveryChart produces for the same input.
 */
import { App, Chart } from 'cdk8s';
import { Infrastructure, Topic, WebApplication, Workspace } from 'mini-atlas';

const app = new App({ outdir: 'dist' });
const chart = new Chart(app, 'team-a');

const ws = new Workspace(chart, 'team-a', { team: 'team-a' });
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

app.synth();
