/**
 * The esbuild settings every function is bundled with, and the Node options it runs with;
 * `npm run bench` builds and loads with the same ones, so the sizes and load times it measures are
 * those of what is deployed.
 */
export const BUNDLING = {
  /** Matches the Lambda runtime, Node.js 24. */
  target: 'node24',
  format: 'esm',
  /** ESM entry points of dependencies first: smaller bundles that load faster (DESIGN.md). */
  mainFields: ['module', 'main'],
  /** `require` for the CommonJS dependencies bundled into an ES module. */
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  minify: true,
} as const;

/**
 * NODE_OPTIONS of the deployed functions. Source maps are a deliberate choice (context
 * `sourceMaps`, default off): `--enable-source-maps` with 1.5–2.3 MB maps adds 15–25 ms to every
 * cold start (README, "Cold start as deployed"), for stack traces that name source lines. Off,
 * traces name minified bundle positions; the logs' operation and error code still say what failed.
 */
export const nodeOptionsFor = (sourceMaps: boolean): string | undefined =>
  sourceMaps ? '--enable-source-maps' : undefined;
