/** `@mini-atlas/synth`: the synth command any Mini-Atlas platform repo runs (`runSynth`). */
export { runSynth, synthesize, synthesizeAll, selectProfile, fluxPathOf, UnknownProfileError } from './synth';
export type { SynthProgram, SynthContext, SynthGitSource, SynthResult } from './synth';
export { SYNTH_COMMAND, parseSynthArgs, type SynthOptions } from './options';
