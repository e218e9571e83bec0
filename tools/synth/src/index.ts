/** `@mini-atlas/synth`: the synth command any Mini-Atlas platform repo runs (`runSynth`). */
export { runSynth, runSynthModule, synthesize, synthesizeAll, selectProfile, fluxPathOf, UnknownProfileError } from './synth';
export type { SynthProgram, SynthContext, SynthGitSource, SynthResult } from './synth';
export { SYNTH_COMMAND, SYNTH_BIN_COMMAND, parseSynthArgs, synthOptionsOf, type SynthOptions } from './options';
