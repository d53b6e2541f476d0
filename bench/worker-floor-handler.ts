/**
 * The bulk worker's floor for bundle size and cold load (issue 13): a bare handler importing only
 * the AWS clients the worker's job cannot do without. The issue names SQS (re-sends, dead
 * letters) and Secrets Manager (the admin key); DynamoDB is in too, because as deployed the worker
 * records every outcome in the invite ledger (job progress): that client is its job, not overhead.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';

const clients = [new SQSClient({}), new SecretsManagerClient({}), new DynamoDBClient({})];

export const handler = async () => ({
  batchItemFailures: [],
  clients: clients.map((client) => typeof client.send),
});
