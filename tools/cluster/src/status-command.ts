/** `npm run cluster:status`: tables (or `--json`) of what is Ready; exit 0 only when everything is. */
import { StatusOptions } from './cli-options';
import { EXIT } from './cluster-error';
import { CommandContext } from './command-context';
import { kindClusterExists, kindContext } from './kind-cluster';
import { KubeClient } from './kube-client';
import { checkTools, TOOLS_FOR } from './prerequisites';
import { ClusterStatus, collectStatus, renderStatus } from './status-report';

/** Runs `cluster:status`; returns the exit code. */
export async function clusterStatus(options: StatusOptions, ctx: CommandContext): Promise<number> {
  await checkTools(ctx.runner, TOOLS_FOR.status);
  const context = kindContext(options.name);
  const status: ClusterStatus = (await kindClusterExists(ctx.runner, options.name))
    ? await collectStatus(new KubeClient(ctx.runner, context), options.name)
    : { cluster: options.name, context, exists: false, ready: false };
  ctx.stdout.write(options.json ? `${JSON.stringify(status, null, 2)}\n` : renderStatus(status));
  return status.ready ? EXIT.ok : EXIT.failure;
}
