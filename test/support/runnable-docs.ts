/**
 * The blocks of README.md and docs/*.md marked to run under `npm start`: a line
 * `<!-- runnable: npm start -->` right before a ```sh block. Each block is commands, each
 * optionally followed by a `# → expected` line (what it prints; `…` for what differs every run).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const RUNNABLE_MARKER = '<!-- runnable: npm start -->';

export interface Step {
  script: string;
  expected?: string;
}

export interface RunnableBlock {
  /** `README.md` or `docs/<page>.md`. */
  file: string;
  /** The heading the block sits under. */
  heading: string;
  steps: Step[];
}

const ROOT = new URL('../../', import.meta.url).pathname;

/** README.md, then every docs page in name order. */
export const documentedPages = (root = ROOT): string[] => [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];

/** A block's lines as steps: a command (continued by a trailing `\`) and its `# →` line. */
export const stepsOf = (block: string): Step[] => {
  const steps: Step[] = [];
  let command: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('# →')) {
      steps.push({ script: command.join('\n'), expected: line.slice(3).trim() });
      command = [];
    } else if (line.startsWith('#') || line.trim() === '') {
      if (command.length > 0 && !command.at(-1)!.endsWith('\\')) {
        steps.push({ script: command.join('\n') });
        command = [];
      }
    } else {
      command.push(line);
    }
  }
  if (command.length > 0) steps.push({ script: command.join('\n') });
  return steps;
};

/**
 * Every runnable block of one page's text (the marker on a line of its own, so prose may quote it);
 * a marker not followed by a ```sh block is an error.
 */
export const runnableBlocksOf = (file: string, text: string): RunnableBlock[] => {
  const lines = text.split('\n');
  return lines.flatMap((line, index) => {
    if (line !== RUNNABLE_MARKER) return [];
    const end = lines.indexOf('```', index + 2);
    if (lines[index + 1] !== '```sh' || end < 0) {
      throw new Error(`${file}:${index + 1}: ${RUNNABLE_MARKER} must be followed by a \`\`\`sh block.`);
    }
    const heading = lines
      .slice(0, index)
      .reverse()
      .find((each) => /^#+ /.test(each))
      ?.replace(/^#+ /, '');
    return [{ file, heading: heading ?? '', steps: stepsOf(lines.slice(index + 2, end).join('\n')) }];
  });
};

export const runnableBlocks = (root = ROOT): RunnableBlock[] =>
  documentedPages(root).flatMap((file) => runnableBlocksOf(file, readFileSync(join(root, file), 'utf8')));
