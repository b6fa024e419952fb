export { changePassword, deleteAccount, listSessions, revokeSession } from './account.js';
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
export { MessageStream, streamMessages, type Change, type StreamOptions } from './stream.js';
