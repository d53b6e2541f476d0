/** `/scim/v2/…`: SCIM 2.0 Users, Groups and discovery for Okta and Entra ID (docs/scim.md). */
import { withInvocation } from '../lib/commons/invocation';
import { scimHandler } from '../lib/scim/handler';

export const handler = withInvocation(scimHandler);
