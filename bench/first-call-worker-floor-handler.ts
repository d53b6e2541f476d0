/** The worker's floor of import + first call: the SQS and Secrets Manager clients, the first call reads the secret. */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';

const secrets = new SecretsManagerClient({});
const sqs = new SQSClient({});

export const handler = async () => {
  const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: 'bench/admin-key' }));
  return { batchItemFailures: [], sizes: [SecretString?.length, typeof sqs.send] };
};
