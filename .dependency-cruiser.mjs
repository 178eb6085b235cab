// Import rules checked by `npm run lint:deps`: no cycles, and each src/ folder keeps to its layer (README, "Architecture").
/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle means neither module can be understood, tested or moved without the other, and the order in ' +
        'which the Worker evaluates them decides which one sees the other half-initialised. Type-only imports ' +
        'count too: they tie the two files just as tightly for whoever reads or changes them.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-imports-no-other-layer',
      severity: 'error',
      comment:
        'src/domain/ is pure logic, no I/O, tested directly with many cases: reaching into db, objects, ' +
        'services, routes or http would bring I/O and the runtime into it. src/lib/ holds generic ' +
        'building blocks with no knowledge of Relais and sits below it.',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/(domain|lib)/' },
    },
    {
      name: 'routes-only-from-the-entry',
      severity: 'error',
      comment:
        'src/routes/ are the HTTP edges, the top layer: only the app that mounts them (src/app.ts), the Worker ' +
        'entry (src/index.ts, the redirect fast path) and other routes may use them. Anything else needing ' +
        "a route's logic wants it moved down into a service or domain/. Tests may import what they test.",
      from: { path: '^src/', pathNot: '^src/(app\\.ts|index\\.ts|routes/)' },
      to: { path: '^src/routes/' },
    },
    {
      name: 'db-imports-no-upper-layer',
      severity: 'error',
      comment:
        'src/db/ is the state layer that services, routes, jobs, objects and the isolate caches are built on: ' +
        'a query module that imports one of them inverts the layering and drags the use case into the storage.',
      from: { path: '^src/db/' },
      to: { path: '^src/(services|routes|jobs|objects|isolate|http)/' },
    },
    {
      name: 'console-through-services',
      severity: 'error',
      comment:
        "src/console/ is the browser's edge, beside src/routes/: its pages call the same application services " +
        'as the API, so that a rule enforced for one is enforced for the other. Reaching D1, a Durable Object, ' +
        'a job or an API route from a page would be a second, unchecked way in.',
      from: { path: '^src/console/' },
      to: { path: '^src/(db|objects|jobs|routes|isolate)/' },
    },
    {
      name: 'console-only-from-the-app',
      severity: 'error',
      comment: 'The console is an edge like src/routes/: only the app that mounts it may import it.',
      from: { path: '^src/', pathNot: '^src/(app\\.ts|console/)' },
      to: { path: '^src/console/' },
    },
  ],
  options: {
    // The rules are about our own modules; packages are leaves.
    doNotFollow: { path: 'node_modules' },
    // Keep type-only imports (`import type`), which TypeScript erases before the bundler sees them.
    tsPreCompilationDeps: true,
    // Resolve extensionless imports the way TypeScript does for the Worker code.
    tsConfig: { fileName: 'tsconfig.json' },
    // Packages' subpath exports (`hono/http-exception`), resolved as the bundler does.
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'types', 'default'] },
    // workerd's own modules, like Node's `node:` ones: part of the runtime, not files to resolve.
    builtInModules: { add: ['cloudflare:workers', 'cloudflare:test'] },
  },
};
