/**
 * `openai-invites person EMAIL [--json]`: a person from `GET /people/{email}`: what they should
 * have (intent), who declared it, what OpenAI last showed, whether they await someone, and their
 * history, newest first. `--json` prints the API's answer as it came.
 */
import { parseArgs } from 'node:util';
import type { PersonView } from '../lib/people/view';
import { EXIT } from './exit-codes';
import { authFrom, callGateway, CliFailure, type GatewayAuth, gatewayFrom, refused } from './gateway';
import { printable } from './job-view';
import {
  ACCESS_OPTIONS,
  ACCESS_USAGE,
  accessLines,
  changedIntent,
  putIntent,
  wantsChange,
} from './person-access';

export const PERSON_USAGE = `Usage: openai-invites person EMAIL [options]

Shows one person as the product knows them: intent (present with role and projects, or absent),
who declared it and when, what OpenAI last showed (invite, membership), whether they await a
person (the offboarding list), the invites the product made, and the history, newest first.

Options:
  --json             print the API's answer (GET /v1/people/{email}) as JSON
${ACCESS_USAGE}
  --gateway URL      the API's base URL ending in /v1 (default: INVITES_API_URL, else
                     http://127.0.0.1:3000/v1, the npm start gateway)
  --token TOKEN      bearer token for a gateway in token mode (default: INVITES_API_TOKEN)
  --sigv4            sign with AWS credentials (IAM mode; automatic for an execute-api URL without
                     a token); the region from the URL, else AWS_REGION
  -h, --help

Exit codes: 0 found, 1 no such person (or refused), 2 usage or a bad email, 3 gateway unreachable.`;

type Found = { found: true; person: PersonView } | { found: false; message: string };

/** The person, or why there is none; CliFailure for any other answer. */
export const fetchPerson = async (base: string, email: string, auth: GatewayAuth): Promise<Found> => {
  const url = `${base}/people/${encodeURIComponent(email)}`;
  const answer = await callGateway(url, base, { auth });
  if (answer.status === 200) return { found: true, person: answer.body as PersonView };
  if (answer.status === 404 && answer.error?.code === 'person_not_found')
    return { found: false, message: answer.error.message ?? `No person ${email}.` };
  if (answer.status === 400 && answer.error?.code === 'invalid_request')
    throw new CliFailure(answer.error.message ?? 'Invalid email.', EXIT.usage);
  if (answer.status === 404 || answer.status === 405)
    throw new CliFailure(
      `No people route at ${url} (HTTP ${answer.status}): --gateway should be the API's base URL ending in /v1, of a version that has GET /people/{email}.`,
      EXIT.unreachable,
    );
  throw refused(url, answer);
};

const terms = (intent: NonNullable<PersonView['intent']>): string => {
  if (intent.state === 'absent') return 'absent (should not be in the organization)';
  const projects =
    intent.projects === undefined
      ? 'the default project'
      : intent.projects.length === 0
        ? 'no project'
        : intent.projects.map((project) => `${project.id} (${project.role})`).join(', ');
  return `present as ${intent.role}, ${projects}`;
};

const observedLine = (observed: PersonView['observed']): string => {
  if (!observed) return 'not yet read from OpenAI';
  const parts = [
    ...(observed.invite
      ? [`invite ${observed.invite.id} ${observed.invite.status} (${observed.invite.role})`]
      : []),
    ...(observed.member ? [`member ${observed.member.user_id} (${observed.member.role})`] : []),
  ];
  return `${parts.length ? parts.join(', ') : 'nothing there'}, seen ${observed.seen_at}`;
};

/** The person for a reader: one line a part, then the history, newest first. */
export const personLines = (person: PersonView): string[] => {
  const declared = person.declared_by;
  const lines = [
    `Person ${person.email}`,
    `  intent       ${person.intent ? terms(person.intent) : 'none declared'}`,
    `  declared by  ${declared ? `${declared.source}${declared.event_id ? ` (event ${declared.event_id})` : ''} at ${declared.at}` : '-'}`,
    `  observed     ${observedLine(person.observed)}`,
    `  awaiting     ${person.awaiting ? `${person.awaiting.code} since ${person.awaiting.since}: ${person.awaiting.reason}` : 'nobody'}`,
    `  invites made ${person.product_invite_ids.length ? person.product_invite_ids.join(', ') : 'none'}`,
    ...accessLines(person),
    `History (newest first${person.has_more ? `, the latest ${person.history.length}` : ''}):`,
    ...person.history.map((event) =>
      [
        `  ${event.at}  ${event.kind.padEnd(17)} by ${event.actor}`,
        event.invite_id ? ` invite ${event.invite_id}` : '',
        event.user_id ? ` user ${event.user_id}` : '',
        event.reason ? ` — ${event.reason}` : '',
        event.detail ? ` [${event.detail}]` : '',
      ].join(''),
    ),
    ...(person.history.length === 0 ? ['  (none)'] : []),
  ];
  return lines.map(printable);
};

export const person = async (args: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      gateway: { type: 'string' },
      token: { type: 'string' },
      sigv4: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      ...ACCESS_OPTIONS,
    },
  });
  const flags = {
    setRole: values['set-role'],
    addGroup: values['add-group'],
    removeGroup: values['remove-group'],
    addProject: values['add-project'],
    removeProject: values['remove-project'],
    exact: values.exact,
  };
  const email = positionals[0];
  if (values.help || !email || positionals.length > 1) {
    (values.help ? console.log : console.error)(PERSON_USAGE);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const base = gatewayFrom(values.gateway);
  try {
    const auth = authFrom(base, values);
    if (wantsChange(flags)) {
      const current = await fetchPerson(base, email, auth);
      const changed = await putIntent(
        base,
        email,
        changedIntent(current.found ? current.person : undefined, flags),
        auth,
        flags.exact === true,
      );
      if (values.json) console.log(JSON.stringify(changed, null, 2));
      else for (const line of personLines(changed)) console.log(line);
      return EXIT.ok;
    }
    const answer = await fetchPerson(base, email, auth);
    if (!answer.found) {
      console.error(`openai-invites: ${printable(answer.message)} The product has no record of this email.`);
      return EXIT.failed;
    }
    if (values.json) console.log(JSON.stringify(answer.person, null, 2));
    else for (const line of personLines(answer.person)) console.log(line);
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof CliFailure)) throw error;
    console.error(`openai-invites: ${printable(error.message)}`);
    return error.exitCode;
  }
};
