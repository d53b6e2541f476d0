/**
 * Offboarding a leaver who is already a member (OFFBOARD_MEMBERS=true): the user with that email
 * is removed from the OpenAI organization. An owner never is (`OwnerNotRemovedError`); someone
 * who is not (or no longer) a member is nothing to do.
 */
import { NotFoundError } from '../openai/errors';
import type { CallOptions, OpenAIInvitesClient } from '../openai/client';
import type { OrganizationUser } from '../openai/types';
import { OwnerNotRemovedError } from './errors';

export type Offboarding = { outcome: 'removed'; user: OrganizationUser } | { outcome: 'not_a_member' };

export const offboardMember = async (
  client: OpenAIInvitesClient,
  email: string,
  options: CallOptions = {},
): Promise<Offboarding> => {
  const user = await client.findUserByEmail(email, options);
  if (!user) return { outcome: 'not_a_member' };
  if (user.role === 'owner') throw new OwnerNotRemovedError(user.id);
  try {
    await client.deleteUser(user.id, options);
  } catch (error) {
    // Removed by someone else between the lookup and the delete: what we wanted, not done by us.
    if (error instanceof NotFoundError) return { outcome: 'not_a_member' };
    throw error;
  }
  return { outcome: 'removed', user };
};
