/** What a function's bundle carries: only what its route needs (the bulk producer never calls OpenAI). */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BUNDLING } from '../../infra/bundling';

/** The stack's bundling, unminified so the markers below stay readable. */
const BUNDLE_OPTIONS = {
  bundle: true,
  write: false,
  platform: 'node',
  target: BUNDLING.target,
  format: 'esm',
  mainFields: [...BUNDLING.mainFields],
  logLevel: 'error',
} satisfies BuildOptions;

const bundleText = async (functionName: string): Promise<string> => {
  const result = await build({
    ...BUNDLE_OPTIONS,
    entryPoints: [fileURLToPath(new URL(`../../functions/${functionName}.ts`, import.meta.url))],
  });
  return result.outputFiles[0]!.text;
};

describe('function bundles', () => {
  it('leaves the OpenAI client and Secrets Manager out of the bulk producer', async () => {
    // Prepare / Act
    const producer = await bundleText('bulk-invites');
    const createInvite = await bundleText('create-invite');

    // Assess: the same markers are present where the client is used, so their absence means something.
    for (const marker of ['GetSecretValue', 'OpenAIInvitesClient']) {
      expect(createInvite).toContain(marker);
      expect(producer).not.toContain(marker);
    }
    expect(producer).toContain('SendMessageBatch');
  });
});

describe('the job route’s bundle', () => {
  it('carries the ledger’s DynamoDB client, and neither OpenAI’s client, Secrets Manager nor SQS', async () => {
    const jobStatus = await bundleText('bulk-job-status');

    expect(jobStatus).toContain('TransactWriteItems');
    for (const marker of ['GetSecretValue', 'OpenAIInvitesClient', 'SendMessageBatch']) {
      expect(jobStatus).not.toContain(marker);
    }
  });
});

describe('the invite routes’ bundles', () => {
  it('carry the shared budget’s store in every route, and the ledger in create and delete only', async () => {
    // Every caller of OpenAI takes the shared budget (lib/budget/dynamodb-store.ts) through the
    // project's own DynamoDB client, which names its operations' X-Amz-Target
    // (lib/commons/dynamodb-json-client.ts); only create and delete record outcomes in the ledger.
    for (const name of ['create-invite', 'delete-invite', 'list-invites', 'retrieve-invite']) {
      const text = await bundleText(name);
      expect(text, name).toContain('DynamoDB_20120810');
      expect(text, name).toContain('DynamoDbBudgetStore');
    }
    for (const name of ['create-invite', 'delete-invite']) {
      expect(await bundleText(name), name).toContain('DynamoDbLedger');
    }
    for (const name of ['list-invites', 'retrieve-invite']) {
      expect(await bundleText(name), name).not.toContain('DynamoDbLedger');
    }
  });
});

describe('zod', () => {
  it('is bundled where a caller’s invite request is validated, and not in list or retrieve', async () => {
    // ZodMiniObject is the class of the invite request's schema; OpenAI's answers are read by hand.
    for (const name of ['create-invite', 'bulk-invite-worker']) {
      expect(await bundleText(name), name).toContain('ZodMiniObject');
    }
    for (const name of ['list-invites', 'retrieve-invite']) {
      expect(await bundleText(name), name).not.toContain('ZodMini');
    }
  });
});
/** A bundle of the given module text, resolved from the project. */
const bundleOf = async (contents: string): Promise<string> => {
  const result = await build({
    ...BUNDLE_OPTIONS,
    stdin: { contents, resolveDir: fileURLToPath(new URL('../..', import.meta.url)), loader: 'ts' },
  });
  return result.outputFiles[0]!.text;
};

describe('every function bundle', () => {
  it('leaves out @aws-sdk/client-dynamodb: DynamoDB is spoken by the lean client (README, "Libraries")', async () => {
    // The marker is there when the SDK client is bundled, so its absence means something.
    const sdk = await bundleOf("export { DynamoDBClient } from '@aws-sdk/client-dynamodb';");
    expect(sdk).toContain('DynamoDBServiceException');

    for (const name of readdirSync(new URL('../../functions/', import.meta.url))) {
      if (!name.endsWith('.ts')) continue;
      expect(await bundleText(name.replace(/\.ts$/, '')), name).not.toContain('DynamoDBServiceException');
    }
  }, 60_000);

  it('leaves out npm start’s SQLite state (node:sqlite, for local/ only)', async () => {
    const functions = readdirSync(new URL('../../functions/', import.meta.url)).filter((name) =>
      name.endsWith('.ts'),
    );
    expect(functions.length).toBeGreaterThanOrEqual(5);

    for (const name of functions) {
      const bundle = await bundleText(name.replace(/\.ts$/, ''));
      expect(bundle, name).not.toContain('node:sqlite');
      expect(bundle, name).not.toContain('DatabaseSync');
      expect(bundle, name).not.toContain('queue_messages');
    }
  }, 60_000);
});
