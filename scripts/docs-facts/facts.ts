/**
 * Every generated block's text, from the code (route table, environment names, the stack's
 * configuration reader) and from the synthesized template (reserved concurrency, alarms, outputs,
 * retained resources, secrets). `npm run docs:facts` writes them; `-- --check` compares.
 */
import { DEFAULT_STACK_CONFIG, parseStackConfig } from '../../infra/config';
import { ENV } from '../../lib/commons/env';
import { ROUTES } from '../../lib/http/routes';
import { CONTEXT_WORDS, ENV_WORDS, ROUTE_ANSWERS } from './descriptions';
import { checkEnvDefaults } from './env-defaults';
import { type CfnTemplate, synthesize } from './template';

/** Lambda keeps this much of an account's concurrency unreserved; reservations come on top. */
export const LAMBDA_UNRESERVED_MINIMUM = 100;

const row = (cells: string[]): string =>
  `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`;
const table = (head: string[], rows: string[][]): string =>
  [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');

/** A logical ID without the 8 hex digits CDK appends: `CreateInvite65702DC5` → `CreateInvite`. */
const nameOf = (logicalId: string): string => logicalId.replace(/[0-9A-F]{8}$/, '');

/** How each kind of route is authenticated. */
const ROUTE_AUTH: Record<(typeof ROUTES)[number]['auth'], string> = {
  api: 'the API mode (`iam` or `token`)',
  webhook: 'open at the gateway; signed',
  scim: 'open at the gateway; the SCIM bearer token, checked in the function (deployed with `scim=true`)',
};

export const routesBlock = (): string =>
  table(
    ['method', 'path (stage `v1`)', 'function', 'auth', 'answers'],
    ROUTES.map((route) => [
      `\`${route.method}\``,
      `\`${route.path}\``,
      `\`functions/${route.functionName}.ts\``,
      ROUTE_AUTH[route.auth],
      ROUTE_ANSWERS[route.id] ?? '—',
    ]),
  );

/** The environment's table; a documented default the code's readers contradict stops it. */
export const envBlock = (): string => {
  const { problems } = checkEnvDefaults();
  if (problems.length > 0)
    throw new Error(`scripts/docs-facts/descriptions.ts, ENV_WORDS:\n${problems.join('\n')}`);
  return table(
    ['name', 'default', 'meaning'],
    [...new Set(Object.values(ENV))].map((name) => {
      const [fallback, meaning] = ENV_WORDS[name] ?? ['—', '—'];
      return [`\`${name}\``, fallback, meaning];
    }),
  );
};

const formatDefault = (value: unknown): string => {
  if (value === undefined) return '(unset)';
  if (Array.isArray(value)) return value.length === 0 ? '`[]`' : `\`${JSON.stringify(value)}\``;
  return `\`${String(value)}\``;
};

/** Every key the stack's configuration reader reads, in its order, with the default it applies. */
export const contextKeys = (): string[] => {
  const read: string[] = [];
  parseStackConfig((key) => {
    if (!read.includes(key)) read.push(key);
    return undefined;
  });
  // `openAiBaseUrl` is only the older name of `upstreamUrl`.
  return read.filter((key) => key !== 'openAiBaseUrl');
};

export const contextBlock = (): string => {
  const defaults = DEFAULT_STACK_CONFIG as unknown as Record<string, unknown>;
  return table(
    ['key', 'default', 'meaning'],
    [
      ...contextKeys().map((key) => [`\`${key}\``, formatDefault(defaults[key]), CONTEXT_WORDS[key] ?? '—']),
      [
        '`account`, `region`',
        '(from credentials and `AWS_REGION`)',
        'where the stack deploys; the synth refuses to run without both',
      ],
      ['`stackName`', '`OpenAIInvites`', "the stack's name"],
    ],
  );
};

/** Optional context, one key at a time: what each adds to the template. */
export const OPTIONAL_CONTEXT: Record<string, unknown> = {
  authMode: 'token',
  alarmEmail: 'ops@example.com',
  setApiGatewayAccountRole: true,
  webhookWafRateLimit: 300,
  scim: true,
};

export interface Templates {
  /** The default context (`authMode=iam`). */
  iam: CfnTemplate;
  /** `authMode=token`. */
  token: CfnTemplate;
  /** Each optional key alone, by key. */
  optional: Record<string, CfnTemplate>;
  /** Every optional key at once. */
  full: CfnTemplate;
}

export const synthesizeAll = (): Templates => {
  const optional = Object.fromEntries(
    Object.entries(OPTIONAL_CONTEXT).map(([key, value]) => [key, synthesize({ [key]: value })]),
  );
  return { iam: synthesize(), token: optional.authMode!, optional, full: synthesize(OPTIONAL_CONTEXT) };
};

const reserved = (template: CfnTemplate): { name: string; value: number }[] =>
  Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .map(([id, resource]) => ({
      name: nameOf(id),
      value: Number(resource.Properties?.ReservedConcurrentExecutions ?? 0),
    }));

export const concurrencyBlock = (templates: Templates): string => {
  const iam = reserved(templates.iam);
  const token = reserved(templates.token);
  const sum = (list: { value: number }[]) => list.reduce((total, each) => total + each.value, 0);
  const names = [...new Set([...iam, ...token].map((each) => each.name))];
  const of = (list: { name: string; value: number }[], name: string) =>
    String(list.find((each) => each.name === name)?.value ?? '—');
  return [
    table(
      ['function', '`authMode=iam`', '`authMode=token`'],
      [
        ...names.map((name) => [name, of(iam, name), of(token, name)]),
        ['**reserved in all**', `**${sum(iam)}**`, `**${sum(token)}**`],
        [
          'account concurrency limit needed (+ the 100 Lambda keeps unreserved)',
          String(sum(iam) + LAMBDA_UNRESERVED_MINIMUM),
          String(sum(token) + LAMBDA_UNRESERVED_MINIMUM),
        ],
      ],
    ),
    '',
    `${iam.length} functions in \`iam\` mode, ${token.length} in \`token\` mode (the authorizer), with the default context.`,
  ].join('\n');
};

export const alarmsBlock = (templates: Templates): string =>
  table(
    ['alarm', 'fires when'],
    Object.entries(templates.full.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::CloudWatch::Alarm')
      .map(([id, resource]) => [`\`${nameOf(id)}\``, String(resource.Properties?.AlarmDescription ?? '—')]),
  );

export const outputsBlock = (templates: Templates): string =>
  table(
    ['output', 'what it is'],
    Object.entries(templates.full.Outputs ?? {}).map(([key, output]) => [
      `\`${key}\``,
      output.Description ?? '—',
    ]),
  );

export const retainedBlock = (templates: Templates): string => {
  const retained = Object.entries(templates.full.Resources).filter(
    ([, resource]) =>
      resource.DeletionPolicy === 'Retain' || resource.DeletionPolicy === 'RetainExceptOnCreate',
  );
  const madeWith = (id: string): string => {
    if (id in templates.iam.Resources) return 'always';
    const key = Object.keys(templates.optional).find((name) => id in templates.optional[name]!.Resources);
    if (!key) return 'with several optional keys';
    const value = OPTIONAL_CONTEXT[key];
    return key === 'authMode' || typeof value === 'boolean'
      ? `with \`${key}=${String(value)}\``
      : `with \`${key}\``;
  };
  return table(
    ['resource', 'type', 'made'],
    retained.map(([id, resource]) => [`\`${nameOf(id)}\``, `\`${resource.Type}\``, madeWith(id)]),
  );
};

/** Context key of each secret the stack imports → how to make it. */
const SECRET_SETUP: Record<string, { holds: string; create: string }> = {
  adminKeySecretId: {
    holds: 'the OpenAI Admin key, a plain `sk-admin-…` string',
    create: 'read -rs KEY && aws secretsmanager create-secret --name NAME --secret-string "$KEY"; unset KEY',
  },
  webhookSecretsSecretId: {
    holds: 'JSON, one signing secret per HR provider you use (`{}` when none)',
    create: "aws secretsmanager create-secret --name NAME --secret-string '{}'",
  },
  tokenSecretId: {
    holds: "JSON, token name → the token's sha-256 (hex)",
    create:
      'aws secretsmanager create-secret --name NAME --secret-string \'{"hr-portal": "<sha-256 of the token>"}\'',
  },
  scimTokenSecretName: {
    holds: 'the bearer token your identity provider sends to the SCIM routes, a long random string',
    create: 'aws secretsmanager create-secret --name NAME --secret-string "$(openssl rand -base64 36)"',
  },
};

const secretNames = (template: CfnTemplate): Set<string> =>
  new Set([...JSON.stringify(template).matchAll(/:secret:([^"]*?)-\?{6}/g)].map((match) => match[1]!));

export const secretsBlock = (templates: Templates): string => {
  const iam = secretNames(templates.iam);
  const byOption = Object.entries(templates.optional).map(([key, template]) => ({
    option: `\`${key}=${String(OPTIONAL_CONTEXT[key])}\``,
    names: secretNames(template),
  }));
  const neededBy = (name: string): string | undefined =>
    iam.has(name)
      ? 'every deployment'
      : byOption
          .filter(({ names }) => names.has(name))
          .map(({ option }) => option)
          .join(', ') || undefined;
  const defaults = DEFAULT_STACK_CONFIG as unknown as Record<string, unknown>;
  const rows = Object.entries(SECRET_SETUP)
    .map(([key, setup]) => ({ key, name: String(defaults[key]), setup }))
    .flatMap(({ key, name, setup }) => {
      const needed = neededBy(name);
      return needed
        ? [[`\`${name}\``, `\`${key}\``, needed, setup.holds, `\`${setup.create.replaceAll('NAME', name)}\``]]
        : [];
    });
  const imported = new Set([...iam, ...byOption.flatMap(({ names }) => [...names])]);
  const unknown = [...imported].filter(
    (name) => !Object.keys(SECRET_SETUP).some((key) => defaults[key] === name),
  );
  if (unknown.length > 0)
    throw new Error(`The stack imports secrets this script cannot describe: ${unknown.join(', ')}`);
  return table(['secret (default name)', 'context key', 'needed by', 'holds', 'create it'], rows);
};

/** Every block by name; the template-based ones synthesize once, on first use. */
export const renderers = (): ((name: string) => string | undefined) => {
  let templates: Templates | undefined;
  const synthesized = () => (templates ??= synthesizeAll());
  const fromCode: Record<string, () => string> = {
    routes: routesBlock,
    env: envBlock,
    context: contextBlock,
    concurrency: () => concurrencyBlock(synthesized()),
    alarms: () => alarmsBlock(synthesized()),
    outputs: () => outputsBlock(synthesized()),
    retained: () => retainedBlock(synthesized()),
    secrets: () => secretsBlock(synthesized()),
  };
  const cache = new Map<string, string>();
  return (name) => {
    const render = fromCode[name];
    if (!render) return undefined;
    if (!cache.has(name)) cache.set(name, render());
    return cache.get(name);
  };
};
