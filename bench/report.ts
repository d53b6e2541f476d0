/**
 * What every bench module reports: rows of `{ figure, result, target, met }`, printed with a
 * verdict, written to bench/results.json, and copied into docs/performance.md by bench/readme-figures.ts,
 * so the documented figures are always those of one run. A module adds figures by returning rows;
 * its own detail (samples, per-run numbers) goes under `details` in results.json.
 */

export interface FigureRow {
  /** What was measured, e.g. "cold load, create-invite". */
  figure: string;
  /** The measured value, with its unit and the floor it was compared with. */
  result: string;
  /** The target, e.g. "≤ 1.15 × floor"; empty when the figure is only reported. */
  target: string;
  /** Whether the target was met; null when there is no target. */
  met: boolean | null;
  /** The spread within this run (e.g. the interquartile range of paired ratios), when measured. */
  noise?: string;
}

export interface BenchResults {
  measuredAt: string;
  node: string;
  machine: string;
  /** The 1-minute load average when the run started and when it ended: other work on the machine. */
  loadAverage?: [number, number];
  durationSeconds: number;
  rows: FigureRow[];
  details: Record<string, unknown>;
}

export const RESULTS_FILE = new URL('results.json', import.meta.url);

export const verdict = (met: boolean | null): string => (met === null ? '—' : met ? 'met' : 'NOT MET');

/** A plain-text table of rows, with their verdicts, for the terminal. */
export const formatRows = (title: string, rows: FigureRow[]): string => {
  const header = ['figure', 'result', 'target', 'verdict'];
  const cells = [header, ...rows.map((row) => [row.figure, row.result, row.target || '—', verdict(row.met)])];
  const widths = header.map((_, column) => Math.max(...cells.map((line) => line[column]!.length)));
  const lines = cells.map((line) => line.map((cell, column) => cell.padEnd(widths[column]!)).join('  '));
  lines.splice(1, 0, widths.map((width) => '-'.repeat(width)).join('  '));
  return `\n${title}\n${lines.join('\n')}`;
};

/** Median of numbers. */
export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** The value below which `p` percent of the values lie (nearest rank). */
export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
};

/**
 * A 95 % confidence interval of the median by order statistics (no assumption about the
 * distribution, which for process start times is skewed): ranks n/2 ∓ 0.98 √n.
 */
export const medianInterval = (values: number[]): { low: number; high: number } => {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const spread = 0.98 * Math.sqrt(n);
  return {
    low: sorted[Math.max(0, Math.floor(n / 2 - spread))]!,
    high: sorted[Math.min(n - 1, Math.ceil(n / 2 + spread) - 1)]!,
  };
};
