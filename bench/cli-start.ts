/**
 * The CLI's start as a user meets it: `openai-invites --version` and `--help`, the compiled file
 * `bin` names (cli/build.mjs builds it first), each run in a fresh Node process, wall time from
 * spawn to exit; next to `node -e 0` in the same rounds, which is Node's own start on this machine.
 */
import { execFileSync } from 'node:child_process';
import { buildCli, CLI_OUTFILE } from '../cli/build.mjs';
import { type FigureRow, median } from './report';

const TARGET_MS = 500;
const RUNS = 21;

const wallMs = (args: string[]): number => {
  const started = performance.now();
  execFileSync(process.execPath, args, { stdio: 'ignore' });
  return performance.now() - started;
};

export interface CliStart {
  nodeAloneMs: number;
  versionMs: number;
  helpMs: number;
  runs: number;
}

export const measureCliStart = async (): Promise<CliStart> => {
  await buildCli();
  const samples = { node: [] as number[], version: [] as number[], help: [] as number[] };
  for (let run = 0; run < RUNS; run += 1) {
    samples.node.push(wallMs(['-e', '0']));
    samples.version.push(wallMs([CLI_OUTFILE, '--version']));
    samples.help.push(wallMs([CLI_OUTFILE, '--help']));
  }
  return {
    nodeAloneMs: median(samples.node),
    versionMs: median(samples.version),
    helpMs: median(samples.help),
    runs: RUNS,
  };
};

export const cliStartRows = (start: CliStart): FigureRow[] =>
  (['version', 'help'] as const).map((flag) => {
    const ms = flag === 'version' ? start.versionMs : start.helpMs;
    return {
      figure: `CLI start, openai-invites --${flag}`,
      result: `${ms.toFixed(0)} ms (median of ${start.runs}; node -e 0 alone ${start.nodeAloneMs.toFixed(0)} ms)`,
      target: `< ${TARGET_MS} ms`,
      met: ms < TARGET_MS,
    };
  });
