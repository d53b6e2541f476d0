/**
 * Webhook replay claims: one item per webhook event id, expiring (TTL) after the dedupe window.
 * Point-in-time recovery is on as for any table, though the items are only worth a day.
 */
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { ResourceGroup } from '../logical-ids';

export class WebhookReplayTable extends ResourceGroup {
  readonly table: TableV2;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new TableV2(this, 'WebhookEvents', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      timeToLiveAttribute: 'expiresAt',
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });
  }
}
