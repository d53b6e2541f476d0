/**
 * `openai-invites smoke`: checks a deployed stack (or `npm start`) end to end without inviting
 * anyone (cli/smoke-checks.ts), one line per check; exit 0 when all passed, 1 when one failed,
 * 3 when the gateway cannot be reached.
 */
import { parseArgs } from 'node:util';
import { EXIT } from './exit-codes';
import { authFrom, CliFailure, gatewayFrom } from './gateway';
import { printable } from './job-view';
import { type CheckResult, SMOKE_CHECKS } from './smoke-checks';
import { UsageError } from './usage-errors';

export const SMOKE_USAGE = `Usage: openai-invites smoke [options]

Checks a deployed stack (or npm start) end to end, inviting nobody: the gateway accepts you and
OpenAI accepts the Admin key (a read-only list of 1 invite), an unknown invite is a 404 in OpenAI's
error shape, unknown query parameters are refused, the job and people routes answer, and the bulk
queue is reachable. Run it after every deploy.

Options:
  --gateway URL      the API's base URL ending in /v1 (default: INVITES_API_URL, else
                     http://127.0.0.1:3000/v1, the npm start gateway)
  --token TOKEN      bearer token for a gateway in token mode (default: INVITES_API_TOKEN)
  --sigv4            sign with AWS credentials (IAM mode; automatic for an execute-api URL)
  --queue-url URL    the bulk queue to check (default: INVITE_QUEUE_URL; the QueueUrl output)
  --json             the results as JSON
  -h, --help

Exit codes: 0 every check passed, 1 a check failed (the line says why), 3 the gateway is unreachable.`;

export const smoke = async (args: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      gateway: { type: 'string' },
      token: { type: 'string' },
      sigv4: { type: 'boolean', default: false },
      'queue-url': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(SMOKE_USAGE);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}.`);
  const base = gatewayFrom(values.gateway);
  const target = {
    base,
    auth: authFrom(base, values),
    queueUrl: values['queue-url'] ?? (process.env.INVITE_QUEUE_URL?.trim() || undefined),
  };
  const results: CheckResult[] = [];
  for (const check of SMOKE_CHECKS) {
    try {
      results.push(await check(target));
    } catch (error) {
      if (!(error instanceof CliFailure)) throw error;
      console.error(`openai-invites smoke: ${error.message}`);
      return error.exitCode;
    }
  }
  if (values.json) console.log(JSON.stringify({ gateway: base, results }, null, 2));
  else {
    console.log(`Smoke test of ${base} (nobody is invited):`);
    for (const result of results)
      console.log(
        `${result.skipped ? 'skip' : result.ok ? 'ok  ' : 'FAIL'}  ${result.name}: ${printable(result.detail)}`,
      );
  }
  const failed = results.filter((result) => !result.ok);
  if (!values.json)
    console.log(
      failed.length === 0
        ? `All ${results.length - results.filter((result) => result.skipped).length} checks passed.`
        : `${failed.length} of ${results.length} checks failed.`,
    );
  return failed.length === 0 ? EXIT.ok : EXIT.failed;
};
