/**
 * The benchmark's synthetic platform: N workspaces, each with a web application wired to its own database
 * (Infrastructure) and topic, built only through the public tenant constructs (`lib/index.ts`) on top of the
 * real Core and Foundation layers. Names and host names are derived from the index, so every platform of
 * size N is the same from run to run and every host name is unique.
 */
import { buildPlatform, Platform, DeliveryChart, Infrastructure, Topic, WebApplication, Workspace } from 'mini-atlas';

/** Largest platform the generator produces (the names carry four digits). */
export const MAX_WORKSPACES = 9999;

/** What one generated workspace contains. */
export interface GeneratedWorkspace {
  readonly workspace: Workspace;
  readonly app: WebApplication;
  readonly database: Infrastructure;
  readonly topic: Topic;
}

/** Name of the i-th generated workspace (1-based): `bench-0001`. */
export function workspaceName(i: number): string {
  if (!Number.isInteger(i) || i < 1 || i > MAX_WORKSPACES) {
    throw new RangeError(`workspace index must be an integer in 1..${MAX_WORKSPACES}, got ${i}`);
  }
  return `bench-${String(i).padStart(4, '0')}`;
}

/** Host name routed to the i-th workspace's application. */
export function hostnameOf(i: number): string {
  return `${workspaceName(i)}.localtest.me`;
}

/** Adds the i-th workspace (1-based) and its app, database and topic to the Delivery layer. */
export function addGeneratedWorkspace(delivery: DeliveryChart, i: number): GeneratedWorkspace {
  const name = workspaceName(i);
  const workspace = delivery.addWorkspace(name, { team: `team-${name}` });
  const database = new Infrastructure(workspace, 'db', { postgres: { database: 'app', owner: 'app' } });
  const topic = new Topic(workspace, 'events', { partitions: 3, retentionHours: 24 });
  const app = new WebApplication(workspace, 'web', {
    image: 'ghcr.io/stefanprodan/podinfo:6.7.1',
    hostname: hostnameOf(i),
    port: 9898,
    healthPath: '/readyz',
    database,
    topic,
  });
  return { workspace, app, database, topic };
}

/** Adds workspaces 1..n. */
export function addGeneratedWorkspaces(delivery: DeliveryChart, n: number): GeneratedWorkspace[] {
  if (!Number.isInteger(n) || n < 0 || n > MAX_WORKSPACES) {
    throw new RangeError(`workspace count must be an integer in 0..${MAX_WORKSPACES}, got ${n}`);
  }
  return Array.from({ length: n }, (_, k) => addGeneratedWorkspace(delivery, k + 1));
}

/** The whole platform (Core, Foundation, Flux wiring) with n generated workspaces in the Delivery layer. */
export function buildGeneratedPlatform(n: number): Platform {
  return buildPlatform({ teams: (delivery) => { addGeneratedWorkspaces(delivery, n); } });
}
