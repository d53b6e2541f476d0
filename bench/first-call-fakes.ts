/**
 * The local fakes of bench/first-call.ts, in their own process (the bench blocks its own while it
 * measures): a scripted AWS endpoint and the OpenAI simulator. Prints their URLs as one JSON line.
 */
import { createServer, type Server } from 'node:http';
import { InvitesSimulator } from '../local/openai-simulator';

/** Secrets Manager, DynamoDB and SQS over their JSON protocols, answering every call with success. */
const fakeAws = (): Server =>
  createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const body = target.startsWith('secretsmanager.')
        ? {
            ARN: 'arn:aws:secretsmanager:us-east-1:0:secret:bench',
            Name: 'bench/admin-key',
            SecretString: 'sk-admin-bench',
            VersionId: 'v1',
          }
        : {};
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'bench' });
      response.end(JSON.stringify(body));
    });
  });

const aws = fakeAws();
await new Promise<void>((resolve) => aws.listen(0, '127.0.0.1', resolve));
const openai = await new InvitesSimulator({}).start();
process.stdout.write(
  `${JSON.stringify({ aws: `http://127.0.0.1:${(aws.address() as { port: number }).port}`, openai })}\n`,
);
