/**
 * The words that go with generated facts: what a route answers, what a variable or context key
 * means. The facts themselves (which routes, variables and keys exist, their defaults where the
 * code holds them) come from the code; a fact without words here is still listed, marked "—".
 */

/** Route id (lib/http/routes.ts) → what it answers, with a link to its page. */
export const ROUTE_ANSWERS: Record<string, string> = {
  createInvite: '200 `organization.invite` (a new invite, or the pending one for that email)',
  listInvites: '200 `list` with `first_id`, `last_id`, `has_more`',
  bulkInvites: '202 `organization.invite.bulk_job` ([bulk](bulk.md))',
  bulkJobStatus:
    '200 `organization.invite.bulk_job` with counts and failures ([bulk](bulk.md#a-jobs-progress))',
  retrieveInvite: '200 `organization.invite`',
  deleteInvite: '200 `organization.invite.deleted`',
  listBulkJobs:
    '200 `list` of the most recently started jobs, newest first, without failures ([API](api.md#list-routes-and-the-job-list))',
  getPerson: '200 `person` ([lifecycle](lifecycle.md#a-person))',
  putPerson:
    '200 `person`: declares what a person should have (role, groups, projects) ([access](access.md))',
  deletePerson: '200 `person`: declares a leaver; revocation, removal and keys follow ([access](access.md))',
  hrWebhook: '202/200 `webhook.receipt` ([HR webhooks](hr-webhooks.md))',
  hrWebhookVerification: '200 `{"verification"}`: Okta\'s one-time check; 405 for other providers',
  scimServiceProviderConfig:
    'SCIM discovery: what is supported (patch, filter, no bulk, no sort) ([SCIM](scim.md))',
  scimResourceTypes: 'SCIM discovery: `User` and `Group` ([SCIM](scim.md))',
  scimResourceType: 'SCIM discovery: one resource type',
  scimSchemas: 'SCIM discovery: the core, enterprise and OpenAI user schemas, and the group schema',
  scimSchema: 'SCIM discovery: one schema',
  scimListUsers: 'SCIM `ListResponse` of users (`filter`, `startIndex`, `count`, `attributes`)',
  scimCreateUser: '201 SCIM user: the person it stands for is declared present ([SCIM](scim.md))',
  scimGetUser: 'SCIM user',
  scimReplaceUser: 'SCIM user, replaced',
  scimPatchUser: "SCIM user, patched (Okta's and Entra's dialects; `active: false` declares a leaver)",
  scimDeleteUser: '204: the person is declared absent unless another active SCIM user stands for them',
  scimListGroups: 'SCIM `ListResponse` of groups (`filter=displayName eq …`)',
  scimCreateGroup: '201 SCIM group, bound to an OpenAI group by `SCIM_GROUP_MAP`',
  scimGetGroup: 'SCIM group',
  scimReplaceGroup: 'SCIM group, replaced (its members become part of their intent)',
  scimPatchGroup: 'SCIM group, members added or removed (Entra\'s `members[value eq "…"]` included)',
  scimDeleteGroup: "204: the group leaves its members' intent",
};

