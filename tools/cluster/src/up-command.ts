/**
 * `npm run cluster:up`: prerequisites → Kind cluster → Gateway API CRDs → Cilium → Flux → the Gateway's
 * certificate from the local CA → platform sync → wait for every layer.
 *
 * Every step converges: an existing cluster is reused, `kubectl apply --server-side` and
 * `helm upgrade --install` are idempotent, a Helm release left pending by an interrupted run is repaired
 * first, and once Flux manages Cilium (its HelmRelease is Ready) the Helm step is left to Flux. Ctrl-C
 * therefore leaves nothing a re-run cannot finish; a cluster interrupted while being created is deleted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLATFORM_GROUP, toYaml, toYamlDocuments, FLUX, GATEWAY_API } from 'mini-atlas';
import { readCiliumInstall, HelmInstall, HelmValues } from './cilium-release';
import { UpOptions } from './cli-options';
import { ClusterError, InterruptedError, UsageError } from './cluster-error';
import { CommandContext } from './command-context';
import { formatDuration, toSecondsFlag } from './duration';
import { fluxLayers } from './flux-layers';
import { FLUX_INSTALL_NAMESPACE, FLUX_LOCKDOWN, lockedArgs, managerArgs } from './flux-lockdown';
import { committedSource, hasSecretRef, planSync, platformSourceRef, readFluxSync } from './flux-sync';
import { CertificatePlan, certificateObjects, certificatePlans, IssuedGatewayCertificate, issueGatewayCertificates } from './gateway-certificate';
import { exampleUrl, publishedPorts, readGatewayListeners, SHARED_SERVICES_FOLDER } from './gateway-listeners';
import { readDistFolder } from './dist-manifests';
import { distDriftWarnings, resolveGitSource } from './git-source';
import { createKindCluster, deleteKindCluster, exportKubeconfig, kindClusterExists, kindContext, publishedNodePorts } from './kind-cluster';
import { kindClusterConfig, kindConfigYaml } from './kind-config';
import { KubeClient, RESOURCES } from './kube-client';
import { abortableSleep, waitForLayers } from './layer-wait';
import { checkInotifyLimits, checkPortsFree, checkTools, requireTools, TOOLS_FOR } from './prerequisites';
import { readinessOf } from './readiness';
import { formatVersion } from './semantic-version';

/** The Gateway API standard-channel install manifest at the pinned version. */
export function gatewayApiInstallUrl(): string {
  return `https://github.com/kubernetes-sigs/gateway-api/releases/download/${GATEWAY_API.version}/standard-install.yaml`;
}

/** CRDs Cilium's chart looks for when it decides to create the `cilium` GatewayClass. */
const GATEWAY_API_CRDS = ['gatewayclasses', 'gateways', 'httproutes', 'grpcroutes', 'referencegrants'].map(
  (n) => `customresourcedefinition.apiextensions.k8s.io/${n}.gateway.networking.k8s.io`,
);

/** Field manager of every server-side apply `cluster:up` does. */
export const FIELD_MANAGER = 'mini-atlas-cluster-up';

/** Address the Gateway ports are published on. */
export const LISTEN_ADDRESS = '127.0.0.1';

/**
 * Refuses a cluster name that Cilium's values cannot reach: without kube-proxy, Cilium talks to the API
 * server at `k8sServiceHost`, which for Kind is the `<name>-control-plane` container. `auto` (read from
 * kube-public/cluster-info) works with any name.
 */
export function checkApiServerHost(values: HelmValues, clusterName: string, source: string): void {
  const host = values.k8sServiceHost;
  if (typeof host !== 'string' || host === 'auto' || !host.endsWith('-control-plane')) return;
  const expected = `${clusterName}-control-plane`;
  if (host !== expected) {
    const pinned = host.replace(/-control-plane$/, '');
    throw new UsageError(
      `--name ${clusterName} does not match the Cilium values: ${source} sets k8sServiceHost=${host}, the control-plane container of a Kind cluster named ${pinned}`,
      `use --name ${pinned}, or set k8sServiceHost to "auto" in the CoreChart's Cilium values (Cilium then reads the API server address from kube-public/cluster-info) and run npm run synth`,
    );
  }
}

function remainingBudget(deadline: number, now: () => number, step: string): number {
  const left = deadline - now();
  if (left <= 0) {
    throw new ClusterError(`the --timeout ran out before: ${step}`, 'raise --timeout and re-run `npm run cluster:up`; finished steps are skipped');
  }
  return left;
}

