/** GET /organization/invites?limit&after: one page of the organization's invites. */
import { invitesApiHandler } from '../lib/http/invites-api-handler';
import { parseListParams } from '../lib/http/validation';

export const handler = invitesApiHandler('listInvites', async ({ event, client, call }) => {
  const params = parseListParams(event.queryStringParameters);
  return { body: await client.listInvites(params, call) };
});
