/**
 * `openai-invites`: the project's command line, built by cli/build.mjs into dist/openai-invites.mjs.
 * One row per command in COMMANDS (its one-line summary, its usage, its function); `--help` prints
 * the short overview, `COMMAND --help` (or `help COMMAND`) the command's own. Exit codes:
 * cli/exit-codes.ts.
 */
import { readFileSync } from 'node:fs';
import { BULK_USAGE, bulkInvite } from './bulk-invite';
import { DLQ_USAGE, dlq } from './dlq';
import { EXIT, EXIT_CODES_HELP } from './exit-codes';
import { JOB_USAGE, job } from './job';
import { JOBS_USAGE, jobs } from './jobs';
import { OFFBOARDING_USAGE, offboarding } from './offboarding';
import { PERSON_USAGE, person } from './person';
import { RECONCILE_USAGE, reconcile } from './reconcile';
import { SMOKE_USAGE, smoke } from './smoke';
import { STATUS_USAGE, status } from './status';
import { SWEEP_USAGE, sweep } from './sweep';
import { WEBHOOK_USAGE, webhookExample } from './webhook-example';
import { didYouMean } from './suggest';
import { parseArgsMessage, UsageError } from './usage-errors';
import { quietOnClosedPipe } from './pipes';

interface Command {
  /** How the overview shows it (name and arguments). */
  synopsis: string;
  summary: string;
  usage: string;
  run: (args: string[]) => Promise<number> | number;
}

const COMMANDS: Record<string, Command> = {
  'bulk-invite': {
    synopsis: 'bulk-invite FILE',
    summary: 'check a CSV or JSONL file of invites and send it as bulk jobs (--wait: watch them)',
    usage: BULK_USAGE,
    run: bulkInvite,
  },
  job: {
    synopsis: 'job JOB_ID',
    summary: "a bulk job's progress and failures (--watch: until it completes)",
    usage: JOB_USAGE,
    run: job,
  },
  jobs: {
    synopsis: 'jobs',
    summary: 'recent bulk jobs with their progress, newest first',
    usage: JOBS_USAGE,
    run: jobs,
  },
  dlq: {
    synopsis: 'dlq list|redrive|discard',
    summary: 'the dead-letter queue: list it, move it back to the bulk queue, or discard what was fixed',
    usage: DLQ_USAGE,
    run: dlq,
  },
  status: {
    synopsis: 'status',
    summary: 'one screen: the gateway, queue depths, dead letters by reason, leavers, the OpenAI rate',
    usage: STATUS_USAGE,
    run: status,
  },
  smoke: {
    synopsis: 'smoke',
    summary: 'check a deployed stack (or npm start) end to end without inviting anyone',
    usage: SMOKE_USAGE,
    run: smoke,
  },
  reconcile: {
    synopsis: 'reconcile ROSTER',
    summary: 'declare a roster as intent; plan (and with --apply make) OpenAI match it',
    usage: RECONCILE_USAGE,
    run: reconcile,
  },
  sweep: {
    synopsis: 'sweep',
    summary: 'one reconciler run now (npm start; deployed: on a schedule)',
    usage: SWEEP_USAGE,
    run: sweep,
  },
  'webhook-example': {
    synopsis: 'webhook-example PROVIDER',
    summary: 'print a signed curl for an HR webhook (standard, greenhouse, okta, bamboohr)',
    usage: WEBHOOK_USAGE,
    run: webhookExample,
  },
  offboarding: {
    synopsis: 'offboarding list|done',
    summary: 'leavers still in the OpenAI organization, awaiting a person; done EMAIL',
    usage: OFFBOARDING_USAGE,
    run: offboarding,
  },
  person: {
    synopsis: 'person EMAIL',
    summary: 'one person: intent, who declared it, what OpenAI shows, history (--json)',
    usage: PERSON_USAGE,
    run: person,
  },
};

const USAGE = `Usage: openai-invites COMMAND [options]

Commands:
${Object.values(COMMANDS)
  .map((command) => `  ${command.synopsis.padEnd(26)}${command.summary}`)
  .join('\n')}

  --version, -v             print the version
  --help, -h                this overview; openai-invites COMMAND --help for a command's options

Settings read from the environment (npm start prints them as export lines): INVITES_API_URL (the
API's base URL ending in /v1), INVITES_API_TOKEN (token mode), INVITE_QUEUE_URL, INVITE_DLQ_URL.

${EXIT_CODES_HELP}`;

const version = (): string =>
  (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;

const isHelp = (word: string | undefined) => word === '--help' || word === '-h' || word === 'help';

const main = async (argv: string[]): Promise<number> => {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    console.log(`openai-invites ${version()}`);
    return 0;
  }
  if (name === undefined || isHelp(name)) {
    const asked = name === 'help' ? rest[0] : undefined;
    if (asked !== undefined && COMMANDS[asked]) return COMMANDS[asked].run(['--help']);
    console.log(USAGE);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(
      `openai-invites: unknown command ${JSON.stringify(name)}.${didYouMean(name, Object.keys(COMMANDS))}\nopenai-invites --help lists the commands.`,
    );
    return EXIT.usage;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`openai-invites ${name}: ${error.message}`);
      return EXIT.usage;
    }
    // parseArgs' own errors (an unknown option, a missing value) are usage errors.
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`openai-invites ${name}: ${parseArgsMessage(error as Error, command.usage)}`);
      return EXIT.usage;
    }
    throw error;
  }
};

quietOnClosedPipe();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`openai-invites: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
