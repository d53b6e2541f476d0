/**
 * Context `webhookWafRateLimit`: an AWS WAF web ACL on the stage whose rate-based rule blocks a
 * source IP sending more than that many webhook requests in 5 minutes. Forged deliveries are then
 * refused before they reach API Gateway's throttle or run a function; everything else passes.
 */
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import type { Construct } from 'constructs';
import { ResourceGroup } from '../logical-ids';

/** URL-decode, then normalise the path (`//`, `/./`, `/../`), then lowercase: in this order. */
export const WAF_PATH_TRANSFORMATIONS = [
  { priority: 0, type: 'URL_DECODE' },
  { priority: 1, type: 'NORMALIZE_PATH' },
  { priority: 2, type: 'LOWERCASE' },
];

export interface WebhookWafProps {
  readonly stage: Stage;
  /** Requests per source IP and 5 minutes (WAF's minimum is 10). */
  readonly rateLimit: number;
  /** `/v1/webhooks/`: WAF sees the stage in the path (lowercase: it is compared after LOWERCASE). */
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
                  // The path as the gateway will route it: `/v1/%77ebhooks/x` and `/v1//webhooks/x`
                  // or `/v1/x/../webhooks/x` are counted too, not only the literal prefix.
                  textTransformations: WAF_PATH_TRANSFORMATIONS,
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
