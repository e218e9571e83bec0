/**
 * The library's architecture as rules (`npm run lint` runs `depcruise lib`):
 * - the folders of lib/ are layers, lowest first; a module imports only its own layer and the ones below;
 * - no import cycles;
 * - the library never imports the tools, the tests or the teams that use it.
 * ARCHITECTURE.md explains the layers.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const { join } = require('node:path');

const LAYERS = ['shared', 'gitops', 'core', 'foundation', 'delivery', 'synth'];
/** Modules at the top: they compose every layer. */
const TOP = '^lib/(build-platform|index)\\.ts$';

const layerRules = LAYERS.map((layer, i) => {
  const above = LAYERS.slice(i + 1);
  return {
    name: `layer-${layer}`,
    severity: 'error',
    comment: `lib/${layer}/ may import only ${LAYERS.slice(0, i + 1).map((l) => `lib/${l}/`).join(', ')} (layers: ${LAYERS.join(' → ')})`,
    from: { path: `^lib/${layer}/` },
    to: { path: [...(above.length ? [`^lib/(${above.join('|')})/`] : []), TOP] },
  };
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'an import cycle couples modules that should stand alone; invert one edge (a method on the base class, a registry)',
      from: { path: '^lib/' },
      to: { circular: true },
    },
    {
      name: 'library-stands-alone',
      severity: 'error',
      comment: 'the published library must not import the tools, the tests or the teams that use it',
      from: { path: '^lib/' },
      to: { path: '^(scripts|test|teams|examples)/|^main\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^imports/' },
    tsPreCompilationDeps: true,
    // Resolved from this file, so the rules also apply when depcruise runs elsewhere (the layering test's fixture).
    tsConfig: { fileName: join(__dirname, 'tsconfig.json') },
    moduleSystems: ['es6', 'cjs'],
  },
};
