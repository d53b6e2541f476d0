/**
 * Logical IDs are what CloudFormation updates in place: a renamed one is a replaced resource (a new
 * queue, an emptied table). The fixture is the sorted list the stack had before it was split into
 * constructs (infra/constructs/), plus what later issues added; a change to it must be deliberate
 * and said in the commit (`npx vitest run test/infra/logical-ids.test.ts -u` rewrites the files
 * under fixtures/ after a deliberate change, such as a new route). Issue 17 removed only
 * ApiAccount and ApiCloudWatchRole, which are retained on removal (DeletionPolicy Retain), so an
 * update leaves the account's role in place.
 */
import { describe, expect, it } from 'vitest';
import { synthStack } from './synth';

/** A deployment's ID carries a hash of the API's content: new on every API change, by design. */
const normalised = (id: string): string =>
  id.replace(/^(ApiDeployment[0-9A-F]{8})[0-9a-f]{32}$/, '$1<content hash>');

// Synthesized while the file loads (no test timeout), as the other template tests do.
const variants = {
  iam: synthStack(),
  token: synthStack({ authMode: 'token', tokenSecretId: 'team/api-tokens', alarmEmail: 'ops@example.com' }),
};

describe('logical IDs', () => {
  it.each(Object.entries(variants))('are those of the deployed stack (%s)', async (name, synthesized) => {
    const ids = Object.keys(synthesized.template.toJSON().Resources).map(normalised).sort();

    await expect(`${JSON.stringify(ids, null, 2)}\n`).toMatchFileSnapshot(
      `./fixtures/logical-ids.${name}.json`,
    );
  });
});
