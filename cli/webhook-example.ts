/**
 * `openai-invites webhook-example PROVIDER [--event invite|revoke] [--email E]`: prints a complete,
 * signed curl command for the webhook route of `npm start` (signed with its printed development
 * secrets), so an integrator sees each vendor's payload and headers working before configuring
 * the HR system. `--gateway` and `--secret` aim it at another deployment.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { localDevelopmentWebhookSecrets } from '../lib/webhooks/providers/registry';
import { type ExampleEvent, PROVIDER_EXAMPLES } from './webhook-examples';
import { gatewayFrom } from './gateway';

/** The registered providers that have an example payload here. */
const EXAMPLE_PROVIDERS = Object.keys(PROVIDER_EXAMPLES);
const hasExample = (name: string | undefined): name is string =>
  name !== undefined && name in PROVIDER_EXAMPLES;

export const WEBHOOK_USAGE = `Usage: openai-invites webhook-example PROVIDER [options]

Prints a signed curl command that posts PROVIDER's own payload shape to the webhook route.
PROVIDER: ${EXAMPLE_PROVIDERS.join(', ')}. The signature holds for 5 minutes (standard, bamboohr).

Options:
  --event invite|revoke   a new hire (default) or a leaver
  --email EMAIL           the person's email (default: new.hire@example.com)
  --gateway URL           the API's base URL (default: INVITES_API_URL, else http://127.0.0.1:3000/v1)
  --secret SECRET         the provider's signing secret (default: npm start's development secret)
  -h, --help`;

/** Single-quoted for sh, whatever the text holds. */
const shellQuote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

export const webhookExample = (args: string[], now = Date.now()): number => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      event: { type: 'string', default: 'invite' },
      email: { type: 'string', default: 'new.hire@example.com' },
      gateway: { type: 'string' },
      secret: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const provider = positionals[0];
  if (values.help) {
    console.log(WEBHOOK_USAGE);
    return 0;
  }
  if (!hasExample(provider) || (values.event !== 'invite' && values.event !== 'revoke')) {
    console.error(
      provider === undefined
        ? `openai-invites: which provider? One of ${EXAMPLE_PROVIDERS.join(', ')}.`
        : !hasExample(provider)
          ? `openai-invites: unknown provider ${JSON.stringify(provider)}; one of ${EXAMPLE_PROVIDERS.join(', ')}.`
          : `openai-invites: --event must be invite or revoke, not ${JSON.stringify(values.event)}.`,
    );
    console.error(WEBHOOK_USAGE);
    return 2;
  }
  const example = PROVIDER_EXAMPLES[provider]!;
  const secret = values.secret ?? localDevelopmentWebhookSecrets().signing[provider]!;
  const input = {
    event: values.event as ExampleEvent,
    email: values.email,
    now,
    nonce: randomUUID().replaceAll('-', '').slice(0, 16),
  };
  const body = JSON.stringify(example.payload(input));
  const headers = { 'Content-Type': 'application/json', ...example.headers(body, secret, input) };
  const base = gatewayFrom(values.gateway);
  console.log(
    [
      `curl -s -w ' HTTP %{http_code}\\n' ${shellQuote(`${base}/webhooks/${provider}`)}`,
      ...Object.entries(headers).map(([name, value]) => `  -H ${shellQuote(`${name}: ${value}`)}`),
      `  --data-binary ${shellQuote(body)}`,
    ].join(' \\\n'),
  );
  return 0;
};
