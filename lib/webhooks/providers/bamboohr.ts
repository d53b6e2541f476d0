/**
 * Provider `bamboohr` (BambooHR webhooks, documentation.bamboohr.com/docs/webhooks).
 * Headers `X-BambooHR-Timestamp` (±5 minutes; Unix seconds, or an ISO-8601 date) and
 * `X-BambooHR-Signature`: hex HMAC-SHA256, keyed with the webhook's private key, of the raw body
 * followed by the timestamp header's text. Two payload styles, JSON:
 * - event-based: `{"type": "employee.created"|"employee.updated"|"employee.deleted",
 *   "timestamp", "data": {"companyId", "employeeId", "changedFields": [...]}}`;
 * - field-based (global): `{"employees": [{"id", "action": "Created"|"Updated"|"Deleted",
 *   "changedFields": [...], "fields": {...}}]}`.
 * Neither carries an email for sure, so the employee id is resolved through BambooHR's API
 * (providers/bamboohr-directory.ts), unless the field-based `fields` hold a work email.
 * - created → invite (work email; department for the project mapping);
 * - updated with `status` among the changed fields and the employee now `Inactive` → revoke;
 * - deleted → revoke when the payload holds the work email (a deleted employee cannot be looked
 *   up), else acknowledged and ignored; anything else → acknowledged and ignored.
 * Payloads carry no event id: the id is a digest of the body and the employee id. Events are
 * timed by their arrival (X-BambooHR-Timestamp is when the delivery was signed, not when the
 * change happened), and their leavers are never deduplicated (lib/webhooks/enqueue.ts).
 */
import { InvalidRequestError } from '../../http/errors';
import { UnprocessableWebhookEventError, WebhookSignatureError } from '../errors';
import { lookupBambooHrEmployee } from './bamboohr-directory';
import {
  checkTimestamp,
  constantTimeEqual,
  digestId,
  fromHex,
  hmacSha256,
  parseTimestampSeconds,
} from '../signatures';
import {
  asString,
  type DraftEvent,
  type EmployeeRecord,
  type LookupContext,
  type NormaliseContext,
  pick,
  type WebhookProvider,
  type WebhookRequest,
} from '../types';

const verify = (request: WebhookRequest, secret: string, nowMs: number): void => {
  const signature = request.header('x-bamboohr-signature');
  const timestamp = request.header('x-bamboohr-timestamp');
  if (!signature || !timestamp) {
    throw new WebhookSignatureError('headers X-BambooHR-Signature and X-BambooHR-Timestamp are required.');
  }
  checkTimestamp(parseTimestampSeconds(timestamp), nowMs, 'X-BambooHR-Timestamp');
  const received = fromHex(signature.trim());
  if (!received) throw new WebhookSignatureError('header X-BambooHR-Signature must be 64 hex digits.');
  if (!constantTimeEqual(received, hmacSha256(secret, request.body, timestamp))) {
    throw new WebhookSignatureError('the X-BambooHR-Signature does not match the body and timestamp.', {
      mismatch: true,
    });
  }
};

type Change = 'created' | 'updated' | 'deleted';

interface EmployeeChange {
  employeeId: string;
  change: Change | string;
  changedFields: string[];
  /** Field-based payloads: the posted fields. */
  fields: Record<string, unknown>;
}

const changesOf = (body: unknown): EmployeeChange[] => {
  const type = asString(pick(body, 'type'));
  if (type) {
    const employeeId = asString(pick(body, 'data', 'employeeId'));
    if (!employeeId)
      throw new InvalidRequestError('A BambooHR event has data.employeeId.', 'data.employeeId');
    const changed = pick(body, 'data', 'changedFields');
    return [
      {
        employeeId,
        change: type.replace(/^employee(_with_fields)?\./, ''),
        changedFields: Array.isArray(changed) ? changed.map(String) : [],
        fields: {},
      },
    ];
  }
  const employees = pick(body, 'employees');
  if (!Array.isArray(employees)) {
    throw new InvalidRequestError('A BambooHR webhook body has "type" and "data", or "employees".', 'type');
  }
  return employees.map((employee, index) => {
    const employeeId = asString(pick(employee, 'id'));
    if (!employeeId)
      throw new InvalidRequestError('Every BambooHR employee has an id.', `employees[${index}].id`);
    const changed = pick(employee, 'changedFields');
    const fields = pick(employee, 'fields');
    return {
      employeeId,
      change: (asString(pick(employee, 'action')) ?? 'unknown').toLowerCase(),
      changedFields: Array.isArray(changed) ? changed.map(String) : [],
      fields: typeof fields === 'object' && fields !== null ? (fields as Record<string, unknown>) : {},
    };
  });
};

