/**
 * `openai-invites`: the project's command line, built by cli/build.mjs into dist/openai-invites.mjs.
 * Commands: `bulk-invite FILE` (cli/bulk-invite.ts), `job JOB_ID` (cli/job.ts), `dlq list|redrive`
 * (cli/dlq.ts), `reconcile ROSTER` (cli/reconcile.ts), `sweep` (cli/sweep.ts), `offboarding list|done`
 * (cli/offboarding.ts), `person EMAIL` (cli/person.ts) and `webhook-example PROVIDER`
 * (cli/webhook-example.ts). Exit codes:
 * cli/exit-codes.ts.
 */
import { readFileSync } from 'node:fs';
import { BULK_USAGE, bulkInvite } from './bulk-invite';
import { DLQ_USAGE, dlq } from './dlq';
import { EXIT_CODES_HELP } from './exit-codes';
import { JOB_USAGE, job } from './job';
import { OFFBOARDING_USAGE, offboarding } from './offboarding';
import { PERSON_USAGE, person } from './person';
import { RECONCILE_USAGE, reconcile } from './reconcile';
import { SWEEP_USAGE, sweep } from './sweep';
import { WEBHOOK_USAGE, webhookExample } from './webhook-example';

const USAGE = `Usage: openai-invites COMMAND [options]

Commands:
  bulk-invite FILE          check a CSV or JSONL file of invites and send it as bulk jobs (--wait: watch them)
  job JOB_ID                a bulk job's progress and failures (--watch: until it completes)
  dlq list|redrive          the dead-letter queue: list it, or move it back to the bulk queue
  reconcile ROSTER          declare a roster as intent; plan (and with --apply make) OpenAI match it
  sweep                     one reconciler run now (npm start; deployed: on a schedule)
  webhook-example PROVIDER  print a signed curl for an HR webhook (standard, greenhouse, okta, bamboohr)
  offboarding list|done     leavers still in the OpenAI organization, awaiting a person; done EMAIL
  person EMAIL              one person: intent, who declared it, what OpenAI shows, history (--json)

  --version, -v             print the version
  --help, -h                this help; COMMAND --help for a command's options

${EXIT_CODES_HELP}

${BULK_USAGE}

${JOB_USAGE}

${DLQ_USAGE}

${RECONCILE_USAGE}

${SWEEP_USAGE}

${WEBHOOK_USAGE}

${OFFBOARDING_USAGE}

${PERSON_USAGE}`;

const version = (): string =>
  (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;

const main = async (argv: string[]): Promise<number> => {
  const [command, ...rest] = argv;
  if (command === 'bulk-invite') return bulkInvite(rest);
  if (command === 'job') return job(rest);
  if (command === 'dlq') return dlq(rest);
  if (command === 'webhook-example') return webhookExample(rest);
  if (command === 'reconcile') return reconcile(rest);
  if (command === 'sweep') return sweep(rest);
  if (command === 'offboarding') return offboarding(rest);
  if (command === 'person') return person(rest);
  if (command === '--version' || command === '-v' || command === 'version') {
    console.log(`openai-invites ${version()}`);
    return 0;
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  console.error(`openai-invites: unknown command ${JSON.stringify(command)}.\n`);
  console.error(USAGE);
  return 2;
};

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // parseArgs' own errors (an unknown option, a missing value) are usage errors.
    console.error(`openai-invites: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
