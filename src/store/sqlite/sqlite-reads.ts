import type { Message } from '../../core/msgform.js';
import type {
  ConversationRef,
  ConversationSummary,
  FoundMessage,
  QueuePage,
  SearchPage,
  SearchRequest,
  Store,
  StoredGroup,
  StoredSession,
  StoredUser,
} from '../../core/ports/index.js';
import { conversationKey } from '../conversation-key.js';
import { windowOf } from '../group-window.js';
import type { OperatorStatements } from './operator-statements.js';
import {
  sessionOfRow,
  toGroup,
  toMessage,
  toQueueRow,
  toUser,
  type GroupRow,
  type MessageRow,
  type SessionRow,
  type Statements,
  type UserRow,
} from './statements.js';
import { DelegatedFamilies } from '../delegated-families.js';
import type { SqliteSearch } from './sqlite-search.js';

type Reads =
  | 'loadUsers'
  | 'loadGroups'
  | 'findUser'
  | 'userNames'
  | 'findGroup'
  | 'findMessage'
  | 'findSession'
  | 'endedSessions'
  | 'sessionsOf';

/**
 * What the SQLite store answers from the database alone, outside any transaction: the accounts, groups and
 * sessions, the stored messages, a queue up to what is on disk, positions, and history. The store adds the
 * writes, which go through its group commit.
 */
export abstract class SqliteReads
  extends DelegatedFamilies
  implements
    Pick<
      Store,
      Reads | 'readQueue' | 'knowsPosition' | 'readConversation' | 'directPeers' | 'summarize' | 'searchMessages'
    >
{
  protected constructor(
    protected readonly statements: Statements,
    protected readonly operatorStatements: OperatorStatements,
  ) {
    super();
  }

  /** Search over the trigram index or the conversations (sqlite-search.ts). */
  protected abstract readonly search: SqliteSearch;

  /** The last id of what is on disk: queues are read no further, so that nothing delivered can be lost to a power cut. */
  protected abstract get syncedId(): number;

  async loadUsers(): Promise<StoredUser[]> {
    return (this.statements.users.all() as UserRow[]).map(toUser);
  }

  async loadGroups(): Promise<StoredGroup[]> {
    return (this.statements.groups.all() as GroupRow[]).map(toGroup);
  }

  async findUser(name: string): Promise<StoredUser | undefined> {
    const row = this.statements.user.get(name) as UserRow | undefined;
    return row && toUser(row);
  }

  async userNames(): Promise<string[]> {
    return this.statements.userNames.all() as string[];
  }

  async findGroup(name: string): Promise<StoredGroup | undefined> {
    const row = this.statements.group.get(name) as GroupRow | undefined;
    return row && toGroup(row);
  }

  async findMessage(id: number): Promise<FoundMessage | undefined> {
    const row = this.statements.findMessage.get(id) as (MessageRow & { conversation: string | null }) | undefined;
    if (!row) return undefined;
    const message = toMessage(row);
    if (row.kind !== 'direct' || row.conversation === null) return message;
    const [, a, b] = row.conversation.split(':');
    return { ...message, to: a === row.sender ? b! : a! };
  }

  async findSession(tokenHash: string): Promise<StoredSession | undefined> {
    const row = this.statements.findSession.get(tokenHash) as Omit<SessionRow, 'token_hash'> | undefined;
    return row && sessionOfRow({ ...row, token_hash: tokenHash });
  }

  async endedSessions(tokenHashes: readonly string[], now: number): Promise<string[]> {
    const expiry = this.statements.sessionExpiry;
    return tokenHashes.filter((hash) => !(((expiry.get(hash) as number | undefined) ?? 0) > now));
  }

  async sessionsOf(username: string): Promise<StoredSession[]> {
    const rows = this.operatorStatements.sessionsOf.all(username) as SessionRow[];
    return rows.map(sessionOfRow);
  }

  async readQueue(recipient: string, afterId: number, limit: number): Promise<QueuePage> {
    const s = this.statements;
    const cursor = s.readerCursor.get(recipient) as { joined_id: number; pruned_id: number } | undefined;
    if (!cursor) return { rows: [], prunedId: 0 };
    const rows = s.readQueue.all({
      recipient,
      after: afterId,
      joined: cursor.joined_id,
      durable: this.syncedId,
      limit,
    }) as MessageRow[];
    return { rows: rows.map((row) => toQueueRow(row, recipient)), prunedId: cursor.pruned_id };
  }

  async knowsPosition(recipient: string, id: number): Promise<boolean> {
    if (id === 0) return true;
    const row = this.statements.knowsPosition.get({ recipient, id }) as { known: number } | undefined;
    return row?.known === 1;
  }

  async readConversation(
    reader: string,
    conversation: ConversationRef,
    beforeId: number,
    limit: number,
  ): Promise<Message[]> {
    const s = this.statements;
    const key = conversationKey(reader, conversation);
    const { after, through } = windowOf(conversation);
    const before = Math.min(beforeId, through + 1);
    const rows =
      conversation.kind === 'broadcast'
        ? (s.readBroadcasts.all({ reader, before, joined: this.joinedId(reader), limit }) as MessageRow[])
        : (s.readConversation.all({ key, before, after, limit }) as MessageRow[]);
    return rows.map(toMessage);
  }

  async searchMessages(request: SearchRequest): Promise<SearchPage> {
    return this.search.search(request);
  }

  async directPeers(reader: string): Promise<string[]> {
    return (this.statements.directPeers.all(reader) as { with_name: string }[]).map((row) => row.with_name);
  }

  async readMark(user: string, conversation: string): Promise<number> {
    return (this.statements.readMark.get(user, conversation) as { read_id: number } | undefined)?.read_id ?? 0;
  }

  async summarize(reader: string, conversation: ConversationRef): Promise<ConversationSummary> {
    const s = this.statements;
    const readId = await this.readMark(reader, conversation.with);
    const key = conversationKey(reader, conversation);
    const { after, through } = windowOf(conversation);
    const floor = Math.max(readId, after, conversation.kind === 'broadcast' ? this.joinedId(reader) : 0);
    const { n: unread } = s.countUnread.get({ key, floor, through, reader }) as { n: number };
    const [last] = await this.readConversation(reader, conversation, Number.MAX_SAFE_INTEGER, 1);
    return last ? { last, unread, readId } : { unread, readId };
  }

  /** Whether a user or a group has the name. */
  protected taken(name: string): boolean {
    return this.statements.nameTaken.get(name, name) !== undefined;
  }

  private joinedId(reader: string): number {
    return (this.statements.readerCursor.get(reader) as { joined_id: number } | undefined)?.joined_id ?? 0;
  }
}
