/**
 * Every Lambda function of the product, with the defaults in one place: Node.js 24 on arm64,
 * an ESM bundle built by the local esbuild (no Docker), source maps only when asked (bundling.ts),
 * no active X-Ray tracing (README, "Logs": measured, the Tracer would cost more than it shows), reserved concurrency, its own log group with retention and a role that may write to that
 * log group only.
 */
import { fileURLToPath } from 'node:url';
import type { Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ENV } from '../../lib/commons/env';
import { BUNDLING, nodeOptionsFor, SOURCE_MAP_HOOKS } from '../bundling';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface InvitesFunctionProps {
  /** File name under `functions/`, without `.ts`. */
  readonly functionName: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly logRetention: RetentionDays;
  readonly environment?: Record<string, string>;
  /** Source maps in the bundle and `--enable-source-maps`. */
  readonly sourceMaps: boolean;
  /** Caps the function's share of the account's concurrency (and guarantees it). */
  readonly reservedConcurrency?: number;
}

export class InvitesFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: InvitesFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: props.logRetention });
    // Our own role instead of AWSLambdaBasicExecutionRole: logs go to this function's log group only.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs functions/${props.functionName}.ts`,
    });
    logGroup.grantWrite(role);
    const nodeOptions = nodeOptionsFor(props.sourceMaps);
    super(scope, id, {
      entry: `${PROJECT_ROOT}functions/${props.functionName}.ts`,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize,
      // Off by measurement: active tracing with nothing instrumented shows no OpenAI, SQS or
      // Secrets Manager call, and instrumenting (Powertools Tracer, aws-xray-sdk-core) adds
      // ≈ 123 KB to a bundle, twice the +60 KB budget over the SDK floor (README, "Libraries").
      tracing: Tracing.DISABLED,
      logGroup,
      role,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: {
        ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
        [ENV.serviceName]: 'openai-invites',
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        target: BUNDLING.target,
        format: OutputFormat.ESM,
        mainFields: [...BUNDLING.mainFields],
        banner: BUNDLING.banner,
        minify: BUNDLING.minify,
        sourceMap: props.sourceMaps,
        // Map paths relative to the project, not to the synth's output directory (bundling.ts).
        ...(props.sourceMaps ? { commandHooks: SOURCE_MAP_HOOKS } : {}),
        // The AWS SDK is bundled too: the version the tests ran against is the version deployed.
        externalModules: [],
      },
    });
  }
}
