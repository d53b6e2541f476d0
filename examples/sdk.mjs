// The official `openai` SDK against this product: `node examples/sdk.mjs` with `npm start` running.
// Tested with openai 7.60.0 (and 6.49.0) on Node 24. Outside this project:
// `npm install openai@7.60.0`, then run this file there. INVITES_API_URL aims it at a deployed
// API (its ApiUrl output), INVITES_API_TOKEN is then the token of a token-mode API.
import OpenAI from 'openai';

const openai = new OpenAI({
  adminAPIKey: process.env.INVITES_API_TOKEN ?? 'sk-admin-local', // npm start does not check it
  baseURL: process.env.INVITES_API_URL ?? 'http://127.0.0.1:3000/v1',
});

const invite = await openai.admin.organization.invites.create({ email: 'grace@example.com', role: 'reader' });
console.log('created', invite.id, invite.email, invite.status);
for await (const each of openai.admin.organization.invites.list({ limit: 100 })) {
  console.log('listed', each.email, each.status);
}
const deleted = await openai.admin.organization.invites.delete(invite.id);
console.log('deleted', deleted.id, deleted.deleted);
