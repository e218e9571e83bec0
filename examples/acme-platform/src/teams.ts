/** Acme's three teams, each in its own workspace. Payments uses every day-one capability of issue 18. */
import { DeliveryChart, Infrastructure, Topic, WebApplication, Workload } from 'mini-atlas';
import { StaticSite } from './static-site';

/** The domain the shared Gateway serves (a workspace owns `<workspace>.<domain>` and `<workspace>-*.<domain>`). */
export const ACME_DOMAIN = 'apps.acme.example';

/** Adds payments, search and storefront. */
export function acmeTeams(delivery: DeliveryChart): void {
  // Every pod of the workspace may reach the payment provider's API (egress by name: a Cilium FQDN policy).
  const payments = delivery.addWorkspace('payments', { team: 'payments', egress: [{ host: 'api.stripe.com', ports: [443] }] });
  // Database only (no cache), an extension in the bootstrap database, and a second database with its own.
  const ledger = new Infrastructure(payments, 'ledger', {
    postgres: { database: 'ledger', owner: 'ledger_app', extensions: ['pgcrypto'], databases: [{ name: 'ledger_audit', extensions: ['pgaudit'] }] },
    cache: { enabled: false },
  });
  // Cache only: no PostgreSQL at all.
  const sessions = new Infrastructure(payments, 'sessions', { postgres: { enabled: false }, cache: { memory: '256Mi' } });
  const settled = new Topic(payments, 'settled', { partitions: 6, retentionHours: 168 });
  new WebApplication(payments, 'api', {
    image: 'registry.acme.example/payments/api:2.4.1', hostname: `payments.${ACME_DOMAIN}`, port: 8080,
    command: ['/app/api'], args: ['--listen=:8080', '--log-format=json'],
    env: [{ name: 'LOG_LEVEL', value: 'info' }],
    // The provider key is a Secret the team creates in its workspace (never in Git); flags come from a ConfigMap.
    secretEnv: [{ name: 'STRIPE_API_KEY', secret: 'stripe', key: 'api-key' }],
    configMapEnv: [{ name: 'FEATURE_FLAGS', configMap: 'payments-flags', key: 'flags' }],
    readinessPath: '/readyz', livenessPath: '/livez',
    autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 6, cpuUtilization: 70 },
    // The app alone may also reach the provider's webhooks endpoint.
    egress: [{ host: '*.stripe.com', ports: [443] }],
    database: ledger, topic: settled,
  });
  // Paused: the Deployment keeps its spec with no pod running.
  new WebApplication(payments, 'admin', {
    image: 'registry.acme.example/payments/admin:1.0.0', hostname: `payments-admin.${ACME_DOMAIN}`, replicas: 0, database: sessions,
  });
  new Workload(payments, 'settler', {
    type: 'worker', image: 'registry.acme.example/payments/settler:2.4.1', replicas: 2, database: ledger, topic: settled,
    secretEnv: [{ name: 'STRIPE_API_KEY', secret: 'stripe', key: 'api-key' }],
  });
  new Workload(payments, 'migrate', {
    type: 'job', image: 'registry.acme.example/payments/api:2.4.1', command: ['/app/migrate'], args: ['up'], backoffLimit: 1, database: ledger,
  });
  new Workload(payments, 'reconcile', {
    type: 'cron', image: 'registry.acme.example/payments/api:2.4.1', command: ['/app/reconcile'], schedule: '0 3 * * *',
    concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 5, failedJobsHistoryLimit: 2, database: ledger,
  });

  const search = delivery.addWorkspace('search', { team: 'search' });
  const indexed = new Topic(search, 'indexed', { partitions: 12, retentionHours: 24, cleanupPolicy: 'compact' });
  new WebApplication(search, 'query', {
    image: 'registry.acme.example/search/query:1.9.0', hostname: `search.${ACME_DOMAIN}`, port: 9000, healthPath: '/ready', replicas: 2, topic: indexed,
  });

  const storefront = delivery.addWorkspace('storefront', { team: 'storefront' });
  new WebApplication(storefront, 'web', {
    image: 'registry.acme.example/storefront/web:5.0.3', hostname: `storefront.${ACME_DOMAIN}`, port: 8080, replicas: 2,
  });
  new StaticSite(storefront, 'docs', { image: 'registry.acme.example/storefront/docs:2026.11.1', replicas: 2 });
}
