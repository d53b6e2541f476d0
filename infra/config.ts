/**
 * The stack's configuration: `cdk.json` context (or `-c key=value`), with the defaults below.
 * README, "Stack configuration", lists the same keys.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { checkTimingModel } from '../lib/bulk/timing';
import { parseRate, RATE_ADVICE } from '../lib/bulk/rate-text';
import { ConfigurationError } from '../lib/commons/errors';
import { parseDepartmentGroups } from '../lib/webhooks/config';
import { WORKER_DEFAULTS } from './functions';

export type AuthMode = 'iam' | 'token';

export interface StackConfig {
  /** Name or ARN of the Secrets Manager secret holding the Admin key. The stack never holds the key. */
  readonly adminKeySecretId: string;
  /** INVITES_UPSTREAM_URL of the functions: OpenAI's API (https); unset = `https://api.openai.com/v1`. */
  readonly upstreamUrl?: string;
  /** `iam`: SigV4-signed calls. `token`: `Authorization: Bearer <token>`, checked by a Lambda authorizer. */
  readonly authMode: AuthMode;
  /** Name or ARN of the secret with the API tokens' sha-256 hashes (`token` mode only). */
  readonly tokenSecretId: string;
  /**
   * How long API Gateway keeps the authorizer's answer per token (`token` mode), 0–3600 s. A
   * revoked token lives up to this plus the authorizer's own 60 s secret cache.
   */
  readonly authorizerCacheSeconds: number;
  /** IAM principals (ARNs) allowed to invoke the API by its resource policy (`iam` mode only). */
  readonly allowedPrincipalArns: readonly string[];
  /**
   * IAM roles (ARNs) that may send to the bulk queue besides the product's own functions: the
   * operators' role for the CLI's direct path (`--queue-url`) and `dlq redrive`. Everyone else is
   * denied `sqs:SendMessage` by the queue's policy.
   */
  readonly queueOperatorRoleArns: readonly string[];
  /** Stage throttling: steady requests per second and burst. */
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
  /** Requests per second to OpenAI for the whole worker fleet. */
  readonly openAiRateLimitRps: number;
  /** The bulk worker's event source: maximum concurrency (2–1000), batch size, batching window. */
  readonly workerMaxConcurrency: number;
  readonly workerBatchSize: number;
  readonly workerMaxBatchingWindowSeconds: number;
  /** Receives of one bulk message before it moves to the DLQ. */
  readonly maxReceiveCount: number;
  /** OFFBOARD_MEMBERS of the worker: remove leavers who are already members (never owners). */
  readonly offboardMembers: boolean;
  /** Serve the SCIM 2.0 routes (docs/scim.md); default off. */
  readonly scim: boolean;
  /** Name or ARN of the secret holding the SCIM bearer token. */
  readonly scimTokenSecretName: string;
  /** SCIM_GROUP_MAP of the SCIM function: JSON {"<SCIM group name or externalId>": "<OpenAI group id>"}. */
  readonly scimGroupMap?: string;
  /** Alarms notify this address through an SNS topic; unset = alarms without notification. */
  readonly alarmEmail?: string;
  /** Retention of every function's and the API's log group. */
  readonly logRetentionDays: RetentionDays;
  /** Name or ARN of the webhook signing secrets (functions that declare they read it). */
  readonly webhookSecretsSecretId?: string;
  /** WEBHOOK_DEFAULT_ROLE of the webhook function: the role of HR invites (`reader` or `owner`). */
  readonly webhookDefaultRole: 'reader' | 'owner';
  /** WEBHOOK_MAX_ROLE and WEBHOOK_MAX_PROJECT_ROLE: above them a webhook event is refused. */
  readonly webhookMaxRole: 'reader' | 'owner';
  readonly webhookMaxProjectRole: 'member' | 'owner';
  /** WEBHOOK_DEPARTMENT_PROJECTS: department → [{id, role}], as JSON; unset = none. */
  readonly webhookDepartmentProjects?: string;
  /** WEBHOOK_DEPARTMENT_GROUPS: department → ["group_…"], as JSON; unset = none. */
  readonly webhookDepartmentGroups?: string;
  /** How long a webhook event id is remembered against replays, in seconds. */
  readonly webhookDedupeWindowSeconds: number;
  /** Throttle of the open webhook routes, apart from the stage's (the API's) throttle. */
  readonly webhookThrottlingRateLimit: number;
  readonly webhookThrottlingBurstLimit: number;
  /** Requests per 5 minutes per source IP on the webhook routes, by an AWS WAF web ACL; unset = no WAF. */
  readonly webhookWafRateLimit?: number;
  /** Reserved concurrency of each API function, of the webhook function (the worker's is its maximum concurrency). */
  readonly apiReservedConcurrency: number;
  readonly webhookReservedConcurrency: number;
  /** When the invite sweeper runs: an EventBridge `rate(…)` or `cron(…)` expression. */
  readonly sweepSchedule: string;
  /** When the sweeper runs the acceptance check (`{"check":"acceptance"}`): default every 15 minutes. */
  readonly acceptanceCheckSchedule: string;
  /** REVOKE_LEAVER_KEYS of the functions that offboard: delete a leaver's project API keys (default false). */
  readonly revokeLeaverKeys: boolean;
  /** REINVITE_EXPIRED of the sweeper: false = it only reports expired invites. */
  readonly reinviteExpired: boolean;
  /** REINVITE_MAX_TIMES of the sweeper: re-invites of an expired invite per declaration. */
  readonly reinviteMaxTimes: number;
  /** RECONCILE_MAX_REMOVALS of the sweeper: the brakes on mass removal. */
  readonly reconcileMaxRemovals: number;
  /** Sets API Gateway's account-wide CloudWatch role (one per account and region); default off. */
  readonly setApiGatewayAccountRole: boolean;
  /** Source maps in the deployed bundles (`--enable-source-maps`); off: faster cold starts. */
  readonly sourceMaps: boolean;
}

