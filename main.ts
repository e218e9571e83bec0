/**
 * `npm run synth`: Mini-Atlas's own platform, written the way any platform repo writes its synth program —
 * the library composes the layers (`buildPlatform`), `@mini-atlas/synth` gives the command (flags, profiles,
 * validation, change guard, atomic write). Options: `npm run synth -- --help`.
 *
 * Two profiles, two committed trees: `local` (the default) into `dist/`, which `npm run cluster:up` and the test
 * suites read, and `production` into `deploy/production/` (`npm run synth:production`); a cluster follows one.
 */
import { buildPlatform, LOCAL, PRODUCTION, type EnvironmentProfile } from 'mini-atlas';
import { runSynth } from '@mini-atlas/synth';
import { addTeamA } from './teams/team-a';

/**
 * Mini-Atlas's reference production: the built-in sizes on a cluster whose volumes come from the AWS EBS CSI
 * driver (`ebs.csi.aws.com`, volume type gp3). The built-in names no provisioner: a platform names its own.
 */
const PRODUCTION_EBS: EnvironmentProfile = { ...PRODUCTION, storage: { provisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3' } } };

runSynth({
  profiles: [LOCAL, PRODUCTION_EBS],
  build: (context) => buildPlatform({ ...context, teams: addTeamA }).app,
});
