import { describe } from 'vitest';
import { auditContract } from './audit.js';
import { blocksContract } from './blocks.js';
import { changesContract } from './changes.js';
import { conversationsContract } from './conversations.js';
import { freshBackend, type MakeBackend } from './fresh-backend.js';
import { groupsContract } from './groups.js';
import { hooksContract } from './hooks.js';
import { invitesContract } from './invites.js';
import { notifyContract } from './notify.js';
import { queueAndStreamsContract } from './queue-and-streams.js';
import { repliesAndReactionsContract } from './replies-and-reactions.js';
import { retentionContract } from './retention.js';
import { searchContract } from './search.js';
import { sessionsContract } from './sessions.js';
import { usersContract } from './users.js';
import { webhooksContract } from './webhooks.js';

export { draft } from './factories.js';
export type { ContractBackend, MakeBackend } from './fresh-backend.js';
export { expectKeptAcrossReopen } from './kept-across-reopen.js';

/**
 * The contract written on the Store interface (src/core/ports/), one file per family, run against one backend.
 * `makeBackend` opens a fresh, empty store and its feed for every test; the suite closes them.
 */
export function describeStore(name: string, makeBackend: MakeBackend): void {
  describe(`${name} store contract`, () => {
    const backend = freshBackend(makeBackend);
    usersContract(backend);
    sessionsContract(backend);
    groupsContract(backend);
    queueAndStreamsContract(backend);
    conversationsContract(backend);
    changesContract(backend);
    retentionContract(backend);
    searchContract(backend);
    hooksContract(backend);
    webhooksContract(backend);
    invitesContract(backend);
    auditContract(backend);
    blocksContract(backend);
    notifyContract(backend);
    repliesAndReactionsContract(backend);
  });
}
