/** POST /webhooks/{provider} (GET for Okta's verification): verify, normalise, enqueue (logic in lib/webhooks/). */
import { webhookHandler } from '../lib/webhooks/handler';

export const handler = webhookHandler();
