import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from '../../src/generated/openapi.js';

export type Schemas = components['schemas'];
export type Msgform = Schemas['Msgform'];
export type Problem = Schemas['Problem'];
export type ParleyClient = Client<paths>;

/** A client typed by openapi.yaml; every request carries the bearer token when one is given. */
export function createParleyClient(baseUrl: string, token?: string): ParleyClient {
  const client = createClient<paths>({ baseUrl });
  if (token !== undefined) {
    client.use({
      onRequest({ request }) {
        request.headers.set('Authorization', `Bearer ${token}`);
        return request;
      },
    });
  }
  return client;
}

export interface Joined {
  readonly session: Schemas['Session'];
  /** A client authenticated as the joined user. */
  readonly client: ParleyClient;
}

/**
 * The original "type a USERNAME": registers a new name or logs in to a known one. Where sign-up is by invite, a
 * new name needs `invite` (the code of `createInvite`, or the part after `#invite=` of its URL).
 */
export async function join(baseUrl: string, username: string, password: string, invite?: string): Promise<Joined> {
  const { data, error, response } = await createParleyClient(baseUrl).POST('/sessions', {
    body: invite === undefined ? { username, password } : { username, password, invite },
  });
  if (!data) throw new ParleyError(response.status, error as Problem | undefined);
  return { session: data, client: createParleyClient(baseUrl, data.token) };
}

/** A problem+json answer as an exception. */
export class ParleyError extends Error {
  override readonly name = 'ParleyError';

  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
  ) {
    super(problem ? `${status} ${problem.code}: ${problem.detail}` : `HTTP ${status}`);
  }
}
