/**
 * `openai-invites offboarding list|done EMAIL`: the leavers still in the OpenAI organization who
 * wait for a person (offboarding off, no authority to remove them, or a role never removed
 * automatically), as OpenAI has them now: who is no longer a member leaves the list. `done`
 * records that a person handled one. Read from the people table with the AWS SDK (`--table`;
 * OpenAI asked with OPENAI_ADMIN_KEY_SECRET_ID when set), or from the `npm start` gateway's local
 * routes. Exit code 0 when listed (even if empty) or recorded, 1 when it cannot be read or the
 * email awaits nobody, 2 for usage.
 */
import { parseArgs } from 'node:util';
import { type AwaitingEntry, listAwaiting, markHandled } from '../lib/lifecycle/offboarding';
import { readClientConfig } from '../lib/openai/config';
import { createInvitesClient } from '../lib/openai/runtime';
import { DynamoDbPersonStore } from '../lib/people/dynamodb-store';
import { LOCAL_PATHS } from '../local/local-routes';
import { gatewayUnreachable } from './failures';
import { gatewayFrom } from './gateway';
import { printable } from './job-view';

export const OFFBOARDING_USAGE = `Usage: openai-invites offboarding list [options]
       openai-invites offboarding done EMAIL [--note TEXT] [options]

list: leavers who are still members of the OpenAI organization and wait for a person: offboarding
is off, or their source may not remove a member the product did not invite
(revoke_needs_offboarding), or their role is never removed automatically (owner_not_removed).
Each is checked against OpenAI first: who is no longer a member leaves the list. Remove them in
OpenAI, or decide to keep them; then record it with done.
done: records that a person handled EMAIL (kept in its history); it leaves the list.

Options:
  --table NAME     read the ledger table with the AWS SDK (default: INVITE_LEDGER_TABLE); needs
                   AWS_REGION and credentials; AWS_ENDPOINT_URL for an emulator
  --gateway URL    without a table: the npm start gateway (default: INVITES_API_URL, else
                   http://127.0.0.1:3000/v1); it answers GET /local/offboarding
  --json           print the entries as JSON
  --note TEXT      with done: what was done, kept in the person's history
  -h, --help`;

/** The local routes sit beside the stage, on the gateway's origin. */
const local = async (base: string, path: string, init?: RequestInit): Promise<Response> => {
  const url = `${new URL(base).origin}${path}`;
  try {
    return await fetch(url, init);
  } catch (error) {
    throw new Error(gatewayUnreachable(base, error).message, { cause: error });
  }
};

const notLocal = (response: Response, path: string): Error =>
  new Error(
    `${path} answered ${response.status}: only the npm start gateway has this route; for a deployed stack pass --table (the stack's ledger table).`,
  );

/** OpenAI's truth for a deployed table, when the operator has the Admin key's secret. */
const clientForTable = () => {
  const config = readClientConfig();
  return config.adminKeySecretId || config.adminKey ? createInvitesClient(config) : undefined;
};

const listFrom = async (tableName: string | undefined, gateway: string): Promise<AwaitingEntry[]> => {
  if (tableName) return listAwaiting(new DynamoDbPersonStore(tableName), clientForTable(), 'cli');
  const response = await local(gateway, LOCAL_PATHS.offboarding);
  if (response.status !== 200) throw notLocal(response, LOCAL_PATHS.offboarding);
  return ((await response.json()) as { data: AwaitingEntry[] }).data;
};

/** True when recorded; false when the email awaits nobody. */
const doneAt = async (tableName: string | undefined, gateway: string, email: string, note?: string) => {
  if (tableName) return markHandled(new DynamoDbPersonStore(tableName), email, 'cli', note);
  const response = await local(gateway, LOCAL_PATHS.offboardingDone, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, ...(note !== undefined ? { note } : {}) }),
  });
  if (response.status === 404) return false;
  if (response.status !== 200) throw notLocal(response, LOCAL_PATHS.offboardingDone);
  return true;
};

const table = (entries: AwaitingEntry[]): string => {
  const rows = [
    ['SINCE', 'EMAIL', 'CODE', 'DECLARED BY', 'PERSON', 'REASON'],
    // Every cell is stored text, and a queue message's `source` is anyone's: no terminal controls.
    ...entries.map((entry) =>
      [entry.since, entry.email, entry.code, entry.declaredBy ?? '', entry.person, entry.reason].map((cell) =>
        printable(String(cell)),
      ),
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
      note: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, email, ...rest] = positionals;
  const usable = (command === 'list' && email === undefined) || (command === 'done' && email !== undefined);
  if (values.help || !usable || rest.length > 0) {
    console.log(OFFBOARDING_USAGE);
    return values.help ? 0 : 2;
  }
  const tableName = values.table ?? (process.env.INVITE_LEDGER_TABLE?.trim() || undefined);
  const gateway = gatewayFrom(values.gateway);
  try {
    if (command === 'done') {
      const recorded = await doneAt(tableName, gateway, email!, values.note);
      console.log(
        recorded ? `Recorded: ${email} was handled by a person.` : `${email} is not awaiting offboarding.`,
      );
      return recorded ? 0 : 1;
    }
    const entries = await listFrom(tableName, gateway);
    if (values.json) console.log(JSON.stringify(entries, null, 2));
    else if (entries.length === 0) console.log('Nobody awaits offboarding.');
    else console.log(`${table(entries)}\n\n${entries.length} awaiting a person.`);
    return 0;
  } catch (error) {
    console.error(`openai-invites: cannot ${command} offboarding: ${(error as Error).message}`);
    return 1;
  }
};
