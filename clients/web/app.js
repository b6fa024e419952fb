// The Parley page: sign-in, the list of conversations, one conversation at a time with its history from the
// server, who is online, and a composer with a command-line mode. Every text that comes from the server is put
// into the page as text (textContent), never parsed as HTML.
//
// Messages live on the server. Local storage keeps only the conversation last open, the composer's mode and
// whether this device shows notifications; the server says whose session the HttpOnly cookie carries. All tabs
// of the browser share one stream (shared-stream.js). A service worker (sw.js) shows what the server pushes while
// no page is open.
//
// For keyboard and screen-reader users: every action is a button or a form, focus moves where the next action
// is, new messages are announced once through #announcer (the log itself is no live region), and Escape on a
// phone goes back from the list to the conversation left.
//
// Each module below owns one part of the page and sets itself up as it is imported. They share state.js and
// tell each other through its events; listeners run in the order of these imports, so the people, the list,
// the header and the composer are drawn before the log measures itself.

import './notices.js';
import './top-bar.js';
import './integrations.js';
import './admin.js';
import './sign-in.js';
import './people.js';
import './conversation-list.js';
import './conversation.js';
import './level-control.js';
import './composer.js';
import './reply-bar.js';
import './conversation-log.js';
import './message-jump.js';
import './reaction-picker.js';
import './live.js';
import './reaction-recount.js';
import './quiet-time.js';
import './device-notifications.js';
import './this-device.js';
import './account-deletion.js';
import './switcher.js';
import './conversation-link.js';
import './search.js';
import { resume } from './session.js';

void resume();
