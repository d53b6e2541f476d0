/**
 * cfn-lint (AWS's CloudFormation linter) on every context variant that changes the template's
 * shape: no errors, and no warnings but those acknowledged with a reason in .cfnlintrc.yaml.
 * Like moto_server, a missing cfn-lint fails the run with an install hint; it is never skipped.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { synthStack } from './synth';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONFIG = join(ROOT, '.cfnlintrc.yaml');
const INSTALL_HINT =
  "cfn-lint is not installed: python3 -m pip install 'cfn-lint==1.51.0' (.ci/run does this).";

/** Each changes which resources or policies exist; settings that only change values are not here. */
const VARIANTS: Record<string, Record<string, unknown>> = {
  'iam-default': {},
  'iam-principals-waf-account-role': {
    allowedPrincipalArns: ['arn:aws:iam::111122223333:role/hr-portal', 'arn:aws:iam::444455556666:root'],
    webhookWafRateLimit: 300,
    setApiGatewayAccountRole: true,
    sourceMaps: true,
    upstreamUrl: 'https://openai.example.com/v1',
  },
  'token-alarm-email': {
    authMode: 'token',
    alarmEmail: 'ops@example.com',
    queueOperatorRoleArns: ['arn:aws:iam::111122223333:role/invites-operators'],
    webhookDepartmentProjects: { Engineering: [{ id: 'proj_eng', role: 'member' }] },
  },
};

const outdir = mkdtempSync(join(tmpdir(), 'invites-cfn-lint-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const templates = Object.entries(VARIANTS).map(([name, context]) => {
  const file = join(outdir, `${name}.json`);
  writeFileSync(file, JSON.stringify(synthStack(context).template.toJSON(), null, 1));
  return file;
});

describe('cfn-lint', () => {
  it('acknowledges each ignored check with a reason', () => {
    const ignored = readFileSync(CONFIG, 'utf8')
      .split('\n')
      .filter((line) => /^\s+- [EWI]\d{4}/.test(line));

    expect(ignored.length).toBeGreaterThan(0);
    for (const line of ignored) expect(line).toMatch(/^\s+- [EWI]\d{4} # .{40,}$/);
  });

  it('finds nothing in any variant', () => {
    const result = spawnSync(
      'cfn-lint',
      ['--config-file', CONFIG, '--format', 'parseable', '--', ...templates],
      {
        encoding: 'utf8',
      },
    );

    expect(result.error, INSTALL_HINT).toBeUndefined();
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 240_000);
});
