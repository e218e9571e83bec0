/**
 * The public API report is checked (issue 17, item 5): `npm run api -- --check` (in `npm run lint`, so CI)
 * accepts the committed api/mini-atlas.api.md for today's declarations and rejects a report that lacks one of
 * today's exports, with the message naming the command that updates it.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ExtractorConfig } from '@microsoft/api-extractor';
import { reportDiffers, runApiExtractor } from '../../scripts/api';

const root = join(__dirname, '..', '..');
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mini-atlas-api-'));
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.api.json'),
    '--outDir', join(work, 'decl'), '--tsBuildInfoFile', join(work, 'decl', '.tsbuildinfo')], { cwd: root, stdio: 'pipe' });
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** API Extractor's configuration of the package, reading the declarations in `work` and the report in `reports`. */
function configWith(reports: string): ExtractorConfig {
  const file = join(root, 'api-extractor.json');
  const loaded = ExtractorConfig.loadFile(file);
  return ExtractorConfig.prepare({
    configObject: {
      ...loaded,
      projectFolder: root,
      mainEntryPointFilePath: join(work, 'decl', 'lib', 'index.d.ts'),
      apiReport: { enabled: true, reportFileName: 'mini-atlas', reportFolder: reports, reportTempFolder: join(work, 'temp') },
      dtsRollup: { enabled: false },
    },
    configObjectFullPath: file,
    packageJsonFullPath: join(root, 'package.json'),
  });
}

function reportsWith(name: string, edit: (text: string) => string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(root, 'api', 'mini-atlas.api.md'), join(dir, 'mini-atlas.api.md'));
  writeFileSync(join(dir, 'mini-atlas.api.md'), edit(readFileSync(join(dir, 'mini-atlas.api.md'), 'utf8')));
  return dir;
}

test('the committed report is current and API Extractor finds no problem (no forgotten export, no broken link)', () => {
  expect(runApiExtractor('.', true, configWith(reportsWith('committed', (t) => t)))).toEqual({
    report: relative(root, join(work, 'committed', 'mini-atlas.api.md')), changed: false, problems: 0,
  });
}, 300_000);

test('a report without one of the exports differs, and the check names the command that updates it', () => {
  const line = 'export const kafkaTopicName: (namespace: string, topic: string) => string;\n';
  const dir = reportsWith('stale', (t) => {
    expect(t).toContain(line);
    return t.replace(line, '');
  });
  const run = runApiExtractor('.', true, configWith(dir));
  expect(run).toEqual({ report: relative(root, join(dir, 'mini-atlas.api.md')), changed: true, problems: 0 });
  expect(reportDiffers('api/mini-atlas.api.md')).toBe(
    "api/mini-atlas.api.md differs from the public API the declarations export; run `npm run api` and commit api/mini-atlas.api.md (review the diff: every change there is a change to the package's users)",
  );
}, 300_000);