/** Environment variable (lib/commons/env.ts) → [default, meaning]. */
export const ENV_WORDS: Record<string, [string, string]> = {
  INVITES_UPSTREAM_URL: [
    '`https://api.openai.com/v1`',
    "OpenAI's API, or the simulator: the only place the Admin key is sent; `https` unless the host is loopback. `OPENAI_BASE_URL` is not read",
  ],
  OPENAI_ADMIN_KEY_SECRET_ID: [
    '(required in AWS)',
    'name or ARN of the Secrets Manager secret holding the Admin key',
  ],
  OPENAI_ADMIN_KEY: [
    '',
    '`npm start` only: a key given directly instead of a secret; the stack never sets it',
  ],
  OPENAI_ADMIN_KEY_MAX_AGE_SECONDS: [
    '`300`',
    'how long a function caches the key before reading the secret again',
  ],
  OPENAI_ATTEMPT_TIMEOUT_MS: ['`10000`', 'timeout of one HTTP attempt to OpenAI (100–10000)'],
  OPENAI_DEADLINE_MS: [
    '`25000`',
    "overall budget of one call, retries included; never past the function's own timeout less 1 s",
  ],
  OPENAI_MAX_RETRIES: ['`3`', 'retries after the first attempt (0–10)'],
  INVITE_QUEUE_URL: ['(required in AWS)', 'the bulk queue: bulk route, worker (job fan-out), webhook'],
  INVITE_DLQ_URL: ['(required in AWS)', "the worker's dead-letter queue for permanent failures"],
  LEAVER_QUEUE_URL: [
    '(the bulk queue)',
    'the leaver queue (revocations, offboarding): webhook, SCIM, worker; the worker drains it beside the bulk queue',
  ],
  OPENAI_RATE_LIMIT_RPS: [
    '`5`',
    'ceiling of the shared budget per OpenAI endpoint, whole fleet: requests/s, fractions included (`0.15`), or `8/min` ([rate budget](rate-budget.md))',
  ],
  THROTTLE_GIVE_UP_HOURS: [
    '`72`',
    'a record held back by the rate limit this long is dead-lettered with `rate_limited_too_long` (at most 84) ([rate budget](rate-budget.md))',
  ],
  WORKER_MAX_CONCURRENCY: [
    '`2`',
    "the worker event source's maximum concurrency; each container takes R / C",
  ],
  WORKER_RETRY_BASE_SECONDS: [
    '`5`',
    'first delay before a transiently failed record returns; doubles per receive',
  ],
  WORKER_BATCH_SIZE: [
    '(unset)',
    "the event source's batch size; when set, the worker checks the timing rule",
  ],
  OFFBOARD_MEMBERS: [
    '`false`',
    '`true`: the worker removes a leaver who is already a member, never an owner ([lifecycle](lifecycle.md))',
  ],
  WEBHOOK_SECRETS_SECRET_ID: [
    '(required in AWS)',
    'name or ARN of the webhook signing secrets ([HR webhooks](hr-webhooks.md#the-secret))',
  ],
  WEBHOOK_SECRETS_MAX_AGE_SECONDS: ['`300`', 'how long the webhook function caches that secret'],
  WEBHOOK_DEFAULT_ROLE: ['`reader`', 'organization role of a webhook invite whose event names none'],
  WEBHOOK_MAX_ROLE: [
    '`reader`',
    'the highest organization role a webhook may ask for: an event asking for more is refused, never lowered',
  ],
  WEBHOOK_MAX_PROJECT_ROLE: ['`member`', 'the same cap on project roles'],
  WEBHOOK_DEPARTMENT_PROJECTS: [
    '(none)',
    'JSON, department → `[{"id", "role"}]`: the projects of a webhook invite from that department',
  ],
  WEBHOOK_DEPARTMENT_GROUPS: [
    '(none)',
    'JSON, department → `["group_…"]`: the organization groups of a webhook joiner from that department, granted once they accept ([HR webhooks](hr-webhooks.md#role-projects-and-groups))',
  ],
  WEBHOOK_DEDUPE_TABLE: [
    '(unset: in memory)',
    'DynamoDB table remembering webhook event ids (the stack makes it)',
  ],
  WEBHOOK_DEDUPE_WINDOW_SECONDS: [
    '`86400`',
    'how long an event id is remembered: a replay within it enqueues nothing',
  ],
  BAMBOOHR_API_BASE_URL: ["BambooHR's", '`https://api.bamboohr.com/api/gateway.php`, or a stand-in'],
  INVITE_LEDGER_TABLE: [
    '(required in AWS)',
    "the ledger's DynamoDB table; `npm start` without it keeps the ledger in SQLite",
  ],
  PERSON_HISTORY_DAYS: [
    '`400`',
    "days each event of a person's history is kept (1–3650; DynamoDB TTL, `npm start` prunes)",
  ],
  REINVITE_EXPIRED: [
    '`true`',
    'the sweeper re-invites expired invites the product made; `false`: it only reports them',
  ],
  REINVITE_MAX_TIMES: ['`2`', 're-invites of an expired invite per declaration (0–20)'],
  RECONCILE_MAX_REMOVALS: [
    '`25`',
    'the brakes: a sweep or roster run that would revoke or remove more people stops before acting',
  ],
  REVOKE_LEAVER_KEYS: [
    '`false`',
    "`true`: delete a leaver's project API keys, never service-account or admin keys; `false`: list them ([access](access.md))",
  ],
  SCIM_TOKEN_SECRET_ID: [
    '(required with `scim=true`)',
    "name or ARN of the SCIM token's secret (the stack sets it from `scimTokenSecretName`) ([SCIM](scim.md))",
  ],
  SCIM_TOKEN: ['(a printed development token)', '`npm start` only: the SCIM bearer token'],
  SCIM_DEFAULT_ROLE: [
    '`reader`',
    "organization role of a SCIM user without the OpenAI extension's role (`reader` or `owner`)",
  ],
  SCIM_GROUP_MAP: [
    '(none)',
    'JSON, SCIM group `displayName` or `externalId` → OpenAI group id ([SCIM](scim.md))',
  ],
  OPENAI_SHARED_BUDGET: [
    '`true` when `INVITE_LEDGER_TABLE` is set',
    '`false`: each function paces alone instead of taking the shared budget ([rate budget](rate-budget.md))',
  ],
  OPENAI_BUDGET_FALLBACK_SHARE: [
    '`0.25`',
    'share of the last known rate a container uses alone when the budget store cannot be reached',
  ],
  API_TOKENS_SECRET_ID: [
    '(required in token mode)',
    "the bearer-token authorizer: name or ARN of the secret with the tokens' sha-256 hashes",
  ],
  LOCAL_STATE_DIR: [
    '`.local-state/`',
    '`npm start` only: the folder of its SQLite state (queue, ledger, simulator)',
  ],
  POWERTOOLS_SERVICE_NAME: ['`openai-invites`', "Powertools logger's service name"],
  POWERTOOLS_METRICS_NAMESPACE: ['`OpenAIInvites`', "the functions' CloudWatch metrics namespace"],
};

