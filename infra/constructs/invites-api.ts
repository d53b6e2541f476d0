/**
 * The REST API, built from the route table: one method per route on its function, IAM or the
 * bearer-token authorizer on `api` routes, webhook routes open (their functions verify
 * signatures), fallbacks that answer 404/405 as the local gateway does, and API Gateway's own
 * answers in OpenAI's error shape.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  IdentitySource,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RequestValidator,
  RestApi,
  TokenAuthorizer,
} from 'aws-cdk-lib/aws-apigateway';
import { AnyPrincipal, ArnPrincipal, Effect, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { Route } from '../../lib/http/routes';
import type { StackConfig } from '../config';
import { ResourceGroup, uniqueIdWithoutGroups } from '../logical-ids';
import { addOpenAIShapedGatewayResponses } from './gateway-responses';
import { addRouteFallbacks } from './route-fallbacks';
import { WebhookWaf } from './webhook-waf';
import { providerNames } from '../../lib/webhooks/providers/registry';

export const STAGE_NAME = 'v1';

export interface InvitesApiProps {
  readonly config: StackConfig;
  readonly routes: readonly Route[];
  /** The function of each route, by its file name under `functions/`. */
  readonly functionOf: (functionName: string) => IFunction;
  /** Token mode only: the bearer-token authorizer's function. */
  readonly authorizerFunction?: IFunction;
  /** `restApiName` is `${namePrefix}-invites`. */
  readonly namePrefix: string;
  /**
   * Webhook providers that get a resource (and so a throttle) of their own below a
   * `{provider}` route; default: the registry's (lib/webhooks/providers/registry.ts).
   */
  readonly webhookProviders?: readonly string[];
}

/**
 * The routes as the gateway serves them: each webhook route with a `{provider}` parameter also
 * once per known provider, as a literal resource. API Gateway throttles per resource and method,
 * so each provider then has its own throttle: forged traffic to one provider's URL (or to an
 * unknown name, on `{provider}`) cannot make API Gateway refuse another provider's deliveries.
 * The function reads the provider from the resource when there is no path parameter.
 */
export const gatewayRoutes = (routes: readonly Route[], providers: readonly string[]): Route[] =>
  routes.flatMap((route) =>
    route.auth === 'webhook' && route.path.includes('{provider}')
      ? [route, ...providers.map((name) => ({ ...route, path: route.path.replace('{provider}', name) }))]
      : [route],
  );

export class InvitesApi extends ResourceGroup {
  readonly api: RestApi;