/** A field by any of BambooHR's names for it ("workEmail", "Work Email", …), case-insensitive. */
const fieldValue = (fields: Record<string, unknown>, ...names: string[]): string | undefined => {
  const wanted = new Set(names.map((name) => name.replace(/[\s_]/g, '').toLowerCase()));
  for (const [name, value] of Object.entries(fields)) {
    if (wanted.has(name.replace(/[\s_]/g, '').toLowerCase())) {
      return asString(typeof value === 'object' && value !== null ? pick(value, 'value') : value);
    }
  }
  return undefined;
};

const fromPayload = (change: EmployeeChange): EmployeeRecord | undefined => {
  const workEmail = fieldValue(change.fields, 'workEmail');
  if (!workEmail) return undefined;
  return {
    id: change.employeeId,
    workEmail,
    department: fieldValue(change.fields, 'department'),
    status: fieldValue(change.fields, 'status'),
  };
};

const isStatusChange = (change: EmployeeChange): boolean =>
  change.changedFields.some((field) => /^(status|employmentHistoryStatus)$/i.test(field.replace(/\s/g, '')));

const normalise = async ({ body, request, lookupEmployee }: NormaliseContext): Promise<DraftEvent[]> => {
  const changes = changesOf(body);
  const bodyId = digestId(request.body);
  const events: DraftEvent[] = [];
  for (const [index, change] of changes.entries()) {
    const id = `bamboohr-${bodyId}-${change.employeeId}`.slice(0, 128);
    // Posted in a field-based payload, else looked up through BambooHR's API.
    const emailPath = fromPayload(change)
      ? `employees[${index}].fields["Work Email"]`
      : `workEmail of BambooHR employee ${change.employeeId}`;
    const employee = async () => fromPayload(change) ?? (await lookupEmployee(change.employeeId));
    if (change.change === 'created') {
      const record = await employee();
      events.push({
        kind: 'invite',
        id,
        email: record.workEmail ?? '',
        emailPath,
        department: record.department,
      });
    } else if (change.change === 'updated' && isStatusChange(change)) {
      const record = await employee();
      if (record.status?.toLowerCase() === 'inactive') {
        events.push({ kind: 'revoke', id, email: record.workEmail ?? '', emailPath });
      } else {
        events.push({ kind: 'ignored', id, type: 'employee.updated', reason: 'status is not Inactive' });
      }
    } else if (change.change === 'deleted' && fromPayload(change)) {
      events.push({ kind: 'revoke', id, email: fromPayload(change)!.workEmail!, emailPath });
    } else {
      events.push({
        kind: 'ignored',
        id,
        type: `employee.${change.change}`,
        reason:
          change.change === 'deleted'
            ? 'a deleted employee cannot be looked up and the payload has no work email'
            : 'not a change this endpoint acts on',
      });
    }
  }
  return events;
};

/** BambooHR's directory (bamboohr-directory.ts), with the API credentials of the webhook secret. */
const lookupEmployee = (employeeId: string, { secrets, config }: LookupContext): Promise<EmployeeRecord> => {
  if (!secrets.bamboohrApi) {
    throw new UnprocessableWebhookEventError(
      'BambooHR events carry an employee id, not an email, and no lookup is configured: add "bamboohrApi": {"subdomain", "apiKey"} to the webhook secret. Nothing was enqueued.',
      'hr_lookup_not_configured',
    );
  }
  return lookupBambooHrEmployee(employeeId, {
    baseUrl: config.bambooHrApiBaseUrl,
    credentials: secrets.bamboohrApi,
  });
};

export const bambooHrProvider: WebhookProvider = {
  name: 'bamboohr',
  developmentSecret: 'local-dev-bamboohr-secret',
  verify,
  normalise,
  lookupEmployee,
};
