// The module graph's rules, checked by `npm run lint:deps` (part of `npm test`):
// folders follow the data flow and depend only on folders below them, and no cycle
// exists anywhere. docs/architecture.md draws the same layers.
//
// Lowest first: a folder may import its own files and any folder listed before it.
const LAYERS = [
  ['common', '^src/(common/|errors\\.ts$)'],
  ['protocol', '^src/protocol/'],
  ['config', '^src/config/'],
  ['sources', '^src/sources/'],
  ['transform', '^src/transform/'],
  ['model', '^src/model/'],
  ['store', '^src/store/'],
  ['stack', '^src/stack/'],
  ['sync', '^src/sync/'],
  ['destination', '^src/destination/'],
  ['checks', '^src/checks/'],
  ['monitor', '^src/monitor/'],
  ['report', '^src/report/'],
  ['init', '^src/init/'],
  ['cli', '^src/(cli/|index\\.ts$)'],
];

const upward = LAYERS.slice(0, -1).map(([name, path], i) => ({
  name: `no-upward-from-${name}`,
  comment: `${name} sits below ${LAYERS.slice(i + 1).map(([n]) => n).join(', ')}: it must not import them (the data flows the other way).`,
  severity: 'error',
  from: { path },
  to: { path: LAYERS.slice(i + 1).map(([, p]) => `(${p})`).join('|') },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A cycle makes two modules one: neither can be understood, tested or moved alone.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...upward,
  ],
  options: {
    includeOnly: '^src/',
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'], conditionNames: ['import', 'node', 'default'] },
  },
};