  constructor(scope: Construct, id: string, props: InvitesApiProps) {
    super(scope, id);
    const { config } = props;
    const routes = gatewayRoutes(props.routes, props.webhookProviders ?? providerNames());
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: config.logRetentionDays });
    const iamPolicy = config.authMode === 'iam' ? apiResourcePolicy(config, routes) : undefined;
    this.api = new RestApi(this, 'Api', {
      restApiName: `${props.namePrefix}-invites`,
      description: 'OpenAI organization invites, mirroring /v1/organization/invites',
      endpointTypes: [EndpointType.REGIONAL],
      policy: iamPolicy,
      // API Gateway logs through one CloudWatch role per account and region. Setting it is an
      // account-wide side effect (it replaces a landing zone's), so only when asked; it is kept
      // when the stack is deleted, as other APIs of the account log through it.
      cloudWatchRole: config.setApiGatewayAccountRole,
      ...(config.setApiGatewayAccountRole ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN } : {}),
      deployOptions: {
        stageName: STAGE_NAME,
        throttlingRateLimit: config.throttlingRateLimit,
        throttlingBurstLimit: config.throttlingBurstLimit,
        // The open webhook routes get a throttle of their own, one per provider (gatewayRoutes): a
        // flood of forged deliveries then 429s only that provider's URL, never another provider's
        // deliveries nor the internal callers (and vice versa).
        methodOptions: Object.fromEntries(
          routes
            .filter((route) => route.auth === 'webhook')
            .map((route) => [
              `${route.path}/${route.method}`,
              {
                throttlingRateLimit: config.webhookThrottlingRateLimit,
                throttlingBurstLimit: config.webhookThrottlingBurstLimit,
              },
            ]),
        ),
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: AccessLogField.contextRequestId(),
            requestTime: AccessLogField.contextRequestTime(),
            ip: AccessLogField.contextIdentitySourceIp(),
            caller: AccessLogField.contextIdentityUserArn(),
            principalId: AccessLogField.contextAuthorizerPrincipalId(),
            httpMethod: AccessLogField.contextHttpMethod(),
            resourcePath: AccessLogField.contextResourcePath(),
            status: AccessLogField.contextStatus(),
            responseLength: AccessLogField.contextResponseLength(),
            integrationLatency: AccessLogField.contextIntegrationLatency(),
            error: AccessLogField.contextErrorMessage(),
          }),
        ),
        // Execution logs at ERROR only, and never request or response bodies (emails).
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
      },
    });
    const cloudWatchRole = this.api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'API Gateway’s account-level logging role; AWS maintains this policy for exactly that purpose.',
      });
    }
    // `ApiUrl` (the stack's output) says the same with its description.
    this.api.node.tryRemoveChild('Endpoint');
    // API Gateway would create the execution-log group itself, without retention.
    const executionLogs = new LogGroup(this, 'ApiExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${STAGE_NAME}`,
      retention: config.logRetentionDays,
    });
    this.api.deploymentStage.node.addDependency(executionLogs);
    addOpenAIShapedGatewayResponses(this.api);

    // Path parameters are checked at the gateway; bodies are checked in the functions, which
    // answer with OpenAI's 400 naming the offending field (`param`), as a JSON-schema model cannot.
    const validator = new RequestValidator(this, 'ParameterValidator', {
      restApi: this.api,
      validateRequestParameters: true,
      validateRequestBody: false,
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'Parameters are validated at the gateway; bodies in the functions (the same code as npm start), which answer OpenAI-shaped 400s naming the field.',
    });

    const tokenAuthorizer = props.authorizerFunction
      ? new TokenAuthorizer(this, 'TokenAuthorizer', {
          handler: props.authorizerFunction,
          authorizerName: uniqueIdWithoutGroups(this, 'TokenAuthorizer'),
          identitySource: IdentitySource.header('Authorization'),
          // Anything else is refused with 401 before the function runs.
          validationRegex: '^[Bb]earer +[^ ]+$',
          // One answer per token, listing every route it may call, kept this long: also how long
          // a revoked token may still be accepted, on top of the authorizer's 60 s secret cache.
          resultsCacheTtl: Duration.seconds(config.authorizerCacheSeconds),
        })
      : undefined;

    for (const route of routes) {
      const resource = this.api.root.resourceForPath(route.path);
      const pathParameters = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);
      const open = route.auth === 'webhook' || route.auth === 'scim';
      const integration = new LambdaIntegration(props.functionOf(route.functionName), {
        allowTestInvoke: false,
      });
      const method = resource.addMethod(route.method, integration, {
        operationName: route.id,
        requestValidator: validator,
        requestParameters: Object.fromEntries(
          pathParameters.map((name) => [`method.request.path.${name}`, true]),
        ),
        ...(open
          ? { authorizationType: AuthorizationType.NONE }
          : tokenAuthorizer
            ? { authorizationType: AuthorizationType.CUSTOM, authorizer: tokenAuthorizer }
            : { authorizationType: AuthorizationType.IAM }),
      });
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-COG4',
        reason:
          route.auth === 'scim'
            ? 'SCIM route: identity providers send the SCIM bearer token, which the function checks.'
            : open
              ? 'Webhook route: HR systems cannot sign with Cognito; the function verifies each request’s signature.'
              : 'Internal callers authenticate with IAM SigV4 or a hashed bearer token, not Cognito users.',
      });
      if (open) {
        Validations.of(method).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            route.auth === 'scim'
              ? 'SCIM route: open at the gateway by design; the function checks the SCIM bearer token.'
              : 'Webhook route: open at the gateway by design; the function verifies each request’s signature.',
        });
      }
    }
    addRouteFallbacks(this.api, routes);
    if (config.webhookWafRateLimit !== undefined) {
      new WebhookWaf(this, 'WebhookWaf', {
        stage: this.api.deploymentStage,
        rateLimit: config.webhookWafRateLimit,
        pathPrefix: `/${STAGE_NAME}/webhooks/`,
      });
    } else {
      Validations.of(this.api).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason:
          'Internal routes require IAM or a bearer token; webhook routes have their own method throttle. Context webhookWafRateLimit adds a WAF web ACL.',
      });
    }
  }
}

/** `arn:aws:iam::111122223333:root` stands for every principal of that account. */
const principalArnPattern = (arn: string): string => arn.replace(/:root$/, ':*');

/**
 * IAM mode with `allowedPrincipalArns`: the listed principals may invoke every route, and nobody
 * else any `api` route (they still need SigV4 too). Everything else is open to anyone: the webhook
 * routes (their functions verify signatures) and the 404/405 mocks, which run no code, so that an
 * unknown path answers 404 `unknown_url` rather than 403. A mock on a path that an `api` route's
 * `{parameter}` also covers (`GET /organization/invites/bulk`) stays behind the deny: 403.
 */
const apiResourcePolicy = (config: StackConfig, routes: readonly Route[]): PolicyDocument | undefined => {
  if (config.allowedPrincipalArns.length === 0) return undefined;
  const apiResources = routes
    .filter((route) => route.auth === 'api')
    .map((route) => `execute-api:/${STAGE_NAME}/${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`);
  return new PolicyDocument({
    statements: [
      new PolicyStatement({
        principals: config.allowedPrincipalArns.map((arn) => new ArnPrincipal(arn)),
        actions: ['execute-api:Invoke'],
        resources: [`execute-api:/${STAGE_NAME}/*/*`],
      }),
      new PolicyStatement({
        principals: [new AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: [`execute-api:/${STAGE_NAME}/*/*`],
      }),
      new PolicyStatement({
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: [...new Set(apiResources)],
        conditions: {
          ArnNotLike: { 'aws:PrincipalArn': config.allowedPrincipalArns.map(principalArnPattern) },
        },
      }),
    ],
  });
};
