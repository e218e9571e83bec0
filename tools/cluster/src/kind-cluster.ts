/** The Kind CLI operations the lifecycle commands use. */
import { CommandRunner } from './command-runner';

/** The kubeconfig context Kind creates for a cluster. */
export function kindContext(name: string): string {
  return `kind-${name}`;
}

/** The names `kind get clusters` lists. */
export async function kindClusters(runner: CommandRunner): Promise<string[]> {
  const r = await runner.run('kind', ['get', 'clusters']);
  return r.stdout.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
}

/** True when a Kind cluster of that name exists. */
export async function kindClusterExists(runner: CommandRunner, name: string): Promise<boolean> {
  return (await kindClusters(runner)).includes(name);
}

/** `kind create cluster --name <name> --config <file>`. */
export async function createKindCluster(runner: CommandRunner, name: string, configFile: string): Promise<void> {
  await runner.run('kind', ['create', 'cluster', '--name', name, '--config', configFile]);
}

/** `kind export kubeconfig --name <name>`: (re)writes the `kind-<name>` context. */
export async function exportKubeconfig(runner: CommandRunner, name: string): Promise<void> {
  await runner.run('kind', ['export', 'kubeconfig', '--name', name]);
}

/** `kind delete cluster --name <name>`. */
export async function deleteKindCluster(runner: CommandRunner, name: string): Promise<void> {
  await runner.run('kind', ['delete', 'cluster', '--name', name]);
}

/** The container ports a Kind node publishes (`docker port <name>-control-plane`), as `port/protocol`. */
export async function publishedNodePorts(runner: CommandRunner, name: string): Promise<Set<string> | undefined> {
  const r = await runner.run('docker', ['port', `${name}-control-plane`], { allowFailure: true });
  if (r.exitCode !== 0) return undefined;
  const ports = new Set<string>();
  for (const line of r.stdout.split('\n')) {
    const m = /^(\d+)\/(tcp|udp)\s+->/.exec(line.trim());
    if (m) ports.add(`${m[1]}/${m[2].toUpperCase()}`);
  }
  return ports;
}
