/** FluxSync: the GitRepository and one Kustomization per stage. */
import { FluxSync } from '../../../lib/gitops/flux-sync';
import { issues } from '../../helpers/issues';
import { render } from '../../helpers/platform';
import { renderConstruct } from '../../helpers/construct';

test('defaults (required props only)', () => {
  expect(renderConstruct(({ before, stage }) => { new FluxSync(stage, 'sync', { stages: [before] }); })).toMatchSnapshot();
});

test('all props', () => {
  expect(renderConstruct(({ before, stage }) => {
    new FluxSync(stage, 'sync', {
      stages: [before], repositoryUrl: 'ssh://git@git.example.com:2222/acme/platform.git', branch: 'release/1.x', distPath: 'deploy/dist', interval: '1m',
    });
  })).toMatchSnapshot();
});

test('fails if the Git URL is malformed', () => {
  expect(issues(() => render({ git: { repositoryUrl: 'github.com/acme/platform' } }))).toEqual([{
    path: 'flux-system/flux-system/sync', field: 'repositoryUrl', value: '"github.com/acme/platform"',
    rule: 'is not a Git URL Flux can clone', fix: 'use https://host/org/repo.git or ssh://git@host/org/repo.git',
  }]);
});

test('fails if the branch name is bad', () => {
  expect(issues(() => render({ git: { branch: 'feature..x' } }))).toContainEqual(expect.objectContaining({
    field: 'branch', value: '"feature..x"', rule: 'is not a valid branch name',
  }));
});
