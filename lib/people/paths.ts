/** Where a person's record and history are answered: `GET /v1/people/{email}`, relative to the API's base URL. */
export const personPath = (email: string): string => `/people/${encodeURIComponent(email)}`;
