#!/usr/bin/env node
// The CLI is TypeScript; tsx (a devDependency) loads it as `npm start` does.
import { register } from 'tsx/esm/api';

register();
await import('../cli.ts');