/** Context key (infra/config.ts) → meaning. Defaults come from DEFAULT_STACK_CONFIG. */
export const CONTEXT_WORDS: Record<string, string> = {
  adminKeySecretId: 'name or complete ARN of the Admin-key secret (`OPENAI_ADMIN_KEY_SECRET_ID`)',
  upstreamUrl:
    '`INVITES_UPSTREAM_URL` of the functions, an https URL (`openAiBaseUrl`, its older name, is still read)',
  authMode: '`iam` (SigV4) or `token` (bearer tokens, hashed in a secret; what the official SDK sends)',
  tokenSecretId: "name or complete ARN of the tokens' secret (`token` mode)",
  authorizerCacheSeconds:
    "how long API Gateway keeps the authorizer's answer per token, 0–3600 s; a revoked token lives at most this + 60 s",
  allowedPrincipalArns: "IAM role, user or account ARNs allowed by the API's resource policy (`iam` mode)",
  queueOperatorRoleArns:
    "IAM role ARNs that may send to the bulk queue besides the product's functions (the CLI's `--queue-url`, `dlq redrive`)",
  throttlingRateLimit: 'stage steady rate, requests per second',
  throttlingBurstLimit: 'stage burst',
  openAiRateLimitRps:
    'ceiling of the shared budget per OpenAI endpoint (`OPENAI_RATE_LIMIT_RPS`): requests/s, fractions included (`0.15`), or per minute (`8/min`, which suits the real OpenAI) ([rate budget](rate-budget.md))',
  workerMaxConcurrency: "the worker event source's maximum concurrency, 2–1000 (`WORKER_MAX_CONCURRENCY`)",
  workerBatchSize: 'messages per worker batch, 1–10',
  workerMaxBatchingWindowSeconds: 'how long the event source gathers a batch, 0–300 s',
  maxReceiveCount: 'receives of a bulk message before it moves to the DLQ',
  offboardMembers: '`OFFBOARD_MEMBERS` of the worker: remove leavers who are already members (never owners)',
  alarmEmail: 'alarms notify this address through an SNS topic (KMS-encrypted, TLS only)',
  logRetentionDays:
    "retention of every log group; one of CloudWatch's values (1, 3, 5, 7, 14, 30, 60, 90, …)",
  webhookSecretsSecretId: 'name or ARN of the webhook signing secrets (`WEBHOOK_SECRETS_SECRET_ID`)',
  webhookDefaultRole: '`WEBHOOK_DEFAULT_ROLE` (`owner` needs `webhookMaxRole` `owner`)',
  webhookMaxRole: '`WEBHOOK_MAX_ROLE`: above it a webhook event is refused',
  webhookMaxProjectRole: '`WEBHOOK_MAX_PROJECT_ROLE`: the same for project roles',
  webhookDepartmentProjects:
    '`WEBHOOK_DEPARTMENT_PROJECTS`, a JSON object in `cdk.json` or a JSON string on the command line',
  webhookDepartmentGroups: '`WEBHOOK_DEPARTMENT_GROUPS`, the same way',
  webhookDedupeWindowSeconds: '`WEBHOOK_DEDUPE_WINDOW_SECONDS`, 60 to 2 592 000',
  webhookThrottlingRateLimit: "each webhook provider route's own method throttle, requests per second",
  webhookThrottlingBurstLimit: 'its burst',
  webhookWafRateLimit:
    'requests per source IP and 5 minutes on `/v1/webhooks/*` before an AWS WAF web ACL blocks it (≥ 10)',
  apiReservedConcurrency: 'reserved concurrency of each API function and the authorizer',
  webhookReservedConcurrency: 'reserved concurrency of the webhook function',
  sweepSchedule: 'when the invite sweeper runs: EventBridge `rate(N unit)` or `cron(6 fields)`',
  acceptanceCheckSchedule:
    'when the sweeper checks who accepted and applies their groups and projects ([access](access.md))',
  revokeLeaverKeys: "`REVOKE_LEAVER_KEYS`: delete leavers' project API keys (default: list them)",
  scim: 'turn on the SCIM 2.0 routes for Okta or Entra ID ([SCIM](scim.md)); needs the SCIM token secret',
  scimTokenSecretName: "name or complete ARN of the SCIM token's secret (`SCIM_TOKEN_SECRET_ID`)",
  scimGroupMap: '`SCIM_GROUP_MAP`, a JSON object in `cdk.json` or a JSON string on the command line',
  reinviteExpired: '`REINVITE_EXPIRED` of the sweeper',
  reinviteMaxTimes: '`REINVITE_MAX_TIMES` of the sweeper, 0–20',
  reconcileMaxRemovals: '`RECONCILE_MAX_REMOVALS` of the sweeper (the brakes), 0–100000',
  setApiGatewayAccountRole:
    "set API Gateway's account-wide CloudWatch role for the region ([deploying](deploying.md#before-you-deploy))",
  sourceMaps:
    'ship source maps and run with `--enable-source-maps` (readable stack traces, slower cold starts)',
};
