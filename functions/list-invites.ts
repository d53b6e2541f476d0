/** GET /organization/invites?limit&after: one page of the organization's invites. */
import { apiHandler } from '../lib/http/api-handler';
import { parseListParams } from '../lib/http/validation';

export const handler = apiHandler('listInvites', async ({ event, client, call }) => {
  const params = parseListParams(event.queryStringParameters);
  return { body: await client.listInvites(params, call) };
});
