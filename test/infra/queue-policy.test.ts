/**
 * Issue 29, item 2: the bulk queue obeys only its writers. Its resource policy denies
 * `sqs:SendMessage` to every principal but the roles the stack grants it (producer, webhook,
 * worker) and the operators' roles named in context, whatever their own IAM policies allow.
 */
import { describe, expect, it } from 'vitest';
import type { Role } from 'aws-cdk-lib/aws-iam';
import { StackConfigError } from '../../infra/config';
import { logicalIdOf, synthStack } from './synth';

const OPERATOR = 'arn:aws:iam::111122223333:role/invites-operators';
// Synthesized once, at collection (as test/infra/invites-stack.test.ts does).
const plain = synthStack();
const withOperator = synthStack({ queueOperatorRoleArns: [OPERATOR] });

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- template JSON, read by path
type Json = any;
type Statement = {
  Sid?: string;
  Effect: string;
  Principal: Json;
  Action: Json;
  Condition?: Json;
  Resource: Json;
};

const sendStatementOf = (synthesized: ReturnType<typeof synthStack>): Statement | undefined => {
  const queueId = logicalIdOf(synthesized.stack, synthesized.stack.queue);
  const policies = Object.values(
    synthesized.template.findResources('AWS::SQS::QueuePolicy', {
      Properties: { Queues: [{ Ref: queueId }] },
    }),
  );
  expect(policies).toHaveLength(1);
  const statements = (policies[0] as { Properties: { PolicyDocument: { Statement: Statement[] } } })
    .Properties.PolicyDocument.Statement;
  return statements.find((statement) => [statement.Action].flat().includes('sqs:SendMessage'));
};

const roleArnOf = (synthesized: ReturnType<typeof synthStack>, functionName: string) => ({
  'Fn::GetAtt': [
    logicalIdOf(synthesized.stack, synthesized.stack.functions.get(functionName)!.role as Role),
    'Arn',
  ],
});

describe('the bulk queue’s policy', () => {
  it('denies SendMessage to every principal but the producer, the webhook and the worker', () => {
    // Prepare
    const synthesized = plain;

    // Act
    const statement = sendStatementOf(synthesized);

    // Assess
    expect(statement).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'sqs:SendMessage',
      Resource: { 'Fn::GetAtt': [logicalIdOf(synthesized.stack, synthesized.stack.queue), 'Arn'] },
    });
    expect(Object.keys(statement!.Condition)).toEqual(['ArnNotEquals']);
    expect(statement!.Condition.ArnNotEquals['aws:PrincipalArn']).toEqual([
      roleArnOf(synthesized, 'bulk-invites'),
      roleArnOf(synthesized, 'hr-webhook'),
      roleArnOf(synthesized, 'bulk-invite-worker'),
    ]);
  });

  it('lets exactly the roles that are granted SendMessage send, and no other function', () => {
    const synthesized = plain;
    const allowed = JSON.stringify(sendStatementOf(synthesized)!.Condition.ArnNotEquals['aws:PrincipalArn']);
    for (const [name] of synthesized.stack.functions) {
      const role = JSON.stringify(roleArnOf(synthesized, name));
      expect(allowed.includes(role), name).toBe(
        ['bulk-invites', 'hr-webhook', 'bulk-invite-worker'].includes(name),
      );
    }
  });

  it('also lets the operators’ role named in context send (the CLI’s --queue-url and dlq redrive)', () => {
    const synthesized = withOperator;

    expect(sendStatementOf(synthesized)!.Condition.ArnNotEquals['aws:PrincipalArn']).toContain(OPERATOR);
  });

  it.each([['*'], ['arn:aws:iam::111122223333:root'], ['arn:aws:iam::111122223333:user/ops']])(
    'refuses %s as an operator role: only a role ARN narrows the deny',
    (arn) => {
      expect(() => synthStack({ queueOperatorRoleArns: [arn] })).toThrow(StackConfigError);
    },
  );
});

describe('outputs for the Admin-key secret’s own policy', () => {
  it('name exactly the roles that read the Admin key', () => {
    const synthesized = plain;
    const value = synthesized.template.toJSON().Outputs.AdminKeyReaderRoleArns.Value;
    const readers = [...synthesized.stack.functions.keys()].filter((name) =>
      JSON.stringify(value).includes(JSON.stringify(roleArnOf(synthesized, name))),
    );

    expect(readers.sort()).toEqual(
      [
        'bulk-invite-worker',
        'create-invite',
        'delete-invite',
        // PUT and DELETE /people check ids at OpenAI and apply a member's grants or leaving now.
        'delete-person',
        'invite-sweeper',
        'list-invites',
        'put-person',
        'retrieve-invite',
      ].sort(),
    );
  });
});
