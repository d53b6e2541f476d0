/** Entry point of `cdk synth` / `cdk deploy` (cdk.json: `npx tsx infra/app.ts`). */
import { buildApp } from './invites-app';

buildApp().app.synth();
