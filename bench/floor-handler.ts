/** The floor for bundle size and cold load: a bare handler that imports only SecretsManagerClient. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

const client = new SecretsManagerClient({});

export const handler = async () => ({ statusCode: 200, body: String(typeof client.send) });
