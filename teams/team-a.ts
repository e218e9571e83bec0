/** The example team: one instance of each abstraction, wired together. */
import { DeliveryChart, Infrastructure, Topic, WebApplication, Workspace } from 'mini-atlas';

/** Adds team-a's workspace to the Delivery layer. */
export function addTeamA(delivery: DeliveryChart): Workspace {
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
  return ws;
}
