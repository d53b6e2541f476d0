/**
 * Logical IDs that survive grouping resources into constructs.
 *
 * CloudFormation identifies a resource by its logical ID, and CDK derives that ID from the
 * construct path. Moving a queue from `Stack/InviteQueue` to `Stack/BulkQueue/InviteQueue` would
 * rename it, and CloudFormation would replace it: a new, empty queue. The stack's constructs
 * (infra/constructs/) are therefore `ResourceGroup`s, whose own id is left out of the logical IDs
 * of what they contain; `logicalIdFor` is CDK's own rule (core/lib/private/uniqueid.ts, not
 * exported) applied to the remaining path.
 *
 * Some CDK constructs name a child after another construct's unique id (the Lambda permission of
 * an API method embeds the API's, an SQS event source the queue's); `stableLogicalId` puts the id
 * the referenced construct had without groups in its place. test/infra/logical-ids.test.ts holds
 * the result for every resource.
 */
import { createHash } from 'node:crypto';
import { Names } from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';

const GROUP = Symbol.for('openai-invites.ResourceGroup');

/** A construct that groups resources without adding its id to their logical IDs. */
export class ResourceGroup extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    Object.defineProperty(this, GROUP, { value: true });
  }
}

export const isResourceGroup = (construct: IConstruct): boolean =>
  (construct as unknown as Record<symbol, unknown>)[GROUP] === true;

/** CDK's rule: `Default` is dropped, `Resource` is kept in the hash but hidden from the name. */
export const logicalIdFor = (path: readonly string[]): string => {
  const components = path.filter((component) => component !== 'Default');
  const alphanumeric = (text: string) => text.replace(/[^A-Za-z0-9]/g, '');
  if (components.length === 1 && alphanumeric(components[0]!).length <= 255) {
    return alphanumeric(components[0]!);
  }
  const hash = createHash('md5').update(components.join('/')).digest('hex').slice(0, 8).toUpperCase();
  const human: string[] = [];
  for (const component of components) {
    // Consecutive repeats ("ApiApi") collapse, as in CDK.
    if (human.length === 0 || !human[human.length - 1]!.endsWith(component)) human.push(component);
  }
  return (
    human
      .filter((component) => component !== 'Resource')
      .map(alphanumeric)
      .join('')
      .slice(0, 240) + hash
  );
};

const pathWithoutGroups = (construct: IConstruct, from: number): string[] =>
  construct.node.scopes
    .slice(from)
    .filter((scope) => !isResourceGroup(scope))
    .map((scope) => scope.node.id);

/** `Names.nodeUniqueId` of each construct inside a group → what it was before the grouping. */
const rewriteCache = new WeakMap<IConstruct, readonly [string, string]>();
const derivedIdRewrites = (stack: IConstruct): (readonly [string, string])[] =>
  stack.node
    .findAll()
    .filter((construct) => construct.node.scopes.some(isResourceGroup))
    .map((construct) => {
      let rewrite = rewriteCache.get(construct);
      if (!rewrite) {
        rewrite = [Names.nodeUniqueId(construct.node), logicalIdFor(pathWithoutGroups(construct, 1))];
        rewriteCache.set(construct, rewrite);
      }
      return rewrite;
    });

/** The logical ID `element` of `stack` would have if no resource group were in its path. */
export const stableLogicalId = (stack: IConstruct, element: IConstruct): string => {
  let path = pathWithoutGroups(element, stack.node.scopes.length);
  if (path.length !== element.node.scopes.length - stack.node.scopes.length) {
    const rewrites = derivedIdRewrites(stack);
    path = path.map((component) => {
      for (const [grouped, stable] of rewrites) {
        if (component.includes(grouped)) return component.replace(grouped, stable);
      }
      return component;
    });
  }
  return logicalIdFor(path);
};

/**
 * `Names.uniqueId` of a child `id` of `scope` as if no group were in the path: for physical names
 * CDK derives from it (an authorizer's name), so they too stay as before the grouping.
 */
export const uniqueIdWithoutGroups = (scope: IConstruct, id: string): string =>
  logicalIdFor([...pathWithoutGroups(scope, 1), id]);
