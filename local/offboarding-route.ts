/**
 * `GET /local/offboarding` on the npm start gateway: the ledger's emails awaiting a person, for
 * `openai-invites offboarding list` (a deployed stack is read straight from DynamoDB instead).
 * Outside `/v1` on purpose: it is no route of the deployed API, and no OpenAI client reaches it.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { getLedger } from '../lib/ledger/runtime';

export const LOCAL_OFFBOARDING_PATH = '/local/offboarding';

/** `{object: "list", data: InviteRecord[]}`, newest first. */
export const offboardingAnswer = async (): Promise<APIGatewayProxyResult> => ({
  statusCode: 200,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ object: 'list', data: await getLedger().listNeedingAction() }),
});
