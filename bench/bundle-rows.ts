/** The rows of bench/bundles.ts's figures: size and cold load of each function against the floor. */
import { type BundleFigure, WORKER } from './bundles';
import type { PairedRatio } from './rounds';
import type { FigureRow } from './report';

/** The functions behind the invite routes: the ones the size and cold-load targets are for. */
const API_FUNCTIONS = new Set(['create-invite', 'list-invites', 'retrieve-invite', 'delete-invite']);
const SIZE_TARGET_KB = 60;
const COLD_LOAD_TARGET = 1.15;

const kb = (bytes: number) => (bytes / 1024).toFixed(1);

const interval = (ratio: PairedRatio) =>
  `95 % interval ${ratio.low.toFixed(2)}–${ratio.high.toFixed(2)} ×, ${ratio.rounds} rounds`;

/** The bulk worker against its own floor (the SQS and Secrets Manager clients only). */
const workerRows = (
  workerFloor: BundleFigure & { workerRatio: PairedRatio },
  worker: BundleFigure,
): FigureRow[] => {
  const ratio = workerFloor.workerRatio;
  return [
    {
      figure: 'worker floor: a handler importing only the SQS and Secrets Manager clients',
      result: `${kb(workerFloor.bytes)} KB, cold load ${workerFloor.coldLoadMs.toFixed(0)} ms`,
      target: '',
      met: null,
    },
    {
      figure: `bundle, ${WORKER} against its floor`,
      result: `worker floor + ${((worker.bytes - workerFloor.bytes) / 1024).toFixed(1)} KB`,
      target: '',
      met: null,
    },
    {
      figure: `cold load, ${WORKER} against its floor`,
      result: `${ratio.ratio.toFixed(2)} × worker floor (${worker.coldLoadMs.toFixed(0)} ms)`,
      target: `≤ ${COLD_LOAD_TARGET} × worker floor`,
      met: ratio.ratio <= COLD_LOAD_TARGET,
      noise: interval(ratio),
    },
  ];
};

export const bundleRows = (bundles: {
  floor: BundleFigure;
  functions: BundleFigure[];
  workerFloor?: BundleFigure & { workerRatio: PairedRatio };
}): FigureRow[] => {
  const { floor } = bundles;
  const worker = bundles.functions.find((row) => row.name === WORKER);
  const sizes = bundles.functions.map((row): FigureRow => {
    const api = API_FUNCTIONS.has(row.name);
    const over = (row.bytes - floor.bytes) / 1024;
    return {
      figure: `bundle, ${row.name}`,
      result: `${kb(row.bytes)} KB = floor + ${over.toFixed(1)} KB`,
      target: api ? `≤ floor + ${SIZE_TARGET_KB} KB` : '',
      met: api ? over <= SIZE_TARGET_KB : null,
    };
  });
  const loads = bundles.functions.map((row): FigureRow => {
    const api = API_FUNCTIONS.has(row.name);
    const ratio = row.coldLoadRatio;
    return {
      figure: `cold load, ${row.name}`,
      result: ratio
        ? `${ratio.ratio.toFixed(2)} × floor (${row.coldLoadMs.toFixed(0)} ms)`
        : `${row.coldLoadMs.toFixed(0)} ms`,
      target: api ? `≤ ${COLD_LOAD_TARGET} × floor` : '',
      met: api && ratio ? ratio.ratio <= COLD_LOAD_TARGET : null,
      noise: ratio ? interval(ratio) : undefined,
    };
  });
  return [
    {
      figure: 'floor: a handler importing only SecretsManagerClient',
      result: `${kb(floor.bytes)} KB, cold load ${floor.coldLoadMs.toFixed(0)} ms`,
      target: '',
      met: null,
    },
    ...sizes,
    ...loads,
    ...(bundles.workerFloor && worker ? workerRows(bundles.workerFloor, worker) : []),
  ];
};

type Measured = { sourceMaps: boolean; floor: BundleFigure; functions: BundleFigure[] };

/** Each function's cold load as deployed next to the other source-map choice: reported, no target. */
export const sourceMapRows = (deployed: Measured, other: Measured): FigureRow[] =>
  deployed.functions.map((row, index) => {
    const alternative = other.functions[index]!;
    return {
      figure: `cold load, ${row.name}: sourceMaps=${deployed.sourceMaps} vs ${other.sourceMaps}`,
      result: `${row.coldLoadMs.toFixed(0)} ms vs ${alternative.coldLoadMs.toFixed(0)} ms`,
      target: '',
      met: null,
    };
  });

/** `npx tsx bench/bundle-rows.ts` measures and prints these rows alone (as deployed). */
if (import.meta.url === `file://${process.argv[1]}`) {
  const { measureBundles } = await import('./bundles');
  for (const row of bundleRows(await measureBundles())) console.log(JSON.stringify(row));
  process.exit(0);
}