export const DEFAULT_STACK_CONFIG: StackConfig = {
  adminKeySecretId: 'openai/admin-key',
  authMode: 'iam',
  tokenSecretId: 'openai-invites/api-tokens',
  authorizerCacheSeconds: 30,
  allowedPrincipalArns: [],
  queueOperatorRoleArns: [],
  throttlingRateLimit: 20,
  throttlingBurstLimit: 40,
  openAiRateLimitRps: 5,
  workerMaxConcurrency: 2,
  workerBatchSize: 10,
  workerMaxBatchingWindowSeconds: 5,
  maxReceiveCount: 5,
  offboardMembers: false,
  scim: false,
  scimTokenSecretName: 'openai-invites/scim-token',
  logRetentionDays: RetentionDays.ONE_MONTH,
  webhookSecretsSecretId: 'openai-invites/webhook-secrets',
  webhookDefaultRole: 'reader',
  webhookMaxRole: 'reader',
  webhookMaxProjectRole: 'member',
  webhookDedupeWindowSeconds: 86_400,
  webhookThrottlingRateLimit: 5,
  webhookThrottlingBurstLimit: 10,
  apiReservedConcurrency: 10,
  webhookReservedConcurrency: 5,
  sweepSchedule: 'rate(1 day)',
  acceptanceCheckSchedule: 'rate(15 minutes)',
  revokeLeaverKeys: false,
  reinviteExpired: true,
  reinviteMaxTimes: 2,
  reconcileMaxRemovals: 25,
  setApiGatewayAccountRole: false,
  sourceMaps: false,
};

const RETENTION_VALUES = new Set<number>(
  Object.values(RetentionDays).filter((value): value is number => typeof value === 'number'),
);

export class StackConfigError extends Error {
  override readonly name = 'StackConfigError';
}

type Raw = (key: string) => unknown;

const text = (raw: Raw, key: string): string | undefined => {
  const value = raw(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new StackConfigError(`Context ${key} must be a string.`);
  return value.trim() || undefined;
};

const integer = (raw: Raw, key: string, fallback: number, min: number, max: number): number => {
  const value = raw(key);
  if (value === undefined || value === null || value === '') return fallback;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
    throw new StackConfigError(`Context ${key} must be an integer from ${min} to ${max}.`);
  }
  return number;
};

/** Requests per second: a fraction, or a rate per minute such as "8/min" (lib/bulk/rate-text.ts). */
const rate = (raw: Raw, key: string, fallback: number): number => {
  const value = raw(key);
  if (value === undefined || value === null || value === '') return fallback;
  const perSecond = parseRate(value, 0.001, 1_000);
  if (perSecond === undefined) throw new StackConfigError(`Context ${key} must be ${RATE_ADVICE}.`);
  return perSecond;
};

