/** The people's errors, in OpenAI's error shape. */
import { InvitesError } from '../commons/errors';

/** 404: the product never heard of this email (no person, no ledger record). */
export class PersonNotFoundError extends InvitesError {
  constructor(email: string) {
    super(`No person found with email '${email}'.`, {
      status: 404,
      type: 'invalid_request_error',
      code: 'person_not_found',
      param: 'email',
    });
  }
}
