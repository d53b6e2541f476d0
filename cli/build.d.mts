import type { BuildResult } from 'esbuild';

/** dist/openai-invites.mjs, absolute. */
export declare const CLI_OUTFILE: string;
/** Builds the CLI into CLI_OUTFILE (and its esbuild metafile beside it). */
export declare const buildCli: () => Promise<BuildResult<{ metafile: true }>>;
