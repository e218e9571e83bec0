/**
 * Container images of the e2e node, built here because no container registry is reachable: each is a single
 * layer of static binaries `FROM scratch`, written as a docker-archive tar (`manifest.json`, the image config
 * and the layer) and imported into containerd with `ctr -n k8s.io images import`.
 *
 * - `mini-atlas.local/pause` — the pod sandbox (`tools/node/go/cmd/pause`);
 * - `mini-atlas.local/e2e-app` — Mini-Atlas's own test application (`tools/node/go/cmd/e2e-app`), standing in
 *   for podinfo in the e2e-only workspace; `…-exits` is the same binary told to exit 3 at start;
 * - `mini-atlas.local/coredns` — CoreDNS built by `npm run tools` with the cluster-DNS plugins only;
 * - `mini-atlas.local/cloudnative-pg` — CloudNativePG's manager built by `npm run tools` at the pinned version
 *   (the operator; instance pods copy the same binary from it);
 * - `mini-atlas.local/postgresql` — Debian's PostgreSQL package on a debootstrap minimal base (`npm run tools`
 *   makes the root filesystem), tagged with the package version it really is;
 * - `mini-atlas.local/valkey` — Debian's `valkey-server` from bookworm-backports on the same kind of base, tagged
 *   with its package version: `valkey-server` is the entrypoint, run as the package's `valkey` user (999).
 *
 * The last two are {@link debianPackageImage}s: one Debian root filesystem (`debianRootfs` of `tool-cache.ts`)
 * as the single layer, the reference from {@link debianImageRef}.
 */
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { $ } from 'zx';
import { CLOUDNATIVE_PG, COREDNS, LOCAL_PATH_PROVISIONER } from '../../../lib/shared/versions';
import { DebianRootfs, goCacheDirs } from '../../control-plane/src/tool-cache';

/** Debian bookworm's busybox-static package version that `.ci/run` installs (`/bin/busybox`), as the tag says. */
export const BUSYBOX_STATIC_VERSION = '1.35.0-4-deb12u1-b1';

/** Version of the node's own images (pause, the test app); bumped when their sources change meaning. */
export const NODE_IMAGES_VERSION = '0.2.0';

/** The image references. */
export const IMAGES = {
  pause: `mini-atlas.local/pause:${NODE_IMAGES_VERSION}`,
  app: `mini-atlas.local/e2e-app:${NODE_IMAGES_VERSION}`,
  appExits: `mini-atlas.local/e2e-app:${NODE_IMAGES_VERSION}-exits`,
  coredns: `mini-atlas.local/coredns:${COREDNS.version}`,
  localPathProvisioner: `mini-atlas.local/local-path-provisioner:${LOCAL_PATH_PROVISIONER.version}`,
  /** Debian bookworm's busybox-static (the helper pods of local-path-provisioner run its `sh`). */
  busybox: `mini-atlas.local/busybox-static:${BUSYBOX_STATIC_VERSION}`,
  cnpg: `mini-atlas.local/cloudnative-pg:${CLOUDNATIVE_PG.version}`,
} as const;

/**
 * The reference of an image holding Debian's package of `name` at `packageVersion`: the version is the tag,
 * with `:`, `+` and `~` (not allowed in a tag) made `-` (`8.0.1+dfsg1-1~bpo12+1` →
 * `mini-atlas.local/valkey:8.0.1-dfsg1-1-bpo12-1`).
 */
export function debianImageRef(name: string, packageVersion: string): string {
  const tag = packageVersion.replace(/[:+~]/g, '-');
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) throw new Error(`Debian version ${packageVersion} of ${name} does not make an image tag`);
  return `mini-atlas.local/${name}:${tag}`;
}

/**
 * The PostgreSQL image's reference for a Debian package version (`15.18-0+deb12u1` →
 * `mini-atlas.local/postgresql:15.18-0-deb12u1`); CloudNativePG reads the major and minor version from the
 * tag's leading `15.18`.
 */
export function postgresImage(packageVersion: string): string {
  if (!/^\d+\.\d+-/.test(packageVersion)) throw new Error(`unexpected PostgreSQL package version ${packageVersion}`);
  return debianImageRef('postgresql', packageVersion);
}

/** The Valkey image's reference for a Debian package version of `valkey-server`. */
export function valkeyImage(packageVersion: string): string {
  return debianImageRef('valkey', packageVersion);
}

/** What runs in a {@link debianPackageImage}. */
export interface DebianImageRuntime {
  readonly entrypoint: readonly string[];
  /** `uid:gid` the image runs as. */
  readonly user: string;
  /** `PATH`. @default `/usr/local/bin:/usr/bin:/bin` */
  readonly path?: string;
}