/** true/false, or (from `-c key=true`) the strings "true"/"false". */
const flag = (raw: Raw, key: string, fallback: boolean): boolean => {
  const value = raw(key);
  if (value === undefined || value === null || value === '') return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new StackConfigError(`Context ${key} must be true or false.`);
};

/** A complete secret ARN ends in the 6 random characters Secrets Manager adds to the name. */
const secretId = (raw: Raw, key: string, fallback: string): string => {
  const value = text(raw, key) ?? fallback;
  if (
    value.startsWith('arn:') &&
    !/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/.test(value)
  ) {
    throw new StackConfigError(
      `Context ${key}: ${value} is not a complete secret ARN (it ends in "-" and 6 characters); give the full ARN or the secret's name.`,
    );
  }
  return value;
};

/** A JSON array, or (from `-c key=a,b`) a comma-separated string. */
const list = (raw: Raw, key: string): string[] => {
  const value = raw(key);
  if (value === undefined || value === null || value === '') return [];
  const items = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(items) || items.some((item) => typeof item !== 'string')) {
    throw new StackConfigError(`Context ${key} must be a list of strings.`);
  }
  return items.map((item: string) => item.trim()).filter((item) => item !== '');
};

/** EventBridge's forms: `rate(1 day)`, `rate(12 hours)` (singular unit for 1 only), `cron(6 fields)`. */
const schedule = (raw: Raw, key: string, fallback: string): string => {
  const value = text(raw, key) ?? fallback;
  const rate = /^rate\((\d+) (minute|hour|day)(s?)\)$/.exec(value);
  const validRate = rate !== null && Number(rate[1]) >= 1 && (Number(rate[1]) === 1) === (rate[3] === '');
  if (!validRate && !/^cron\(\S+( \S+){5}\)$/.test(value)) {
    throw new StackConfigError(
      `Context ${key} must be an EventBridge schedule such as "rate(1 day)", "rate(6 hours)" or "cron(0 7 * * ? *)".`,
    );
  }
  return value;
};

