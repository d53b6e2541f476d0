#!/usr/bin/env node
// The CLI is TypeScript; tsx (a devDependency) loads it as `npm start` does.
import { register } from 'tsx/esm/api';

// The AWS SDK warns about Node 20 on every --queue-url run; CLI users can do nothing about it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('../cli.ts');
