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

/**
 * esbuild writes a source map's `sources` relative to where it bundles, a directory inside the synth
 * output (cdk.out), so the paths, and with them the asset hash, changed with the output directory;
 * they also named the build machine's directories. This rewrites them relative to the project
 * (`lib/commons/logger.ts`), which Node resolves next to the bundle in Lambda (/var/task/lib/…).
 * One `node -e` in double quotes, with no `$`, backtick or double quote inside: the same command
 * for sh and cmd.
 */
const REWRITE_SOURCES =
  "const fs=require('fs'),p=require('path');const [m,root]=process.argv.slice(1);" +
  "const j=JSON.parse(fs.readFileSync(m,'utf8'));" +
  "j.sources=j.sources.map((s)=>p.relative(root,p.resolve(p.dirname(m),s)).split(p.sep).join('/'));" +
  'fs.writeFileSync(m,JSON.stringify(j));';

/** NodejsFunction command hooks for a bundle with a source map (`index.mjs.map`). */
export const SOURCE_MAP_HOOKS = {
  beforeBundling: (): string[] => [],
  beforeInstall: (): string[] => [],
  afterBundling: (projectRoot: string, outputDir: string): string[] => [
    `node -e "${REWRITE_SOURCES}" "${outputDir}/index.mjs.map" "${projectRoot}"`,
  ],
};
