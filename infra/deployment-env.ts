/**
 * Where the stack deploys, said explicitly. Left to CDK, an app without a region synthesizes for
 * the CLI's fallback, us-east-1, into secret ARNs, the table's replica and the API's URL; a
 * synth-in-CI-then-deploy pipeline would land there. So the synth refuses to guess.
 */
import { StackConfigError } from './config';

export interface DeploymentEnv {
  readonly account: string;
  readonly region: string;
}

type Context = (key: string) => unknown;

/**
 * Context `account`/`region` first; else the account `cdk` derived from the credentials
 * (CDK_DEFAULT_ACCOUNT, as `cdk deploy` does) and a region the caller set (AWS_REGION or
 * AWS_DEFAULT_REGION). CDK_DEFAULT_REGION is not trusted: the CLI sets it to us-east-1 when the
 * profile names no region.
 */
export const resolveDeploymentEnv = (
  context: Context,
  env: NodeJS.ProcessEnv = process.env,
): DeploymentEnv => {
  const fromContext = (key: string) => {
    const value = context(key);
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const account = fromContext('account') ?? env.CDK_DEPLOY_ACCOUNT ?? env.CDK_DEFAULT_ACCOUNT;
  const region = fromContext('region') ?? env.CDK_DEPLOY_REGION ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const missing = [account ? undefined : 'account', region ? undefined : 'region'].filter(Boolean);
  if (missing.length > 0) {
    throw new StackConfigError(
      `No target ${missing.join(' or ')} for the stack. Say where it deploys: ` +
        '`npx cdk deploy -c account=111122223333 -c region=eu-west-1`, or credentials and AWS_REGION ' +
        '(e.g. `AWS_PROFILE=ops AWS_REGION=eu-west-1 npx cdk deploy`).',
    );
  }
  if (!/^\d{12}$/.test(account!))
    throw new StackConfigError(`Context account must be 12 digits, not ${account}.`);
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region!)) {
    throw new StackConfigError(`Context region must be an AWS region such as eu-west-1, not ${region}.`);
  }
  return { account: account!, region: region! };
};
