/**
 * Context `webhookWafRateLimit`: an AWS WAF web ACL on the stage whose rate-based rule blocks a
 * source IP sending more than that many webhook requests in 5 minutes. Forged deliveries are then
 * refused before they reach API Gateway's throttle or run a function; everything else passes.
 */
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import type { Construct } from 'constructs';
import { ResourceGroup } from '../logical-ids';

export interface WebhookWafProps {
  readonly stage: Stage;
  /** Requests per source IP and 5 minutes (WAF's minimum is 10). */
  readonly rateLimit: number;
  /** `/v1/webhooks/`: WAF sees the stage in the path. */
  readonly pathPrefix: string;
}

export class WebhookWaf extends ResourceGroup {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: WebhookWafProps) {
    super(scope, id);
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    this.webAcl = new CfnWebACL(this, 'WebhookWebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('InvitesWebAcl'),
      rules: [
        {
          name: 'WebhookRatePerIp',
          priority: 0,
          action: { block: {} },
          visibilityConfig: visibility('WebhookRatePerIp'),
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              evaluationWindowSec: 300,
              limit: props.rateLimit,
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: 'STARTS_WITH',
                  searchString: props.pathPrefix,
                  textTransformations: [{ priority: 0, type: 'NONE' }],
                },
              },
            },
          },
        },
      ],
    });
    new CfnWebACLAssociation(this, 'WebhookWebAclAssociation', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
