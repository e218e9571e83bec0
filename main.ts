/**
 * `npm run synth`: Mini-Atlas's own platform, written the way any platform repo writes its synth program —
 * the library composes the layers (`buildPlatform`), `@mini-atlas/synth` gives the command (flags, profiles,
 * validation, change guard, atomic write). Options: `npm run synth -- --help`.
 */
import { buildPlatform } from 'mini-atlas';
import { runSynth } from '@mini-atlas/synth';
import { addTeamA } from './teams/team-a';

runSynth({
  build: (context) => buildPlatform({ ...context, teams: addTeamA }).app,
});
