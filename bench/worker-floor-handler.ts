/**
 * The bulk worker's floor for bundle size and cold load, as issue 13 defines it: a bare handler
 * importing only the SQS client (re-sends, dead letters) and the Secrets Manager client (the
 * admin key). The worker's other AWS service, DynamoDB (the invite ledger), is spoken through
 * lib/commons/dynamodb-json-client.ts over the signer and HTTP handler these clients already
 * bring, so it adds only that module.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';

const clients = [new SQSClient({}), new SecretsManagerClient({})];

export const handler = async () => ({
  batchItemFailures: [],
  clients: clients.map((client) => typeof client.send),
});
