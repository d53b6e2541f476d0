/**
 * Every function's log lines carry the Lambda context (Powertools' addContext): cold_start,
 * function_request_id, function_name; and a cold start writes one ColdStart EMF metric line.
 * HTTP functions get it from httpHandler, the others from withInvocation (functions/*.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withInvocation } from '../../lib/commons/invocation';
import { logger } from '../../lib/commons/logger';
import { httpHandler } from '../../lib/http/http-handler';
import { lambdaContext } from '../../local/lambda-context';
import { capturedLogLines } from '../support/captured-output';

// As Lambda sets it for an on-demand environment, before the logger is made (Powertools reads it then).
vi.hoisted(() => {
  process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
});

afterEach(() => {
  delete process.env.AWS_LAMBDA_FUNCTION_NAME;
});

const linesOf = (message: string) => capturedLogLines().filter((line) => line.message === message);

describe('the Lambda context on log lines', () => {
  it('is on the HTTP line and on lines of any handler, with cold_start true once, and one ColdStart metric', async () => {
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'retrieve-invite';
    const http = httpHandler('ctx request', 'probe', async () => {
      logger.info('ctx inside work');
      return { body: { ok: true } };
    });
    const first = lambdaContext('retrieve-invite', 1000);
    const second = lambdaContext('retrieve-invite', 1000);

    await http({ requestContext: {} } as APIGatewayProxyEvent, first);
    await http({ requestContext: {} } as APIGatewayProxyEvent, second);
    const worker = withInvocation(async () => logger.info('ctx worker'));
    const third = lambdaContext('bulk-invite-worker', 1000);
    await worker({}, third);

    expect(linesOf('ctx inside work')).toMatchObject([
      { cold_start: true, function_request_id: first.awsRequestId, function_name: 'retrieve-invite' },
      { cold_start: false, function_request_id: second.awsRequestId, function_name: 'retrieve-invite' },
    ]);
    expect(linesOf('ctx request')).toMatchObject([
      { cold_start: true, function_request_id: first.awsRequestId, statusCode: 200 },
      { cold_start: false, function_request_id: second.awsRequestId },
    ]);
    expect(linesOf('ctx worker')).toMatchObject([
      { cold_start: false, function_request_id: third.awsRequestId, function_name: 'bulk-invite-worker' },
    ]);
    const metrics = capturedLogLines().filter((line) => '_aws' in line);
    expect(metrics).toEqual([
      {
        _aws: {
          Timestamp: expect.any(Number),
          CloudWatchMetrics: [
            {
              Namespace: 'OpenAIInvites',
              Dimensions: [['service', 'function_name']],
              Metrics: [{ Name: 'ColdStart', Unit: 'Count' }],
            },
          ],
        },
        service: 'openai-invites-test',
        function_name: 'retrieve-invite',
        ColdStart: 1,
      },
    ]);
  });

  it('is started by every function: through httpHandler, or startInvocation / withInvocation', () => {
    const functions = readdirSync(new URL('../../functions/', import.meta.url)).filter((name) =>
      name.endsWith('.ts'),
    );
    for (const name of functions) {
      const source = readFileSync(new URL(`../../functions/${name}`, import.meta.url), 'utf8');
      expect(source, name).toMatch(
        /withInvocation\(|startInvocation\(|apiHandler\(|invitesApiHandler\(|webhookHandler\(/,
      );
    }
  });
});