/** An image `ref` (from {@link debianImageRef}) whose one layer is a Debian root filesystem. */
export function debianPackageImage(ref: string, rootfs: DebianRootfs, runtime: DebianImageRuntime): ImageSpec {
  return {
    ref, files: [], layerTar: rootfs.tar, path: runtime.path ?? '/usr/local/bin:/usr/bin:/bin',
    entrypoint: runtime.entrypoint, user: runtime.user,
  };
}

/** `PATH` of the PostgreSQL image: the major version's binaries first (CloudNativePG runs initdb, pg_ctl, postgres by name). */
export function postgresPath(packageVersion: string): string {
  return `/usr/lib/postgresql/${packageVersion.split('.')[0]!}/bin:/usr/local/bin:/usr/bin:/bin`;
}

/** The Go module of the node's own binaries. */
export const NODE_GO_MODULE = join(__dirname, '..', 'go');

/** One file of an image. */
export interface ImageFile {
  /** Absolute path inside the image. */
  readonly path: string;
  /** File on the host. */
  readonly source: string;
  readonly mode: number;
}

/** What goes into an image. */
export interface ImageSpec {
  readonly ref: string;
  readonly files: readonly ImageFile[];
  readonly entrypoint: readonly string[];
  readonly cmd?: readonly string[];
  /** Empty directories to create (e.g. `/tmp`). */
  readonly dirs?: readonly string[];
  /** Symbolic links (absolute path in the image → target). */
  readonly links?: Readonly<Record<string, string>>;
  /** Directory trees copied whole (absolute path in the image ← directory on the host). */
  readonly trees?: readonly { readonly path: string; readonly source: string }[];
  /**
   * A ready layer tar (a whole root filesystem): the image's first layer; `files`, `trees`, `dirs` and `links`,
   * when given, make a second layer above it.
   */
  readonly layerTar?: string;
  /** `PATH` of the image (default `/`). */
  readonly path?: string;
  readonly user?: string;
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Builds `pause`, `e2e-app` and `runc-wrapper` (static, `CGO_ENABLED=0`) from {@link NODE_GO_MODULE} into
 * `outDir`, with the tool builder's Go caches.
 */
export async function buildNodeBinaries(outDir: string): Promise<{ pause: string; app: string; runcWrapper: string }> {
  mkdirSync(outDir, { recursive: true });
  await $({
    cwd: NODE_GO_MODULE,
    quiet: true,
    env: { ...process.env, ...goCacheDirs(), CGO_ENABLED: '0', GOWORK: 'off', GOFLAGS: '-mod=mod -buildvcs=false' },
  })`go build -trimpath -ldflags=${'-s -w'} -o ${`${outDir}/`} ./cmd/pause ./cmd/e2e-app ./cmd/runc-wrapper`;
  return { pause: join(outDir, 'pause'), app: join(outDir, 'e2e-app'), runcWrapper: join(outDir, 'runc-wrapper') };
}

/** Writes the image as a docker-archive tar; returns the image config's digest. */
export async function writeImageArchive(spec: ImageSpec, archive: string, scratch: string): Promise<string> {
  rmSync(scratch, { recursive: true, force: true });
  const rootfs = join(scratch, 'rootfs');
  mkdirSync(rootfs, { recursive: true });
  for (const d of spec.dirs ?? []) mkdirSync(join(rootfs, d), { recursive: true, mode: 0o1777 });
  for (const d of spec.dirs ?? []) chmodSync(join(rootfs, d), 0o1777);
  for (const f of spec.files) {
    const target = join(rootfs, f.path);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(f.source, target);
    chmodSync(target, f.mode);
  }
  for (const [link, target] of Object.entries(spec.links ?? {})) {
    mkdirSync(dirname(join(rootfs, link)), { recursive: true });
    symlinkSync(target, join(rootfs, link));
  }
  for (const t of spec.trees ?? []) cpSync(t.source, join(rootfs, t.path), { recursive: true });
  const own = spec.files.length > 0 || (spec.trees ?? []).length > 0 || (spec.dirs ?? []).length > 0 || Object.keys(spec.links ?? {}).length > 0;
  const layerFiles: string[] = spec.layerTar ? [spec.layerTar] : [];
  if (own || !spec.layerTar) {
    const layerFile = join(scratch, 'layer.tar');
    await $({ quiet: true })`tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=gnu -C ${rootfs} -cf ${layerFile} .`;
    layerFiles.push(layerFile);
  }
  const layerDigests = layerFiles.map((f) => sha256(readFileSync(f)));
  const config = {
    architecture: 'amd64',
    os: 'linux',
    config: {
      Entrypoint: spec.entrypoint,
      ...(spec.cmd ? { Cmd: spec.cmd } : {}),
      ...(spec.user ? { User: spec.user } : {}),
      Env: [`PATH=${spec.path ?? '/'}`],
    },
    rootfs: { type: 'layers', diff_ids: layerDigests.map((d) => `sha256:${d}`) },
    history: [{ created_by: 'mini-atlas tools/node/src/images.ts', comment: spec.ref }],
  };
  const configJson = JSON.stringify(config);
  const configDigest = sha256(configJson);
  const out = join(scratch, 'archive');
  layerFiles.forEach((f, i) => {
    mkdirSync(join(out, layerDigests[i]!), { recursive: true });
    copyFileSync(f, join(out, layerDigests[i]!, 'layer.tar'));
  });
  writeFileSync(join(out, `${configDigest}.json`), configJson);
  writeFileSync(join(out, 'manifest.json'), JSON.stringify([
    { Config: `${configDigest}.json`, RepoTags: [spec.ref], Layers: layerDigests.map((d) => `${d}/layer.tar`) },
  ]));
  await $({ quiet: true })`tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C ${out} -cf ${archive} .`;
  rmSync(scratch, { recursive: true, force: true });
  return `sha256:${configDigest}`;
}

/** The node's images from the built binaries. */
export function nodeImageSpecs(bin: {
  pause: string; app: string; coredns?: string; localPathProvisioner?: string; busybox?: string;
  cnpgManager?: string; postgres?: DebianRootfs; valkey?: DebianRootfs;
}): ImageSpec[] {
  const specs: ImageSpec[] = [
    { ref: IMAGES.pause, files: [{ path: '/pause', source: bin.pause, mode: 0o755 }], entrypoint: ['/pause'], user: '65535:65535' },
    { ref: IMAGES.app, files: [{ path: '/e2e-app', source: bin.app, mode: 0o755 }], entrypoint: ['/e2e-app'], dirs: ['/tmp'], user: '65532:65532' },
    {
      ref: IMAGES.appExits, files: [{ path: '/e2e-app', source: bin.app, mode: 0o755 }], entrypoint: ['/e2e-app'], cmd: ['exit', '3'],
      dirs: ['/tmp'], user: '65532:65532',
    },
  ];
  if (bin.coredns) {
    specs.push({ ref: IMAGES.coredns, files: [{ path: '/coredns', source: bin.coredns, mode: 0o755 }], entrypoint: ['/coredns'], user: '65532:65532' });
  }
  if (bin.localPathProvisioner) {
    specs.push({
      ref: IMAGES.localPathProvisioner, files: [{ path: '/local-path-provisioner', source: bin.localPathProvisioner, mode: 0o755 }],
      entrypoint: ['/local-path-provisioner'], user: '65532:65532',
    });
  }
  if (bin.busybox) {
    specs.push({
      ref: IMAGES.busybox, files: [{ path: '/bin/busybox', source: bin.busybox, mode: 0o755 }], entrypoint: ['/bin/sh'], path: '/bin',
      links: Object.fromEntries(['sh', 'mkdir', 'rm', 'chmod', 'ls', 'cat'].map((c) => [`/bin/${c}`, 'busybox'])), dirs: ['/tmp'],
    });
  }
  if (bin.cnpgManager) {
    // The chart's operator runs as 10001; instance pods run the copied manager as PostgreSQL's user (26).
    // Upstream's image layout: the operator finds the instance managers it can hand out as `operator/manager_<arch>`
    // (relative to its working directory, `/`), and `/manager` is the one for the image's own architecture.
    specs.push({
      ref: IMAGES.cnpg, files: [{ path: '/operator/manager_amd64', source: bin.cnpgManager, mode: 0o755 }],
      links: { '/manager': 'operator/manager_amd64' }, entrypoint: ['/manager'], user: '10001:10001',
    });
  }
  if (bin.postgres) {
    specs.push(debianPackageImage(postgresImage(bin.postgres.packageVersion), bin.postgres, { entrypoint: ['postgres'], user: '26:26', path: postgresPath(bin.postgres.packageVersion) }));
  }
  if (bin.valkey) {
    // The platform's Valkey Deployment gives arguments only (`--requirepass …`). The upstream image's entrypoint
    // (valkey-io/valkey-container `docker-entrypoint.sh`) puts `valkey-server` before arguments starting with
    // `-`, drops root to `valkey` (999) and sets umask 0077; here the server is the entrypoint itself, and the
    // pod already runs as 999 (the RGD's `runAsUser`), so there is no user to drop to; its umask is the runtime's.
    specs.push(debianPackageImage(valkeyImage(bin.valkey.packageVersion), bin.valkey, { entrypoint: ['valkey-server'], user: '999:999' }));
  }
  return specs;
}
