/** Entry point of `cdk synth` / `cdk deploy` (cdk.json: `npx tsx infra/app.ts`). */
import { StackConfigError } from './config';
import { buildApp } from './invites-app';

try {
  buildApp().app.synth();
} catch (error) {
  // A bad context value is the user's to fix: its message names the key, a stack trace only hides it.
  if (!(error instanceof StackConfigError)) throw error;
  console.error(`Invalid stack configuration: ${error.message}`);
  process.exitCode = 1;
}
