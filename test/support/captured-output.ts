/**
 * Records everything the code under test writes to stdout/stderr, so tests can assert what the
 * logs hold (and that no key is among it). Installed once per test file by setup-env.ts.
 */
const written: string[] = [];
let installed = false;
let printOriginal: (text: string) => void = (text) => process.stderr.write(text);

export const installOutputRecorder = (): void => {
  if (installed) return;
  installed = true;
  const originalStdout = process.stdout.write.bind(process.stdout);
  printOriginal = (text) => originalStdout(text);
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      // Log lines are kept for assertions, not printed: they would bury the test report.
      return process.env.TEST_SHOW_LOGS ? original(chunk, ...rest) : true;
    }) as typeof stream.write;
  }
};

/** Everything written so far in this test file. */
export const capturedOutput = (): string => written.join('');

/** The JSON log lines written so far. */
export const capturedLogLines = (): Record<string, unknown>[] =>
  capturedOutput()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** Prints a line to the test report itself (the recorder keeps other output back). */
export const report = (line: string): void => printOriginal(`${line}\n`);
