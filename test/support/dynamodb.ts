/**
 * DynamoDB tables in the test run's moto_server, as the stack makes the webhook replay table.
 * `ledgerClient` is what the code under test talks through (the lean client the functions use);
 * the SDK's `dynamodb` is test tooling only: creating tables, reading items back.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createLedgerClient } from '../../lib/ledger/dynamodb-client';
import {
  JOBS_INDEX,
  JOBS_INDEX_ATTRIBUTE,
  NEEDS_ACTION_ATTRIBUTE,
  NEEDS_ACTION_INDEX,
} from '../../lib/ledger/dynamodb-items';

export const dynamodb = new DynamoDBClient({});
export const ledgerClient = createLedgerClient();

export const createDedupeTable = async (): Promise<string> => {
  const name = `webhook-events-${randomUUID().slice(0, 8)}`;
  await dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return name;
};

/** A ledger table as README "Ledger" describes it: pk + sk, on demand, the sparse needs-action index. */
export const createLedgerTable = async (): Promise<string> => {
  const name = `invite-ledger-${randomUUID().slice(0, 8)}`;
  await dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: NEEDS_ACTION_ATTRIBUTE, AttributeType: 'S' },
        { AttributeName: JOBS_INDEX_ATTRIBUTE, AttributeType: 'S' },
        { AttributeName: 'created_at', AttributeType: 'S' },
        { AttributeName: 'updated_at', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: NEEDS_ACTION_INDEX,
          KeySchema: [
            { AttributeName: NEEDS_ACTION_ATTRIBUTE, KeyType: 'HASH' },
            { AttributeName: 'updated_at', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: JOBS_INDEX,
          KeySchema: [
            { AttributeName: JOBS_INDEX_ATTRIBUTE, KeyType: 'HASH' },
            { AttributeName: 'created_at', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return name;
};
