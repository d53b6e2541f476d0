/**
 * BambooHR's employee lookup: `GET {base}/{subdomain}/v1/employees/{id}/?fields=workEmail,department,status`
 * with HTTP Basic auth (the API key as the user name, any password), JSON answer. The base URL is
 * BAMBOOHR_API_BASE_URL (default https://api.bamboohr.com/api/gateway.php); the subdomain and key
 * are the webhook secret's `"bamboohrApi": {"subdomain", "apiKey"}`. The key never leaves this module.
 */
import { HrLookupFailedError, UnprocessableWebhookEventError } from '../errors';
import { asString, type BambooHrApiCredentials, type EmployeeRecord } from '../types';

/** The webhook must answer within a few seconds; one lookup gets at most this. */
const LOOKUP_TIMEOUT_MS = 3_000;

export interface EmployeeDirectoryOptions {
  baseUrl: string;
  credentials: BambooHrApiCredentials;
  fetch?: typeof fetch;
}

export const lookupBambooHrEmployee = async (
  employeeId: string,
  options: EmployeeDirectoryOptions,
): Promise<EmployeeRecord> => {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(employeeId)) {
    throw new UnprocessableWebhookEventError(
      `BambooHR employee id ${JSON.stringify(employeeId.slice(0, 64))} is not valid.`,
    );
  }
  const { subdomain, apiKey } = options.credentials;
  const url = `${options.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(subdomain)}/v1/employees/${employeeId}/?fields=workEmail,department,status`;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      headers: {
        Accept: 'application/json',
        Authorization: `Basic ${Buffer.from(`${apiKey}:x`).toString('base64')}`,
      },
      signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS),
    });
  } catch (error) {
    throw new HrLookupFailedError('The BambooHR employee lookup did not answer.', (error as Error)?.name);
  }
  if (response.status === 404) {
    throw new UnprocessableWebhookEventError(
      `BambooHR has no employee ${employeeId}; nothing was enqueued.`,
      'employee_not_found',
    );
  }
  if (!response.ok) {
    throw new HrLookupFailedError(
      `The BambooHR employee lookup answered ${response.status}${response.status === 401 || response.status === 403 ? ': check bamboohrApi in the webhook secret' : ''}.`,
    );
  }
  const body = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (typeof body !== 'object' || body === null) {
    throw new HrLookupFailedError('The BambooHR employee lookup answered something that is not JSON.');
  }
  return {
    id: employeeId,
    workEmail: asString(body.workEmail),
    department: asString(body.department),
    status: asString(body.status),
  };
};
