/**
 * The esbuild settings every function is bundled with; `npm run bench` builds with the same ones,
 * so the sizes and load times it measures are those of what is deployed.
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
  sourceMap: true,
} as const;
