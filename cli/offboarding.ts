/**
 * `openai-invites offboarding list`: the leavers the ledger says are still in the OpenAI
 * organization and wait for a person (offboarding was off, or they are owners, never removed
 * automatically). Read straight from the ledger table with the AWS SDK (`--table`), or from the
 * `npm start` gateway's local route (`GET /local/offboarding`): the deployed API has no such route.
 * Exit code 0 when listed (even if empty), 1 when the ledger cannot be read, 2 for usage.
 */
import { parseArgs } from 'node:util';
import { DynamoDbLedger } from '../lib/ledger/dynamodb-ledger';
import type { InviteRecord } from '../lib/ledger/types';
import { LOCAL_PATHS } from '../local/local-routes';
import { gatewayUnreachable } from './failures';
import { gatewayFrom } from './gateway';
import { printable } from './job-view';

export const OFFBOARDING_USAGE = `Usage: openai-invites offboarding list [options]

Lists leavers who are still members of the OpenAI organization: revocations that found the invite
accepted while OFFBOARD_MEMBERS was off (revoke_needs_offboarding), and owners, which are never
removed automatically (owner_not_removed). Remove them in OpenAI, or decide to keep them.

Options:
  --table NAME     read the ledger table with the AWS SDK (default: INVITE_LEDGER_TABLE); needs
                   AWS_REGION and credentials; AWS_ENDPOINT_URL for an emulator
  --gateway URL    without a table: the npm start gateway (default: INVITES_API_URL, else
                   http://127.0.0.1:3000/v1); it answers GET /local/offboarding
  --json           print the records as JSON
  -h, --help`;

/** The local route sits beside the stage, on the gateway's origin. */
const fromGateway = async (base: string): Promise<InviteRecord[]> => {
  const url = `${new URL(base).origin}${LOCAL_PATHS.offboarding}`;
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(gatewayUnreachable(base, error).message, { cause: error });
  }
  if (response.status !== 200) {
    throw new Error(
      `${url} answered ${response.status}: only the npm start gateway has this route; for a deployed stack pass --table (the stack's ledger table).`,
    );
  }
  return ((await response.json()) as { data: InviteRecord[] }).data;
};

const table = (records: InviteRecord[]): string => {
  const rows = [
    ['UPDATED', 'EMAIL', 'CODE', 'SOURCE', 'REASON'],
    // Every cell is ledger text, and a queue message's `source` is anyone's: no terminal controls.
    ...records.map((record) =>
      [
        record.updatedAt,
        record.email,
        record.failureCode ?? '',
        record.source,
        record.failureMessage ?? '',
      ].map((cell) => printable(String(cell))),
    ),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '),
    )
    .join('\n');
};

export const offboarding = async (args: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      table: { type: 'string' },
      gateway: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || positionals[0] !== 'list' || positionals.length > 1) {
    console.log(OFFBOARDING_USAGE);
    return values.help ? 0 : 2;
  }
  const tableName = values.table ?? (process.env.INVITE_LEDGER_TABLE?.trim() || undefined);
  let records: InviteRecord[];
  try {
    records = tableName
      ? await new DynamoDbLedger(tableName).listNeedingAction()
      : await fromGateway(gatewayFrom(values.gateway));
  } catch (error) {
    console.error(`openai-invites: cannot list offboarding: ${(error as Error).message}`);
    return 1;
  }
  if (values.json) console.log(JSON.stringify(records, null, 2));
  else if (records.length === 0) console.log('Nobody awaits offboarding.');
  else console.log(`${table(records)}\n\n${records.length} awaiting a person.`);
  return 0;
};
