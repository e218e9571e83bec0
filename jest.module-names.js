/** Package names of the library and the tool packages, mapped to their sources (as tsconfig.json `paths`). */
module.exports = {
  '^mini-atlas$': '<rootDir>/lib/index.ts',
  '^@mini-atlas/cli-common/(.*)$': '<rootDir>/tools/cli-common/src/$1',
  '^@mini-atlas/synth$': '<rootDir>/tools/synth/src/index.ts',
};
