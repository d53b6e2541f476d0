/**
 * Usage errors said the same way by every command: a missing argument named, a mistyped option
 * with its nearest match, an id the API would refuse. Each exits 2 (cli/exit-codes.ts).
 */
import { isLabel, labelRule } from '../lib/http/validation';
import { EXIT } from './exit-codes';
import { didYouMean, optionsIn } from './suggest';

/** A usage error: the command prints its message and exits 2. */
export class UsageError extends Error {}

/** The first line of a usage text (`Usage: openai-invites job JOB_ID [options]`). */
const synopsis = (usage: string): string => usage.split('\n')[0]!;

/** Names the missing argument, what it is, the synopsis and where the options are; EXIT.usage. */
export const missingArgument = (command: string, name: string, what: string, usage: string): number => {
  console.error(
    `openai-invites ${command}: missing ${name}, ${what}.\n${synopsis(usage)}\n(openai-invites ${command} --help for its options)`,
  );
  return EXIT.usage;
};

/** Refuses a job id the job route would refuse, before any call; EXIT.usage. */
export const checkJobId = (jobId: string): void => {
  if (!isLabel(jobId))
    throw new UsageError(`${JSON.stringify(jobId)} is not a job id: a job id is ${labelRule()}.`);
};

/**
 * parseArgs' own error (an unknown option, a missing value) in the command's words: the option
 * it did not know, with the nearest one its usage lists.
 */
export const parseArgsMessage = (error: Error & { code?: string }, usage: string | undefined): string => {
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'(-{1,2}[^']*)'/.exec(error.message)?.[1] ?? '';
    const hint = usage ? didYouMean(option.split('=')[0]!, optionsIn(usage)) : '';
    return `unknown option ${option}.${hint || ' See --help for the options.'}`;
  }
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const word = /'([^']*)'/.exec(error.message)?.[1] ?? '';
    return `unexpected argument ${JSON.stringify(word)}. See --help.`;
  }
  return error.message;
};
