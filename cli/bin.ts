/**
 * The CLI's entry point (cli/build.mjs compiles it into dist/openai-invites.mjs). `--version` and
 * `--help` answer from here, before the commands and their AWS clients are loaded (they are a
 * separate chunk, loaded by the import below): the help text is cli.ts's own, captured at build.
 */
import { readFileSync } from 'node:fs';
import { quietOnClosedPipe } from './pipes';

declare const __CLI_HELP__: string | undefined;

quietOnClosedPipe();
const [command, ...rest] = process.argv.slice(2);
const help = typeof __CLI_HELP__ === 'string' ? __CLI_HELP__ : undefined;

if (command === '--version' || command === '-v' || command === 'version') {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  console.log(`openai-invites ${version}`);
} else if (
  help !== undefined &&
  rest.length === 0 &&
  (command === undefined || command === '--help' || command === '-h' || command === 'help')
) {
  process.stdout.write(help);
} else {
  await import('./cli');
}