/** Reads and checks the configuration; `raw` returns one context value (or undefined). */
export const parseStackConfig = (raw: Raw): StackConfig => {
  const defaults = DEFAULT_STACK_CONFIG;
  const authMode = text(raw, 'authMode') ?? defaults.authMode;
  if (authMode !== 'iam' && authMode !== 'token') {
    throw new StackConfigError('Context authMode must be "iam" or "token".');
  }
  const allowedPrincipalArns = list(raw, 'allowedPrincipalArns');
  for (const arn of allowedPrincipalArns) {
    if (!/^arn:aws[a-z-]*:iam::\d{12}:(root|(role|user)\/.+)$/.test(arn)) {
      throw new StackConfigError(
        `Context allowedPrincipalArns: ${arn} is not an IAM role, user or account ARN.`,
      );
    }
  }
  const queueOperatorRoleArns = list(raw, 'queueOperatorRoleArns');
  for (const arn of queueOperatorRoleArns) {
    // aws:PrincipalArn of an assumed role is the role's ARN (with its path), never the session's.
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(arn)) {
      throw new StackConfigError(`Context queueOperatorRoleArns: ${arn} is not an IAM role ARN.`);
    }
  }
  // `openAiBaseUrl` is the key's older name, still read.
  const upstreamKey = raw('upstreamUrl') !== undefined ? 'upstreamUrl' : 'openAiBaseUrl';
  const upstreamUrl = text(raw, upstreamKey);
  if (upstreamUrl !== undefined && !/^https:\/\/[^\s/@]+(\/\S*)?$/.test(upstreamUrl)) {
    throw new StackConfigError(`Context ${upstreamKey} must be an https URL.`);
  }
  const alarmEmail = text(raw, 'alarmEmail');
  if (alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) {
    throw new StackConfigError('Context alarmEmail must be an email address.');
  }
  const webhookDefaultRole = text(raw, 'webhookDefaultRole') ?? defaults.webhookDefaultRole;
  if (webhookDefaultRole !== 'reader' && webhookDefaultRole !== 'owner') {
    throw new StackConfigError('Context webhookDefaultRole must be "reader" or "owner".');
  }
  const webhookMaxRole = text(raw, 'webhookMaxRole') ?? defaults.webhookMaxRole;
  if (webhookMaxRole !== 'reader' && webhookMaxRole !== 'owner') {
    throw new StackConfigError('Context webhookMaxRole must be "reader" or "owner".');
  }
  if (webhookDefaultRole === 'owner' && webhookMaxRole !== 'owner') {
    throw new StackConfigError(
      'Context webhookDefaultRole "owner" needs webhookMaxRole "owner": webhooks may grant at most webhookMaxRole.',
    );
  }
  const webhookMaxProjectRole = text(raw, 'webhookMaxProjectRole') ?? defaults.webhookMaxProjectRole;
  if (webhookMaxProjectRole !== 'member' && webhookMaxProjectRole !== 'owner') {
    throw new StackConfigError('Context webhookMaxProjectRole must be "member" or "owner".');
  }
  const projectsValue = raw('webhookDepartmentProjects');
  const webhookDepartmentProjects =
    projectsValue === undefined || projectsValue === null || projectsValue === ''
      ? undefined
      : typeof projectsValue === 'string'
        ? projectsValue
        : JSON.stringify(projectsValue);
  if (webhookDepartmentProjects !== undefined) {
    let valid: boolean;
    try {
      const parsed = JSON.parse(webhookDepartmentProjects);
      valid =
        typeof parsed === 'object' &&
        parsed !== null &&
        !Array.isArray(parsed) &&
        Object.values(parsed).every(
          (projects) =>
            Array.isArray(projects) &&
            projects.every(
              (project) =>
                typeof project?.id === 'string' && (project.role === 'member' || project.role === 'owner'),
            ),
        );
    } catch {
      valid = false;
    }
    if (!valid) {
      throw new StackConfigError(
        'Context webhookDepartmentProjects must be {"Department": [{"id": "proj_…", "role": "member"|"owner"}]}.',
      );
    }
  }
  if (
    webhookDepartmentProjects !== undefined &&
    webhookMaxProjectRole !== 'owner' &&
    Object.values(JSON.parse(webhookDepartmentProjects) as Record<string, { role: string }[]>).some(
      (projects) => projects.some((project) => project.role === 'owner'),
    )
  ) {
    throw new StackConfigError(
      'Context webhookDepartmentProjects grants a project owner role: set webhookMaxProjectRole "owner" to allow it.',
    );
  }
  const groupsValue = raw('webhookDepartmentGroups');
  const webhookDepartmentGroups =
    groupsValue === undefined || groupsValue === null || groupsValue === ''
      ? undefined
      : typeof groupsValue === 'string'
        ? groupsValue
        : JSON.stringify(groupsValue);
  try {
    // The function's own check, so the stack refuses what the function would.
    parseDepartmentGroups(webhookDepartmentGroups, 'Context webhookDepartmentGroups');
  } catch (error) {
    if (error instanceof ConfigurationError) throw new StackConfigError(error.message);
    throw error;
  }
  const logRetentionDays = integer(raw, 'logRetentionDays', defaults.logRetentionDays, 1, 9999);
  if (!RETENTION_VALUES.has(logRetentionDays)) {
    throw new StackConfigError(
      `Context logRetentionDays must be one of CloudWatch's values: ${[...RETENTION_VALUES].join(', ')}.`,
    );
  }
  const webhookWafRateLimitValue = raw('webhookWafRateLimit');
  const config: StackConfig = {
    adminKeySecretId: secretId(raw, 'adminKeySecretId', defaults.adminKeySecretId),
    upstreamUrl,
    authMode,
    tokenSecretId: secretId(raw, 'tokenSecretId', defaults.tokenSecretId),
    authorizerCacheSeconds: integer(raw, 'authorizerCacheSeconds', defaults.authorizerCacheSeconds, 0, 3_600),
    allowedPrincipalArns,
    queueOperatorRoleArns,
    throttlingRateLimit: integer(raw, 'throttlingRateLimit', defaults.throttlingRateLimit, 1, 10_000),
    throttlingBurstLimit: integer(raw, 'throttlingBurstLimit', defaults.throttlingBurstLimit, 1, 5_000),
    openAiRateLimitRps: rate(raw, 'openAiRateLimitRps', defaults.openAiRateLimitRps),
    // SQS event sources accept a maximum concurrency from 2 to 1000.
    workerMaxConcurrency: integer(raw, 'workerMaxConcurrency', defaults.workerMaxConcurrency, 2, 1_000),
    // Above 10 messages a batch needs a batching window, and 10 invites already take seconds.
    workerBatchSize: integer(raw, 'workerBatchSize', defaults.workerBatchSize, 1, 10),
    workerMaxBatchingWindowSeconds: integer(
      raw,
      'workerMaxBatchingWindowSeconds',
      defaults.workerMaxBatchingWindowSeconds,
      0,
      300,
    ),
    maxReceiveCount: integer(raw, 'maxReceiveCount', defaults.maxReceiveCount, 1, 1_000),
    alarmEmail,
    logRetentionDays: logRetentionDays as RetentionDays,
    webhookSecretsSecretId: secretId(raw, 'webhookSecretsSecretId', defaults.webhookSecretsSecretId!),
    webhookDefaultRole,
    webhookMaxRole,
    webhookMaxProjectRole,
    webhookDepartmentProjects,
    webhookDepartmentGroups,
    webhookDedupeWindowSeconds: integer(
      raw,
      'webhookDedupeWindowSeconds',
      defaults.webhookDedupeWindowSeconds,
      60,
      30 * 86_400,
    ),
    webhookThrottlingRateLimit: integer(
      raw,
      'webhookThrottlingRateLimit',
      defaults.webhookThrottlingRateLimit,
      1,
      10_000,
    ),
    webhookThrottlingBurstLimit: integer(
      raw,
      'webhookThrottlingBurstLimit',
      defaults.webhookThrottlingBurstLimit,
      1,
      5_000,
    ),
    // AWS WAF's rate-based rules count from 10 requests per evaluation window (5 minutes here).
    webhookWafRateLimit:
      webhookWafRateLimitValue === undefined ||
      webhookWafRateLimitValue === null ||
      webhookWafRateLimitValue === ''
        ? undefined
        : integer(raw, 'webhookWafRateLimit', 0, 10, 2_000_000_000),
    apiReservedConcurrency: integer(raw, 'apiReservedConcurrency', defaults.apiReservedConcurrency, 1, 1_000),
    webhookReservedConcurrency: integer(
      raw,
      'webhookReservedConcurrency',
      defaults.webhookReservedConcurrency,
      1,
      1_000,
    ),
    sweepSchedule: schedule(raw, 'sweepSchedule', defaults.sweepSchedule),
    acceptanceCheckSchedule: schedule(raw, 'acceptanceCheckSchedule', defaults.acceptanceCheckSchedule),
    revokeLeaverKeys: flag(raw, 'revokeLeaverKeys', defaults.revokeLeaverKeys),
    reinviteExpired: flag(raw, 'reinviteExpired', defaults.reinviteExpired),
    reinviteMaxTimes: integer(raw, 'reinviteMaxTimes', defaults.reinviteMaxTimes, 0, 20),
    reconcileMaxRemovals: integer(raw, 'reconcileMaxRemovals', defaults.reconcileMaxRemovals, 0, 100_000),
    offboardMembers: flag(raw, 'offboardMembers', defaults.offboardMembers),
    scim: flag(raw, 'scim', defaults.scim),
    scimTokenSecretName: text(raw, 'scimTokenSecretName') ?? defaults.scimTokenSecretName,
    ...(text(raw, 'scimGroupMap') ? { scimGroupMap: text(raw, 'scimGroupMap') } : {}),
    setApiGatewayAccountRole: flag(raw, 'setApiGatewayAccountRole', defaults.setApiGatewayAccountRole),
    sourceMaps: flag(raw, 'sourceMaps', defaults.sourceMaps),
  };
  // The worker's timing model (lib/bulk/timing.ts), with the stack's worker timeout.
  const [timing] = checkTimingModel({
    rateLimitRps: config.openAiRateLimitRps,
    maxConcurrency: config.workerMaxConcurrency,
    batchSize: config.workerBatchSize,
    workerTimeoutSeconds: WORKER_DEFAULTS.timeout.toSeconds(),
  });
  if (timing) throw new StackConfigError(`Context workerBatchSize/openAiRateLimitRps: ${timing}`);
  return config;
};

/** The configuration from a construct tree's context (`cdk.json`, `-c`). */
export const readStackConfig = (node: Node): StackConfig =>
  parseStackConfig((key) => node.tryGetContext(key));
