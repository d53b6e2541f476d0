/** `/scim/v2/…`: SCIM 2.0 Users, Groups and discovery for Okta and Entra ID (docs/scim.md). */
import { scimHandler } from '../lib/scim/handler';

export const handler = scimHandler;
