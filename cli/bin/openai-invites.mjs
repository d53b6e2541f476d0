#!/usr/bin/env node
// The command's stable path (package.json `bin`): npx links a project's bin once, by this path,
// so it stays the same across versions. The command itself is compiled into dist/ (cli/build.mjs).
import '../../dist/openai-invites.mjs';