async function installCilium(ctx: CommandContext, kube: KubeClient, cilium: HelmInstall, workDir: string, deadline: number): Promise<void> {
  const { runner, progress } = ctx;
  const owned = await kube.get(RESOURCES.helmReleases, cilium.helmReleaseName, cilium.helmReleaseNamespace);
  if (owned && readinessOf(owned).ready) {
    progress.skip(`Cilium is managed by Flux (${cilium.source} is Ready); left to Flux`);
    return;
  }
  const helmScope = ['--namespace', cilium.namespace, '--kube-context', kube.context];
  progress.start(`Installing Cilium ${cilium.version} (values from ${cilium.source})`);
  const status = await runner.run('helm', ['status', cilium.releaseName, ...helmScope, '--output', 'json'], { allowFailure: true });
  if (status.exitCode === 0) {
    const state = (JSON.parse(status.stdout) as { info?: { status?: string } }).info?.status ?? '';
    if (state === 'pending-install') {
      progress.info(`release ${cilium.releaseName} was left pending-install by an interrupted run: uninstalling it first`);
      await runner.run('helm', ['uninstall', cilium.releaseName, ...helmScope, '--wait']);
    } else if (state === 'pending-upgrade' || state === 'pending-rollback') {
      progress.info(`release ${cilium.releaseName} was left ${state} by an interrupted run: rolling back first`);
      await runner.run('helm', ['rollback', cilium.releaseName, ...helmScope, '--wait']);
    }
  }
  const valuesFile = join(workDir, 'cilium-values.yaml');
  writeFileSync(valuesFile, toYaml(cilium.values));
  await runner.run('helm', [
    'upgrade', '--install', cilium.releaseName, cilium.chart,
    ...(cilium.repository ? ['--repo', cilium.repository] : []),
    '--version', cilium.version,
    ...helmScope,
    '--values', valuesFile,
    '--timeout', toSecondsFlag(remainingBudget(deadline, ctx.now, 'installing Cilium')),
  ]);
  progress.update('waiting for the cilium DaemonSet, the operator and the node');
  const ns = ['--namespace', cilium.namespace];
  for (const workload of ['daemonset/cilium', 'deployment/cilium-operator']) {
    await kube.run(['rollout', 'status', workload, ...ns, `--timeout=${toSecondsFlag(remainingBudget(deadline, ctx.now, `waiting for ${workload}`))}`]);
  }
  await kube.run(['wait', '--for=condition=Ready', 'node', '--all', `--timeout=${toSecondsFlag(remainingBudget(deadline, ctx.now, 'waiting for the node'))}`]);
  progress.succeed(`Cilium ${cilium.version} Ready`);
}

/** Opens or creates the local CA of each domain and keeps or issues the Gateway's certificate (a progress step). */
async function issueCertificates(ctx: CommandContext, plans: readonly CertificatePlan[], caDir: string): Promise<IssuedGatewayCertificate[]> {
  ctx.progress.start(`Gateway certificate from the local CA in ${caDir}`);
  let issued: IssuedGatewayCertificate[];
  try {
    issued = await issueGatewayCertificates(ctx.runner, plans, caDir);
  } catch (e) {
    if (!(e instanceof InterruptedError)) ctx.progress.fail();
    throw e;
  }
  ctx.progress.succeed(issued.map((c) =>
    `${c.secrets.map((x) => `Secret ${x.namespace}/${x.name}`).join(', ')}: ${c.dnsNames.join(', ')} ` +
      `(${c.issued ? 'issued' : 'kept'}; CA ${c.caFile} ${c.caCreated ? 'created' : 'kept'})`).join('; '));
  return issued;
}

