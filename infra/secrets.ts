/** Secrets the stack grants access to but never holds: imported by name or complete ARN. */
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

/** `openai/admin-key` or a complete ARN. */
export const importSecret = (scope: Construct, id: string, secretId: string): ISecret =>
  secretId.startsWith('arn:')
    ? Secret.fromSecretCompleteArn(scope, id, secretId)
    : Secret.fromSecretNameV2(scope, id, secretId);
