/**
 * The invite ledger (lib/ledger/): per email the latest invite, per job its items and counters.
 * Emails' records are the lifecycle's memory and never expire; jobs expire through the TTL
 * attribute 90 days after their last write. Retained when the stack is deleted: it is the only
 * record of what the product did. A sparse index holds the emails awaiting a person
 * (`openai-invites offboarding list`).
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import {
  JOBS_INDEX,
  JOBS_INDEX_ATTRIBUTE,
  NEEDS_ACTION_ATTRIBUTE,
  NEEDS_ACTION_INDEX,
  TTL_ATTRIBUTE,
} from '../../lib/ledger/dynamodb-items';
import { ResourceGroup } from '../logical-ids';

export class InviteLedgerTable extends ResourceGroup {
  readonly table: TableV2;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new TableV2(this, 'InviteLedger', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: [
        {
          indexName: NEEDS_ACTION_INDEX,
          partitionKey: { name: NEEDS_ACTION_ATTRIBUTE, type: AttributeType.STRING },
          sortKey: { name: 'updated_at', type: AttributeType.STRING },
        },
        {
          indexName: JOBS_INDEX,
          partitionKey: { name: JOBS_INDEX_ATTRIBUTE, type: AttributeType.STRING },
          sortKey: { name: 'created_at', type: AttributeType.STRING },
          projectionType: ProjectionType.ALL,
        },
      ],
    });
  }
}