/** Runs `cluster:up`. Resolves when the platform is Ready; throws a ClusterError otherwise. */
export async function clusterUp(options: UpOptions, ctx: CommandContext): Promise<void> {
  const { runner, progress, now } = ctx;
  const started = now();
  const deadline = started + options.timeoutMs;
  const context = kindContext(options.name);
  const kube = new KubeClient(runner, context);

  // Everything that can be wrong with the tools or the inputs fails here, before anything is created.
  requireTools(runner, TOOLS_FOR.up);
  const cilium = readCiliumInstall(options.distDir);
  checkApiServerHost(cilium.values, options.name, cilium.source);
  const listeners = readGatewayListeners(options.distDir);
  const ports = publishedPorts(listeners);
  const certificates = certificatePlans(listeners);
  const sync = readFluxSync(options.distDir);
  fluxLayers(sync.kustomizations); // a broken dependsOn graph fails here, before anything is created
  const source = await resolveGitSource(runner, {
    ...(options.repo !== undefined ? { repo: options.repo } : {}),
    ...(options.branch !== undefined ? { branch: options.branch } : {}),
    sshToHttps: options.sshToHttps,
    hasSecretRef: hasSecretRef(sync),
    checkoutDir: options.distDir,
  });
  const versions = await checkTools(runner, TOOLS_FOR.up);
  const inotify = checkInotifyLimits(ctx.procSysDir);
  progress.skip(`Prerequisites: ${[...versions].map(([t, v]) => `${t} ${formatVersion(v)}`).join(', ')}` +
    [...inotify].map(([k, v]) => `, ${k} ${v}`).join(''));
  for (const w of await distDriftWarnings(runner, source, options.distDir)) progress.warn(w);
  const plan = planSync(sync, source.url, source.branch);
  const layers = fluxLayers(plan.kustomizations);
  if (plan.leftOut) {
    const committed = committedSource(sync);
    progress.warn(
      `Kustomization ${plan.leftOut.key} (it applies dist/flux-system from Git) would reset ${platformSourceRef(sync)} to ${committed.url} ${committed.branch ?? ''}; ` +
        `it is not applied, so Flux follows ${source.url} ${source.branch} and changes to dist/flux-system take effect on the next cluster:up ` +
        `(to let Flux manage them itself, synthesize for this repository: npm run synth -- --repo ${source.url} --branch ${source.branch}, then commit and push dist/)`,
    );
  }

  const exists = await kindClusterExists(runner, options.name);
  if (!exists) {
    for (const w of await checkPortsFree(ports, LISTEN_ADDRESS)) progress.warn(w);
  }

  // The certificate is made on the laptop before anything is created, so a failing openssl stops here.
  const issued = certificates.length > 0 ? await issueCertificates(ctx, certificates, options.caDir) : [];
  const shared = readDistFolder(options.distDir, SHARED_SERVICES_FOLDER).map((d) => d.object);
  const gatewayLabels = shared.find((o) => o.kind === 'Gateway')?.metadata.labels ?? {};

  const workDir = mkdtempSync(join(tmpdir(), 'mini-atlas-cluster-'));
  let creating = false;
  try {
    if (exists) {
      await exportKubeconfig(runner, options.name);
      const ready = await kube.run(['get', '--raw', '/readyz'], { allowFailure: true, timeoutMs: 30_000 });
      if (ready.exitCode !== 0) {
        throw new ClusterError(
          `Kind cluster ${options.name} exists but its API server does not answer`,
          `if Docker was just restarted, wait a minute and re-run; otherwise recreate it: npm run cluster:down -- --yes --name ${options.name} && npm run cluster:up`,
          { details: [ready.stderr.trim()].filter(Boolean) },
        );
      }
      progress.skip(`Kind cluster ${options.name} exists (context ${context}); reusing it`);
      const mapped = await publishedNodePorts(runner, options.name);
      const unmapped = mapped ? ports.filter((p) => !mapped.has(`${p.port}/${p.protocol}`)) : [];
      if (unmapped.length > 0) {
        progress.warn(
          `Kind cluster ${options.name} does not publish ${unmapped.map((p) => `${p.port}/${p.protocol}`).join(', ')}, where the Gateway now listens ` +
            `(Kind cannot add port mappings to a running cluster); to reach it from the laptop recreate the cluster: npm run cluster:down -- --yes && npm run cluster:up`,
        );
      }
    } else {
      const config = kindClusterConfig({ name: options.name, ports, listenAddress: LISTEN_ADDRESS, ciliumValues: cilium.values });
      const configFile = join(workDir, 'kind-config.yaml');
      writeFileSync(configFile, kindConfigYaml(config));
      progress.start(`Creating Kind cluster ${options.name} (ports ${ports.map((p) => `${LISTEN_ADDRESS}:${p.port}`).join(', ')})`);
      creating = true;
      await createKindCluster(runner, options.name, configFile);
      creating = false;
      progress.succeed(`Kind cluster ${options.name} created (context ${context})`);
    }

    progress.start(`Installing Gateway API ${GATEWAY_API.version} standard CRDs`);
    await kube.run(['apply', '--server-side', '--force-conflicts', `--field-manager=${FIELD_MANAGER}`, '--filename', gatewayApiInstallUrl()]);
    await kube.run(['wait', '--for=condition=Established', ...GATEWAY_API_CRDS, `--timeout=${toSecondsFlag(Math.min(120_000, remainingBudget(deadline, now, 'Gateway API CRDs')))}`]);
    progress.succeed(`Gateway API ${GATEWAY_API.version} CRDs established`);

    await installCilium(ctx, kube, cilium, workDir, deadline);

    progress.start(`Installing Flux ${FLUX.version}`);
    await runner.run('flux', ['install', `--version=${FLUX.version}`, `--context=${context}`, `--timeout=${toSecondsFlag(remainingBudget(deadline, now, 'installing Flux'))}`]);
    progress.succeed(`Flux ${FLUX.version} installed`);

    progress.start('Locking Flux down for tenants (default service account, no cross-namespace references)');
    for (const [controller, flags] of Object.entries(FLUX_LOCKDOWN)) {
      const deployment = await kube.get('deployment', controller, FLUX_INSTALL_NAMESPACE);
      if (!deployment) {
        throw new ClusterError(`\`flux install\` left no Deployment ${FLUX_INSTALL_NAMESPACE}/${controller}`, 'check `flux check` and re-run npm run cluster:up');
      }
      const { index, args } = managerArgs(deployment, controller);
      const locked = lockedArgs(args, flags);
      if (locked.join('\n') === args.join('\n')) continue;
      const patch = [{ op: 'replace', path: `/spec/template/spec/containers/${index}/args`, value: locked }];
      await kube.run(['patch', 'deployment', controller, '--namespace', FLUX_INSTALL_NAMESPACE, '--type=json', `--patch=${JSON.stringify(patch)}`]);
      await kube.run(['rollout', 'status', `deployment/${controller}`, '--namespace', FLUX_INSTALL_NAMESPACE, `--timeout=${toSecondsFlag(Math.min(180_000, remainingBudget(deadline, now, 'locking Flux down')))}`]);
    }
    progress.succeed('Flux locked down: kustomize-controller applies as flux-system/default unless a Kustomization names its account; no cross-namespace references');

    if (issued.length > 0) {
      progress.start(`Applying ${issued.flatMap((c) => c.secrets.map((x) => `Secret ${x.namespace}/${x.name}`)).join(', ')} (the Gateway's certificate)`);
      const certFile = join(workDir, 'gateway-certificates.yaml');
      writeFileSync(certFile, toYamlDocuments(certificateObjects(issued, shared, gatewayLabels)), { mode: 0o600 });
      await kube.run(['apply', '--server-side', '--force-conflicts', `--field-manager=${FIELD_MANAGER}`, '--filename', certFile]);
      progress.succeed(`The Gateway's certificate is in the cluster (${issued.flatMap((c) => c.secrets.map((x) => `Secret ${x.namespace}/${x.name}`)).join(', ')})`);
    }

    progress.start(`Pointing Flux at ${source.url} (branch ${source.branch})`);
    if (plan.leftOut && (await kube.get(RESOURCES.kustomizations, plan.leftOut.name, plan.leftOut.namespace))) {
      const committed = committedSource(sync);
      throw new ClusterError(
        `Kustomization ${plan.leftOut.key} already runs in the cluster and would reset ${platformSourceRef(sync)} to ${committed.url} ${committed.branch ?? ''}, undoing --repo ${source.url} --branch ${source.branch}`,
        `keep the repository the cluster was created with (--repo ${committed.url} --branch ${committed.branch ?? 'main'}), or recreate the cluster: npm run cluster:down -- --yes && npm run cluster:up`,
      );
    }
    const syncFile = join(workDir, 'flux-system.yaml');
    writeFileSync(syncFile, toYamlDocuments(plan.objects));
    await kube.run(['apply', '--server-side', '--force-conflicts', `--field-manager=${FIELD_MANAGER}`, '--filename', syncFile]);
    progress.succeed(`${platformSourceRef(sync)} → ${source.url} ${source.branch} (${source.origin}); ${plan.kustomizations.length} Kustomizations applied`);

    await waitForLayers(kube, layers, progress, { deadline, pollMs: options.pollMs, now, sleep: abortableSleep(ctx.signal) });

    ctx.stdout.write(
      [
        '',
        `Mini-Atlas is Ready on Kind cluster ${options.name} in ${formatDuration(now() - started)}.`,
        ...listeners.map((l) => `  Applications:  ${exampleUrl(l)}  (${l.gateway}, listener ${l.name})`),
        ...issued.map((c) => `  Trust the CA:  ${c.caFile}  (once per laptop; README: "HTTPS on Kind")`),
        '  Status:        npm run cluster:status',
        `  Workspaces:    kubectl --context ${context} get workspaces.${PLATFORM_GROUP}`,
        '  Delete:        npm run cluster:down',
        '',
      ].join('\n'),
    );
  } catch (e) {
    if (e instanceof InterruptedError && creating) {
      progress.stop();
      progress.warn(`interrupted while creating Kind cluster ${options.name}: deleting the half-created cluster so a re-run starts clean`);
      await deleteKindCluster(runner.uninterruptible(), options.name).catch(() => undefined);
    } else if (!(e instanceof InterruptedError) && progress.current) {
      progress.fail();
    }
    throw e;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
