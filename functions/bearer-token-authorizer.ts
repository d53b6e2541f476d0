/** Lambda TOKEN authorizer of the `token` auth mode: a known bearer token → Allow, else 401. */
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent, Context } from 'aws-lambda';
import { authorizeBearerToken, BearerTokenVerifier } from '../lib/auth/bearer-token-authorizer';
import { startInvocation } from '../lib/commons/invocation';
import { logger } from '../lib/commons/logger';

let verifier: BearerTokenVerifier | undefined;

export const handler = async (
  event: APIGatewayTokenAuthorizerEvent,
  context?: Context,
): Promise<APIGatewayAuthorizerResult> => {
  startInvocation(context);
  verifier ??= BearerTokenVerifier.fromEnvironment();
  try {
    const result = await authorizeBearerToken(event, verifier);
    logger.info('token accepted', { caller: result.principalId });
    return result;
  } catch (error) {
    // Never the token: only whether it was refused or the secret could not be used.
    if ((error as Error).message === 'Unauthorized') logger.warn('token refused');
    else logger.error('authorizer failed', { error: (error as Error).message });
    throw error;
  }
};
