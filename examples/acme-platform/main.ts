/**
 * Acme's platform repo: Mini-Atlas from its packages, Acme's names, two environments. `node main.js --all`
 * writes `dist/staging/` and `dist/production/`, each Flux-ready; a cluster follows one (README of Mini-Atlas,
 * "Use Mini-Atlas in your own platform repo"). `test/invariants/packaging.test.ts` in Mini-Atlas builds this
 * repo from the packed tarballs, synthesizes both trees and validates them, and measures the package's budgets
 * on it: a strict type-check (`skipLibCheck: false`) ≤ 5 s of CPU, `require('mini-atlas')` ≤ 150 ms.
 */
import { buildPlatform, PRODUCTION, type EnvironmentProfile } from 'mini-atlas';
import { runSynth } from '@mini-atlas/synth';
import { staticSite } from './src/static-site';
import { ACME_DOMAIN, acmeTeams } from './src/teams';

/** GKE's persistent-disk CSI driver, SSD: where Acme's databases and brokers keep their data. */
const ACME_STORAGE = { provisioner: 'pd.csi.storage.gke.io', parameters: { type: 'pd-ssd' } };

/** Staging: two brokers, smaller databases and quotas. */
const STAGING: EnvironmentProfile = {
  name: 'staging',
  kafka: { nodes: 2, replicationFactor: 2, minInSyncReplicas: 1, storage: '20Gi', cpuRequest: '500m', memoryLimit: '4Gi' },
  postgres: { instances: 2, storage: '10Gi' },
  topicReplicas: 2,
  storage: ACME_STORAGE,
  workspaceQuota: { cpu: '16', memory: '32Gi', storage: '100Gi', pods: 100, defaultContainerCpu: '250m', defaultContainerMemory: '256Mi' },
};

/** Production: Mini-Atlas's production sizes on Acme's storage. */
const ACME_PRODUCTION: EnvironmentProfile = { ...PRODUCTION, storage: ACME_STORAGE };

runSynth({
  profiles: [ACME_PRODUCTION, STAGING],
  build: ({ environment, git }) => buildPlatform({
    name: 'acme-platform',
    environment,
    git: {
      repositoryUrl: git.repositoryUrl ?? 'ssh://git@git.acme.example/platform/acme-platform.git',
      branch: git.branch ?? 'main',
      distPath: git.distPath,
      sourceName: 'acme-platform',
      secretRef: 'acme-platform-deploy-key',
    },
    // The clusters were bootstrapped with `flux bootstrap`: its flux-system GitRepository and Kustomization stay its own.
    flux: { rootKustomizationName: 'acme-platform', fluxBootstrap: true },
    core: {
      // Behind a cloud load balancer on the standard ports; the certificate for *.apps.acme.example is a Secret
      // the platform team keeps in gateway-system (issued outside Git), named here and checked at synth.
      gateway: { domain: ACME_DOMAIN, listenerMode: 'load-balancer', httpPort: 80, httpsPort: 443, tlsSecretName: 'apps-acme-example-tls' },
      chartRepositories: { cilium: 'https://charts.acme.example/cilium', kyverno: 'https://charts.acme.example/kyverno' },
    },
    foundation: {
      images: { allowedRegistries: ['registry.acme.example/'] },
      abstractions: [staticSite],
    },
    teams: acmeTeams,
  }).app,
});
