import type { Router } from 'express';
import { searchPage } from '../../core/search/search.js';
import type { components } from '../../generated/openapi.js';
import { actorOf, requireActor } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { validate } from '../validate.js';

/** Finding messages by their text, across what the caller may read. */
export function searchRoutes(router: Router, { accounts, search, schemas }: HttpDeps): void {
  router.get('/search', requireActor(accounts), async (req, res) => {
    const query = validate(schemas.search, req.query, 'query');
    const results = await search.search(actorOf(res), {
      q: query.q,
      ...(query.with === undefined ? {} : { with: query.with }),
      ...(query.from === undefined ? {} : { from: query.from }),
      ...(query.before === undefined ? {} : { before: Date.parse(query.before) }),
      ...(query.after === undefined ? {} : { after: Date.parse(query.after) }),
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      limit: query.limit ?? searchPage.default,
    });
    const body: components['schemas']['SearchResults'] = results;
    res.json(body);
  });
}
