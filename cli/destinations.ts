/**
 * Where `bulk-invite` sends its jobs: a gateway's bulk route (`npm start`, or a deployed API in
 * token or IAM mode), or straight onto the bulk queue with the AWS SDK. Each failure is thrown as a
 * SendFailedError that already says its cause and what to do (cli/failures.ts).
 */
import { SqsQueue } from '../lib/bulk/queue';
import { enqueueInvites } from '../lib/bulk/producer';
import type { InviteRequest } from '../lib/openai/types';
import { gatewayRefused, gatewayUnreachable, queueFailure, SendFailedError } from './failures';
import { authHeaders, CliFailure, type GatewayAuth } from './gateway';

export interface Destination {
  describe: string;
  send(jobId: string, invites: InviteRequest[]): Promise<void>;
}

const errorOf = (text: string): { message?: string; code?: string | null } => {
  try {
    const parsed = (JSON.parse(text) as { error?: { message?: string; code?: string | null } }).error;
    if (parsed) return parsed;
  } catch {
    // Not OpenAI's error shape (a proxy's HTML page, say): quote the start of it.
  }
  return { message: text };
};

/** What every job of a run says besides its invites. */
export interface JobOptions {
  source: string;
  /** Replace a pending invite of other terms instead of dead-lettering the item. */
  replacePending: boolean;
}

export const gatewayDestination = (base: string, options: JobOptions, auth: GatewayAuth): Destination => {
  const url = `${base.replace(/\/+$/, '')}/organization/invites/bulk`;
  return {
    describe: url,
    async send(jobId, invites) {
      const body = JSON.stringify({
        job_id: jobId,
        source: options.source,
        invites,
        ...(options.replacePending ? { replace_pending: true } : {}),
      });
      let headers: Record<string, string>;
      try {
        headers = await authHeaders(url, auth, { method: 'POST', body });
      } catch (error) {
        if (!(error instanceof CliFailure)) throw error;
        throw new SendFailedError({ message: error.message, retry: false, stop: true });
      }
      let response: Response;
      try {
        response = await fetch(url, { method: 'POST', headers, body });
      } catch (error) {
        throw new SendFailedError(gatewayUnreachable(base, error));
      }
      if (response.status !== 202) {
        throw new SendFailedError(gatewayRefused(url, response.status, errorOf(await response.text())));
      }
    },
  };
};

export const queueDestination = (url: string, options: JobOptions): Destination => {
  const queue = new SqsQueue(url);
  return {
    describe: url,
    async send(jobId, invites) {
      try {
        await enqueueInvites(
          queue,
          invites.map((invite, index) => ({ index, invite })),
          { jobId, ...options },
        );
      } catch (error) {
        throw new SendFailedError(queueFailure(url, error));
      }
    },
  };
};
