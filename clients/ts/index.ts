export {
  adminAudit,
  adminCreateUser,
  adminDeleteMessage,
  adminEndGroup,
  adminListUsers,
  adminRemoveMember,
  createInvite,
  deleteInvite,
  listBlocks,
  listInvites,
  setBlocked,
  setSuspended,
} from './access.js';
export { changePassword, deleteAccount, listSessions, revokeSession } from './account.js';
export { createBot, deleteBot, deleteBotWebhook, getBot, listBots, rotateBotToken, setBotWebhook } from './bots.js';
export {
  createParleyClient,
  join,
  ParleyError,
  type Joined,
  type Msgform,
  type ParleyClient,
  type Problem,
  type Schemas,
} from './client.js';
export { createHook, deleteHook, listHooks, postToHook } from './hooks.js';
export {
  deletePushSubscription,
  pushKey,
  pushSubscriptions,
  quietTime,
  setNotificationLevel,
  setQuietTime,
  subscribePush,
} from './notify.js';
export { reply, setReaction } from './replies.js';
export {
  matchedParts,
  searchAll,
  searchMessages,
  type SearchHit,
  type SearchOptions,
  type SearchResults,
} from './search.js';
export { MessageStream, streamMessages, type Change, type StreamOptions } from './stream.js';
