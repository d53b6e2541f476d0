/**
 * API Gateway's own answers (no route, no or a bad signature or token, throttling, timeouts) in
 * OpenAI's error shape, so an OpenAI client raises the right error class for them too.
 */
import { ResponseType, type RestApiBase } from 'aws-cdk-lib/aws-apigateway';

interface OpenAIShapedResponse {
  readonly type: ResponseType;
  /** Unset: the status API Gateway picks for this response type. */
  readonly statusCode?: string;
  readonly errorType: string;
  readonly code: string;
}

export const GATEWAY_RESPONSES: readonly OpenAIShapedResponse[] = [
  { type: ResponseType.DEFAULT_4XX, errorType: 'invalid_request_error', code: 'invalid_request' },
  { type: ResponseType.DEFAULT_5XX, errorType: 'server_error', code: 'gateway_error' },
  // OpenAI answers a missing or unknown key with 401 `invalid_api_key`.
  {
    type: ResponseType.UNAUTHORIZED,
    statusCode: '401',
    errorType: 'invalid_request_error',
    code: 'invalid_api_key',
  },
  {
    type: ResponseType.ACCESS_DENIED,
    statusCode: '403',
    errorType: 'invalid_request_error',
    code: 'access_denied',
  },
  // An unsigned request to a route in IAM mode (unknown paths and methods: route-fallbacks.ts).
  {
    type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
    statusCode: '403',
    errorType: 'invalid_request_error',
    code: 'missing_authentication_token',
  },
  {
    type: ResponseType.INVALID_SIGNATURE,
    statusCode: '403',
    errorType: 'invalid_request_error',
    code: 'invalid_signature',
  },
  {
    type: ResponseType.EXPIRED_TOKEN,
    statusCode: '403',
    errorType: 'invalid_request_error',
    code: 'expired_token',
  },
  {
    type: ResponseType.BAD_REQUEST_PARAMETERS,
    statusCode: '400',
    errorType: 'invalid_request_error',
    code: 'invalid_request',
  },
  {
    type: ResponseType.REQUEST_TOO_LARGE,
    statusCode: '413',
    errorType: 'invalid_request_error',
    code: 'payload_too_large',
  },
  { type: ResponseType.THROTTLED, statusCode: '429', errorType: 'requests', code: 'rate_limit_exceeded' },
  {
    type: ResponseType.QUOTA_EXCEEDED,
    statusCode: '429',
    errorType: 'requests',
    code: 'rate_limit_exceeded',
  },
  {
    type: ResponseType.INTEGRATION_TIMEOUT,
    statusCode: '504',
    errorType: 'server_error',
    code: 'upstream_timeout',
  },
  {
    type: ResponseType.AUTHORIZER_FAILURE,
    statusCode: '500',
    errorType: 'server_error',
    code: 'authorizer_failure',
  },
  {
    type: ResponseType.AUTHORIZER_CONFIGURATION_ERROR,
    statusCode: '500',
    errorType: 'server_error',
    code: 'authorizer_configuration_error',
  },
];

/** `$context.error.messageString` is API Gateway's message as a quoted, escaped JSON string. */
export const openAIErrorTemplate = (errorType: string, code: string): string =>
  `{"error":{"message":$context.error.messageString,"type":"${errorType}","param":null,"code":"${code}"}}`;

export const addOpenAIShapedGatewayResponses = (api: RestApiBase): void => {
  for (const response of GATEWAY_RESPONSES) {
    api.addGatewayResponse(`GatewayResponse${response.type.responseType}`, {
      type: response.type,
      statusCode: response.statusCode,
      templates: { 'application/json': openAIErrorTemplate(response.errorType, response.code) },
      // Every answer names its request, as the functions' answers do.
      responseHeaders: { 'x-request-id': 'context.requestId' },
    });
  }
};
