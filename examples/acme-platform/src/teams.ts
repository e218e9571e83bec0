/** Acme's three teams, each in its own workspace. */
import { DeliveryChart, Infrastructure, Topic, WebApplication } from 'mini-atlas';
import { StaticSite } from './static-site';

/** The domain the shared Gateway serves (a workspace owns `<workspace>.<domain>` and `<workspace>-*.<domain>`). */
export const ACME_DOMAIN = 'apps.acme.example';

/** Adds payments, search and storefront. */
export function acmeTeams(delivery: DeliveryChart): void {
  const payments = delivery.addWorkspace('payments', { team: 'payments' });
  const ledger = new Infrastructure(payments, 'ledger', { postgres: { database: 'ledger', owner: 'ledger_app' } });
  const settled = new Topic(payments, 'settled', { partitions: 6, retentionHours: 168 });
  new WebApplication(payments, 'api', {
    image: 'registry.acme.example/payments/api:2.4.1', hostname: `payments.${ACME_DOMAIN}`, port: 8080, healthPath: '/healthz',
    replicas: 3, database: ledger, topic: settled,
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
