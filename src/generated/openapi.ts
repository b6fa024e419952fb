// Generated from openapi.yaml by `npm run gen`. Do not edit.

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness probe */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's sessions - every device signed in to this account
         * @description Every session of the caller's account whose token still works, oldest first. `id` is a public
         *     identifier of the session (not its token, and not enough to derive it), to revoke it with
         *     `DELETE /sessions/{id}`; `current` marks the session of this request. `lastUsedAt` is the last
         *     request made with it, to within a minute (uses are written at most once a minute per session).
         *     `userAgent` is the User-Agent it signed in with, cut to 200 characters.
         */
        get: operations["listSessions"];
        put?: never;
        /**
         * Join - register a new name or log in to a known one
         * @description A new name registers the account (201). A known name with the right password is recognised (200) and
         *     gets its old queue back, with everything that arrived while it was away. The token is returned in the
         *     body and also set as an `HttpOnly; SameSite=Strict` cookie so that a same-origin browser `EventSource`
         *     is authenticated. Who may register a new name is the operator's choice (`--registration`): anyone
         *     (`open`, the default), whoever has an invite (`invite`: give `invite`), or nobody by themselves
         *     (`closed`). A known name logs in whatever the mode.
         */
        post: operations["createSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/sessions/current": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who this token (or session cookie) belongs to
         * @description Lets a client that holds only the HttpOnly session cookie (the web page) learn whose session it is,
         *     so that it keeps no identity of its own. Asking is not an error: without a working token or cookie
         *     the answer is `{"signedIn": false}`.
         */
        get: operations["getSession"];
        put?: never;
        post?: never;
        /**
         * Exit - revoke this token and go offline
         * @description The token stops working, the streams it opened end and the user shows offline once no other stream
         *     of theirs is open. The session cookie is cleared.
         */
        delete: operations["deleteSession"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Signs one of the caller's sessions out (a lost phone, a shared computer)
         * @description The session's token stops working at once (401), and every stream it opened, on any process, ends
         *     with the comment `: end: revoked` and no `retry:` hint, so that its client does not reconnect. The
         *     id of another user's session gets the same 404 as an unknown one. Revoking the current session is
         *     allowed and works like `exit`.
         */
        delete: operations["revokeSession"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/account/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Changes the caller's password and signs out every other session
         * @description Needs the current password. Every other session of the account is revoked (its token gets 401, its
         *     streams end with `: end: password_changed`); the session of this request stays signed in. A wrong current
         *     password is a failed login: it counts towards the failed-login limits (429 once they are spent).
         */
        put: operations["changePassword"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/account": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Deletes the caller's own account
         * @description Needs the password. Does what the operator's `npx parley delete-user` does: the account, its
         *     sessions (every stream of it ends with `: end: deleted`), its queue and read marks go, and it leaves
         *     every group (a group left with no member goes too). Messages it sent stay with their recipients,
         *     still shown as from its name. The name is free again: whoever registers it next starts with a new
         *     account and an empty queue. A wrong password counts as a failed login. The session cookie is cleared.
         */
        delete: operations["deleteAccount"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * get_users - who is online and who is offline
         * @description Every registered user, sorted by name. With `Accept: text/plain` the original listing, one line a
         *     user: `o alice` (online) or `x bob` (offline).
         */
        get: operations["listUsers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users/{name}/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The user's event stream (Server-Sent Events)
         * @description Only the authenticated user may open their own stream. The stream first sends what is waiting
         *     (oldest first), then live messages as they come. Events:
         *
         *     - `message` with `id: <msgform id>` and `data: <Msgform as JSON on one line>`.
         *     - `sent` with `data: <Msgform>`, only on a stream opened with `sent=true`: a message this user has
         *       just sent, from any device, so that their other devices show it at once. It has no `id:` line and is
         *       not part of the resumable sequence: a device that was away reads its own messages from history.
         *     - `presence` with `data: <PresenceEvent>` when users come online, go offline or register; only on a
         *       stream opened with `presence=true`. Changes are gathered and sent together, so a burst of
         *       connections costs each presence stream a few events, not one per connection.
         *     - `group` with `id:` and `data: <GroupEvent>`: a group this user is (or was, until this change) a
         *       member of was created, gained or lost a member, changed owner or ended.
         *     - `edited` with `id:` and `data: <EditedEvent>`, and `deleted` with `id:` and `data: <DeletedEvent>`: a
         *       message this user received or sent was corrected or taken back by its sender.
         *     - `reaction` with `id:` and `data: <ReactionEvent>`: someone who has a message this user has added or
         *       took back an emoji reaction on it.
         *     - `read` with `id:` and `data: <ReadEvent>`: one of this user's devices marked a conversation read.
         *     - `blocks` with `id:` and `data: <BlocksEvent>`: one of this user's devices blocked or unblocked a user.
         *     - `notifications` with `id:` and `data: <NotificationsEvent>`, and `quiet` with `id:` and
         *       `data: <QuietTime>`: one of this user's devices set a conversation's notification level, or quiet time.
         *       These eight are changes to what was delivered: they travel in the same resumable sequence as the
         *       messages, in order with them, so that a device that was away gets them on resume.
         *     - `lost` with `data: <LostEvent>` when messages after the stream's position were removed by retention
         *       before it could send them (a resume older than the retention window, or a device so far behind
         *       that retention overtook it), or when the store no longer holds the resume position (it went back in
         *       time: restored from a backup, or failed over to a replica that lagged); the stream then continues
         *       with everything the store has after it. A stream never skips a message silently.
         *
         *     Comments (`: heartbeat`) keep the connection alive; a `retry:` field suggests the reconnect delay.
         *     When the server ends a stream it says why in a last comment, `: end: <reason>`. The session is over,
         *     and the client should not reconnect, after `exit` (this session logged out), `revoked` (signed out by
         *     another session of the user), `password_changed` (the user changed the password through another
         *     session), `suspended` (an admin suspended the user), `operator_logout` and `password_reset` (the
         *     operator's `parley logout` and `parley reset-password`) and `deleted` (the account was deleted): these
         *     come with no `retry:` hint. `shutdown`, `slow_consumer` and `unavailable` come with one, and the client
         *     should resume with `Last-Event-ID`.
         *
         *     Without a resume position the stream sends what was never written to any stream of this user. With
         *     `Last-Event-ID` (header) or `lastEventId` (query) it sends exactly every message after that id that
         *     is still retained (`--retain-ms`, 30 days by default). Each stream reads the store from its own
         *     position: a device that falls behind, or is slow to read, still gets every message in order.
         */
        get: operations["streamMessages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A conversation's history, as the caller sees it
         * @description With a user: the direct messages both ways between the caller and that user. With a group the caller
         *     belongs to: every message to that group, the caller's own included (403 for a non-member, as for
         *     sending). With `broad`: the broadcasts the caller received or sent. Oldest first, as msgforms with
         *     the same ids and fields their recipients' streams carry; `to` is the recipient for a direct message,
         *     the caller for a group message or broadcast they received, and the group's name or `broad` for one
         *     they sent. Paged backwards: pass the first id of a page as `before` to get the one before it.
         *     History reaches as far back as retention (`--retain-ms`, 30 days by default).
         *
         *     Only here does a message carry its `reactions`: each emoji with how many reacted with it and whether
         *     the caller did. A stream's msgform, written once for every recipient, has none; streams carry each
         *     change as a `reaction` event instead.
         */
        get: operations["listMessages"];
        put?: never;
        /**
         * `<username>: <message>` or `<group>: <message>`
         * @description To a user: one msgform on that user's queue, online or offline. To a group: one msgform to each
         *     member except the sender; only members may send. Refused whole (409 `queue_full`) when a recipient's
         *     pending queue is full. A 202 means every recipient's msgform is stored.
         *
         *     With `replyTo`, the message answers an earlier one of the same conversation that the sender can read
         *     in its history (404 `not_found` otherwise, or for a deleted one); every msgform of the reply carries
         *     `replyTo`: the original's id, sender, and the start of its text as it was then.
         */
        post: operations["sendMessage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/messages/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The message's id. */
                id: components["schemas"]["MessageId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Takes back one's own message
         * @description Only the sender, at any time. The text is overwritten in the store, in its earlier edits too, and
         *     the database's WAL is checkpointed (SQLite) or the append-only file rewritten (Redis) within seconds:
         *     a backup made after the deletion does not hold it. History and a resuming stream show a `Tombstone`;
         *     every recipient's streams and the sender's own get a `deleted` event (`DeletedEvent`). Its reactions go
         *     with it, and so does the start of its text that replies to it quoted: they show `replyTo` with
         *     `deleted: true` from then on.
         */
        delete: operations["deleteMessage"];
        options?: never;
        head?: never;
        /**
         * Corrects the text of one's own message
         * @description Only the sender, and only within `--edit-window-ms` of sending (15 minutes by default); past it 403
         *     `edit_window_passed` (a deletion is still possible). Every recipient's streams and the sender's own
         *     get an `edited` event (`EditedEvent`) with an id in the resumable sequence; history shows the new text
         *     with `editedAt`.
         */
        patch: operations["editMessage"];
        trace?: never;
    };
    "/messages/{id}/reactions/{emoji}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The message's id. */
                id: components["schemas"]["MessageId"];
                /** @description One emoji, URL-encoded (`%F0%9F%91%8D` for 👍). */
                emoji: components["schemas"]["Emoji"];
            };
            cookie?: never;
        };
        get?: never;
        /**
         * Reacts to a message with an emoji
         * @description Anyone who has the message may react: its sender and its recipients (in a group, the members who
         *     read it in the group's history). Idempotent: reacting again with the same emoji changes nothing. A
         *     message has at most 20 different emoji (422 `too_many_reactions` for a 21st); a deleted one has none.
         *     Each change is a `reaction` event (`ReactionEvent`), in the resumable sequence, to everyone who has the
         *     message, as an edit is; history shows the counts. A change counts against `--message-rate`.
         */
        put: operations["addReaction"];
        post?: never;
        /**
         * Takes back one's reaction
         * @description Idempotent, as adding is; a change is a `reaction` event with `on` false.
         */
        delete: operations["removeReaction"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/broadcast": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * `broad: <message>` - to every registered user
         * @description One msgform to every registered user except the sender, online or offline. The message is stored
         *     once, in a shared log that each user's stream reads by id, so it never fills anyone's pending
         *     queue and nobody is skipped.
         */
        post: operations["broadcast"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Finds messages the caller may read by their text
         * @description Searches what history shows the caller: the direct messages of each conversation they have (both
         *     sides), the messages of each group while they were a member (from when they joined until they left),
         *     and the broadcasts sent after they registered, as far back as retention keeps them. Newest first; each
         *     hit is the message as `GET /messages` shows it, the conversation it belongs to (`with`, as
         *     `GET /messages?with=` takes it), and where the query matched (`match`).
         *
         *     `q` holds words and "quoted phrases"; a message matches when its text contains every one of them,
         *     anywhere (inside words too), ignoring case and the accents of Latin letters (`munchen` finds
         *     `München`). Words of one or two characters are found too (`ok`, `猫`); what each store pays for them
         *     is in docs/search.md.
         *     A deleted message is found by nothing, an edited one by its new text only.
         *
         *     Each page examines a bounded number of messages, so a page may hold fewer than `limit` hits, or none,
         *     and still carry a `cursor`: ask again with it until a page comes without one.
         */
        get: operations["searchMessages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The groups the caller belongs to */
        get: operations["listGroups"];
        put?: never;
        /**
         * `mk_grp:<group>:<user>:...` - create a named group
         * @description The group is the creator plus the listed users, at most 32 users in all. Every member must be a
         *     registered user. Users and groups share one namespace.
         */
        post: operations["createGroup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: components["schemas"]["Name"];
            };
            cookie?: never;
        };
        /** A group's members and owner, for its members */
        get: operations["showGroup"];
        /**
         * mk_grp that may be repeated - make the group, or find it and add who is missing
         * @description When no group has the name, makes it as `POST /groups` does (201): the caller plus the listed users,
         *     who get a `created` event. When the caller owns the group of that name, adds the listed users who are
         *     not members yet (200, with an `added` event, or nothing at all when every one is in); nobody is removed.
         *     So a script can run it again and find the group as it left it. The name of a user, of someone else's
         *     group or of an ended group stays taken (409 `name_taken`); a member who does not own the group may not
         *     add to it (403 `forbidden`).
         */
        put: operations["ensureGroup"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups/{name}/members": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: components["schemas"]["Name"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * `add_grp:<group>:<user>:...` - the owner adds members
         * @description Only the owner (the creator, until they leave). Every name must be a registered user (422
         *     `unknown_member`); the group stays at most 32 users (422 `too_many_members`). Those already members
         *     are left as they are. Every member, the added included, gets a `group` event (`GroupEvent`, change
         *     `added`); an added member reads the group's history from there on.
         */
        post: operations["addMembers"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups/{name}/members/{user}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: components["schemas"]["Name"];
                user: components["schemas"]["Name"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * `rm_grp:<group>:<user>` - the owner removes a member; `leave:<group>` - a member removes themself
         * @description The owner removes anyone else; any member may name themself, and so leaves. When the owner leaves,
         *     the member who has been in the group longest becomes the owner (a `left` event, then an `owner`
         *     event); when the last member leaves, the group ends (`ended`): its name stays taken and its history
         *     stays with the former members until retention removes it. A removed member gets the event, then no
         *     further message of the group, may no longer send to it (403 `not_member`), and keeps its history up
         *     to their removal.
         */
        delete: operations["removeMember"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/conversations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's conversations, most recent first
         * @description One entry per person the caller has exchanged direct messages with, per group the caller belongs to,
         *     and one for the broadcasts (`with: broad`, always present). Each has its last retained message (absent
         *     for a conversation with none yet), and how many messages from others came after the position the
         *     caller marked read. Sorted by the last message's id, most recent first; conversations without a
         *     message last, by name.
         */
        get: operations["listConversations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/conversations/{with}/read": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Marks a conversation read up to a message
         * @description The caller has seen the conversation up to `upTo`: its unread count drops to the messages after it, on
         *     every device: the caller's streams get a `read` event (`ReadEvent`), so that their other devices update
         *     their badges without a reload. The position never moves backwards.
         */
        put: operations["markRead"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/conversations/{with}/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * How much of a conversation to be told of when away
         * @description `all`: every message; `mentions`: only messages that call the caller (`@name` or `@everyone`); `none`:
         *     nothing. A conversation never set has its kind's default: `all` for direct messages and for groups (at
         *     most 32 chosen members, like a group chat on a phone), `none` for broadcasts (anyone may send one to
         *     every user ever registered; they are read when one comes back). The level decides Web Push, and the
         *     page's desktop notifications on every device: the caller's streams get a `notifications` event
         *     (`NotificationsEvent`), and `GET /conversations` and history carry it.
         */
        put: operations["setNotificationLevel"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/commands": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * One line of the original command language
         * @description The body is one line in the original syntax: `user1: hi`, `broad: hi`, `mk_grp:g1:user1:user2`,
         *     `g1: hi`, `add_grp:g1:user3`, `rm_grp:g1:user3`, `leave:g1`, `block:user3`, `unblock:user3`,
         *     `suspend:user3` and `restore:user3` (admins), `notify:g1:mentions` (a level, `all`, `mentions` or
         *     `none`), `quiet:90` (quiet time for 90 minutes from now) and `quiet:off`, `get_users` or `exit`. It runs
         *     exactly as the matching endpoint would and answers as that endpoint does.
         *
         *     A reply is `>42 bob: text` (or `>42 team: text`): `>` and the id of the message answered, then the
         *     original form. A reaction is `+42 👍`, and `-42 👍` takes it back (204). Neither can be read as
         *     `<username>: <message>`: a name starts with a letter, so no user or group can be called `>42` or
         *     `+42`, and no name has to be reserved for them.
         */
        post: operations["runCommand"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/bots": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The bots the caller owns */
        get: operations["listBots"];
        put?: never;
        /**
         * Make a bot account, owned by the caller
         * @description The bot is a user (names follow a user's rules, in the same namespace) that cannot log in with a
         *     password: `POST /sessions` for its name is refused with `bot_account`. Its token, answered once here,
         *     never expires; its owner rotates it with `POST /bots/{name}/token`. It is marked `bot: true` in
         *     `GET /users` and on every message it sends. A bot cannot own bots. At most 20 bots per owner.
         */
        post: operations["createBot"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/bots/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: components["parameters"]["UserName"];
            };
            cookie?: never;
        };
        /** One of the caller's bots, with its webhook's state */
        get: operations["showBot"];
        put?: never;
        post?: never;
        /**
         * Delete one of the caller's bots
         * @description Deletes the bot as an account is deleted (its token, queue, groups), with its hooks and webhook.
         */
        delete: operations["deleteBot"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/bots/{name}/token": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: components["parameters"]["UserName"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A new token for the bot; the old one stops working at once, on every process */
        post: operations["rotateBotToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/bots/{name}/webhook": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: components["parameters"]["UserName"];
            };
            cookie?: never;
        };
        get?: never;
        /**
         * Set (or change) the URL every event of the bot's stream is posted to
         * @description From now on every event of the bot's stream (messages to it, in its groups, broadcasts, changes) is
         *     posted to the URL as `{type, id, data}`, where `data` is what the stream carries, in order, one at a
         *     time, each until a `2xx`, from a stored position: nothing is skipped across the receiver being down,
         *     a restart or a failover (a receiver may see an event twice, never miss one). Each post is signed as
         *     Standard Webhooks says (`webhook-id`, `webhook-timestamp`, `webhook-signature`) with the secret
         *     answered here, once; setting the webhook again gives a new secret and keeps the position. A `2xx`
         *     whose body is `{"text": "..."}` or text/plain is posted as the bot's reply, in the group the event came
         *     from or to its sender. The URL must be `http` or `https`, with a public address unless the server
         *     runs with `--webhook-allow-private` (else `bad_destination`); redirects are not followed.
         */
        put: operations["setBotWebhook"];
        post?: never;
        /** Stop posting the bot's events */
        delete: operations["deleteBotWebhook"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/hooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's incoming webhooks, oldest first (their URLs' secrets are not kept) */
        get: operations["listHooks"];
        put?: never;
        /**
         * Make an incoming webhook posting to a conversation
         * @description `to` is one the caller may send to: a user, a group they are in, or `broad`. The answer's `url`
         *     (from `--public-url` when set, else this request's origin) is the only credential the sender needs;
         *     it is shown this once. At most 100 hooks per owner.
         */
        post: operations["createHook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/hooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["schemas"]["HookId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete one of the caller's hooks; its URL answers `no_service` from now on */
        delete: operations["deleteHook"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/hooks/{id}/{secret}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["schemas"]["HookId"];
                secret: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Post a Slack-format message through a hook (no other credential)
         * @description The body is a Slack incoming-webhook payload: `application/json` (any charset), or
         *     `application/x-www-form-urlencoded` with the JSON in a `payload` field. `text`, the legacy
         *     `attachments` (pretext, title and title_link, text, fields as `title: value`, footer, else fallback)
         *     and `blocks` (section text and fields, header, context, divider, rich text; interactive elements
         *     ignored) render into one plain-text message: `<url|label>` becomes `label (url)`, `<!here>`,
         *     `<!channel>` and `<@U123>` become plain words that notify nobody. `username` becomes the message's
         *     `displayName`; the message carries the bot mark and comes from the hook's owner. At most 1 MiB, and
         *     `--hook-rate` posts a minute per hook. Refusals are 4xx with Slack's words as `code`: `invalid_token`
         *     (wrong secret), `no_service` (no such hook), `invalid_payload`, `no_text`; a 5xx only when the store is
         *     unavailable. After 5 refusals in a row the owner gets a message saying so.
         */
        post: operations["postToHook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/invites": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Invites; every one for an admin, a member's own with --members-invite */
        get: operations["listInvites"];
        put?: never;
        /**
         * An invite to register while sign-up is by invite (admins; members with --members-invite)
         * @description The code is 128 random bits. `url` opens the page at sign-up with the code filled in. `uses` (1 unless
         *     given, 1000 at most) sign-ups may use it, until `expiresInMs` from now (none unless given, 30 days at
         *     most). Uses are counted atomically across processes. Others answer `403 not_admin`.
         */
        post: operations["createInvite"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/invites/{code}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                code: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an invite (an admin any, a member their own); it is refused from then on */
        delete: operations["deleteInvite"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/account/blocks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The users the caller blocks */
        get: operations["listBlocks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/account/blocks/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: components["parameters"]["UserName"];
            };
            cookie?: never;
        };
        get?: never;
        /**
         * Keep a user out
         * @description From now on their direct messages to the caller are refused, and they cannot put the caller in a group,
         *     both with `403 not_accepted`: the same code a refusal for any reason would give, which tells the sender
         *     that the message was not accepted, not that they are blocked nor, for a group, by whom. In groups both
         *     are in, their messages still arrive; the caller's clients hide them behind a placeholder. Every device of
         *     the caller hears it: a `blocks` event on their stream. Blocking someone already blocked changes nothing.
         */
        put: operations["blockUser"];
        post?: never;
        /** Let a blocked user in again */
        delete: operations["unblockUser"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/account/quiet": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Until when the caller is not to be disturbed */
        get: operations["getQuietTime"];
        /**
         * Do not disturb until a time
         * @description Until `until`, nothing but direct messages is pushed, whatever the levels (null ends it now). Every
         *     device of the caller hears it: a `quiet` event on their streams.
         */
        put: operations["setQuietTime"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/push/key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The server's VAPID public key
         * @description The key every push of this server is signed with (RFC 8292), as a browser's `pushManager.subscribe`
         *     takes it for `applicationServerKey`. Made once and kept in the store, so every process signs with it.
         */
        get: operations["getPushKey"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/push/subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's push subscriptions (their devices that take pushes) */
        get: operations["listPushSubscriptions"];
        put?: never;
        /**
         * Push to this device when no stream of the caller is open
         * @description The body is what a browser's `PushSubscription.toJSON()` gives. A message the caller should hear of (by
         *     level, mention and quiet time) is pushed to every subscription when none of the caller's streams is
         *     open and they have not read it elsewhere within `--push-hold-ms`: exactly once per subscription, from a
         *     position kept in the store, whichever process sends it. The endpoint must be `https` on a public address
         *     (unless the server runs with `--push-allow-private`), else `bad_destination`. Subscribing an endpoint
         *     again (each page load does) answers 200 with the same subscription. A user has at most 10. Signing the
         *     session out removes the subscriptions it made; a push service's `404` or `410` removes one too.
         */
        post: operations["subscribePush"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/push/subscriptions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Stop pushing to a device */
        delete: operations["deletePushSubscription"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every user with their role, state, sessions and last activity (admins) */
        get: operations["adminListUsers"];
        put?: never;
        /** Make an account, whatever the registration mode (admins) */
        post: operations["adminCreateUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/users/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: components["parameters"]["UserName"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Suspend or restore a user (admins)
         * @description Suspended, the user's sessions end and their streams close with `: end: suspended` on every process, and
         *     logging in answers `403 account_suspended`; what they sent stays. An admin is not suspended by another
         *     admin (`403 forbidden`): the operator takes the role back first (`parley revoke-admin`), so that no admin
         *     can lock the others out.
         */
        patch: operations["adminSuspendUser"];
        trace?: never;
    };
    "/admin/messages/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["schemas"]["MessageId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Take back anyone's message (admins); the `deleted` event names the admin in `by` */
        delete: operations["adminDeleteMessage"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/groups/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: components["schemas"]["Name"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** End a group (admins); every member is told `ended` */
        delete: operations["adminEndGroup"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/groups/{name}/members/{user}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: components["schemas"]["Name"];
                user: components["schemas"]["Name"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove anyone from any group (admins) */
        delete: operations["adminRemoveMember"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What admins did, newest first (admins) */
        get: operations["adminAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Health: {
            /** @constant */
            status: "ok";
        };
        /**
         * @description A user or group name: 1 to 32 characters, a letter first, then letters, digits, `_` or `-`.
         *     Case-insensitive: names are folded to lower case, so `Alice` and `alice` are one account.
         *     The words of the command language (`broad`, `get_users`, `exit`, `mk_grp`, `add_grp`, `rm_grp`,
         *     `leave`) are reserved.
         * @example alice
         */
        Name: string;
        /** @description 8 to 256 characters. Stored only as a salted scrypt hash. */
        Password: string;
        /**
         * @description The message text: not empty or only white space, at most the configured maximum (default 4000
         *     characters). Newlines (LF or CRLF), tabs and any Unicode are carried intact; NUL and the other C0
         *     control characters (U+0000 to U+001F except tab, line feed and carriage return) and lone surrogates
         *     are refused with `invalid_request`.
         */
        Text: string;
        /**
         * @description An opaque id, at most 2^53 - 1; ids increase strictly for each recipient and are never handed out
         *     twice (they come from the clock: a store restored from an older copy still assigns ids above every
         *     id it gave before).
         * @example 218290411544000
         */
        MessageId: string;
        Credentials: {
            username: components["schemas"]["Name"];
            password: components["schemas"]["Password"];
            /**
             * @description With `--registration invite`, what lets a new name register (from `POST /invites`); ignored for a
             *     name that exists. A wrong code counts as a failed login from the caller's address.
             */
            invite?: string;
        };
        Session: {
            username: components["schemas"]["Name"];
            /** @description A random bearer token (256 bits, base64url). */
            token: string;
            /** @description True when this request registered the account. */
            created: boolean;
        };
        /**
         * @description The public id of a session: derived one-way from the token's hash, so it reveals nothing of the token
         *     and cannot be used in its place.
         * @example Q3bX0f1kR2m9LzTa
         */
        SessionId: string;
        SessionEntry: {
            id: components["schemas"]["SessionId"];
            /** @description True for the session of the request that asked. */
            current: boolean;
            /**
             * Format: date-time
             * @description When it signed in.
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description The last request made with it, to within a minute.
             */
            lastUsedAt: string;
            /** @description The User-Agent header it signed in with, cut to 200 characters; absent when there was none. */
            userAgent?: string;
        };
        SessionList: {
            /** @description Oldest first. */
            sessions: components["schemas"]["SessionEntry"][];
        };
        PasswordChange: {
            currentPassword: components["schemas"]["Password"];
            newPassword: components["schemas"]["Password"];
        };
        AccountDeletion: {
            password: components["schemas"]["Password"];
        };
        CurrentSession: {
            signedIn: boolean;
            username?: components["schemas"]["Name"];
            /**
             * @description Present when the user is an admin (the page shows its Admin panel then).
             * @constant
             */
            admin?: true;
        };
        User: {
            name: components["schemas"]["Name"];
            online: boolean;
            /**
             * @description Present for a bot account.
             * @constant
             */
            bot?: true;
        };
        UserList: {
            users: components["schemas"]["User"][];
        };
        /**
         * @example {
         *       "to": "bob",
         *       "text": "see you there"
         *     }
         * @example {
         *       "to": "team",
         *       "text": "yes, at 10",
         *       "replyTo": "42"
         *     }
         */
        SendMessage: {
            to: components["schemas"]["Name"];
            text: components["schemas"]["Text"];
            /** @description The message this one answers, of the same conversation (see `ReplyQuote`). */
            replyTo?: components["schemas"]["MessageId"];
        };
        /**
         * @example {
         *       "id": "42",
         *       "to": "bob",
         *       "recipients": 1,
         *       "sentAt": "2026-11-24T08:00:00.000Z"
         *     }
         */
        Accepted: {
            id: components["schemas"]["MessageId"];
            to: components["schemas"]["Name"];
            /** @description How many queues the message was put on. */
            recipients: number;
            /**
             * Format: date-time
             * @description When the server accepted it; the same value as the `sentAt` of its msgform.
             */
            sentAt: string;
        };
        BroadcastRequest: {
            text: components["schemas"]["Text"];
        };
        /**
         * @example {
         *       "id": "43",
         *       "recipients": 2,
         *       "sentAt": "2026-11-24T08:00:01.000Z"
         *     }
         */
        BroadcastAccepted: {
            id: components["schemas"]["MessageId"];
            /** @description How many users the message reaches (every registered user but the sender). */
            recipients: number;
            /**
             * Format: date-time
             * @description When the server accepted it; the same value as the `sentAt` of its msgform.
             */
            sentAt?: string;
        };
        CreateGroup: {
            name: components["schemas"]["Name"];
            /** @description Registered users to add; the creator is always a member. */
            members: components["schemas"]["Name"][];
        };
        Group: {
            name: components["schemas"]["Name"];
            members: components["schemas"]["Name"][];
            createdBy: components["schemas"]["Name"];
        };
        GroupList: {
            groups: components["schemas"]["GroupDetail"][];
        };
        /**
         * @description One message as one user sees it: the `data` of a `message` event, and an entry of a history. `to` is
         *     the recipient (the reader, for a group message or broadcast received), or, in the sender's own view of
         *     a group message or broadcast, the group's name or `broad`.
         */
        Msgform: {
            id: components["schemas"]["MessageId"];
            from: components["schemas"]["Name"];
            /**
             * @description Sent by a bot, or through an incoming webhook.
             * @constant
             */
            bot?: true;
            /** @description The name a webhook's payload asked to show for this message (Slack's `username`). */
            displayName?: string;
            to: components["schemas"]["Name"];
            group?: components["schemas"]["Name"];
            /** @enum {string} */
            kind: "direct" | "group" | "broadcast";
            text: string;
            /** Format: date-time */
            sentAt: string;
            /**
             * Format: date-time
             * @description When the sender last edited the text; absent for a message never edited.
             */
            editedAt?: string;
            /**
             * @description The members a group message calls, each once: `@name` of a member in its text (canonical), and
             *     `everyone` for `@everyone`. Read from the text when it was sent; absent when it calls nobody. A name
             *     that is not a member's calls nobody.
             */
            mentions?: components["schemas"]["Name"][];
            replyTo?: components["schemas"]["ReplyQuote"];
            /**
             * @description Only in history (`GET /messages`), and absent there when nobody reacted: each emoji, in the order of
             *     its oldest reaction still standing. A stream's msgform never carries it (it is written once for
             *     every recipient, and `me` is each reader's own); `reaction` events tell of each change.
             */
            reactions?: components["schemas"]["Reaction"][];
        };
        /**
         * @description A message its sender deleted, as history and a resuming stream show it: its place and who sent it
         *     remain, its text is gone from the store.
         * @example {
         *       "id": "42",
         *       "from": "alice",
         *       "to": "bob",
         *       "kind": "direct",
         *       "sentAt": "2026-11-24T08:00:00.000Z",
         *       "deleted": true
         *     }
         */
        Tombstone: {
            id: components["schemas"]["MessageId"];
            from: components["schemas"]["Name"];
            /**
             * @description Sent by a bot, or through an incoming webhook.
             * @constant
             */
            bot?: true;
            /** @description The name a webhook's payload asked to show for this message (Slack's `username`). */
            displayName?: string;
            to: components["schemas"]["Name"];
            group?: components["schemas"]["Name"];
            /** @enum {string} */
            kind: "direct" | "group" | "broadcast";
            /** Format: date-time */
            sentAt: string;
            /** @constant */
            deleted: true;
        };
        /**
         * @description The message a reply answers: its id, its sender, and `text`, the start of its text when the reply was
         *     sent (white space run together, at most 120 characters, then `…`; a later edit of the original leaves
         *     it as it was). Once the original is deleted, `text` is gone from every reply, in the store too, and
         *     `deleted` is true. The `deleted` event of the original is the clients' cue to blank the quotes they show.
         * @example {
         *       "id": "42",
         *       "from": "alice",
         *       "text": "shall we meet at 9 tomorrow, before the review? I can book the small room…"
         *     }
         * @example {
         *       "id": "42",
         *       "from": "alice",
         *       "deleted": true
         *     }
         */
        ReplyQuote: {
            id: components["schemas"]["MessageId"];
            from: components["schemas"]["Name"];
            text?: string;
            /** @constant */
            deleted?: true;
        };
        /**
         * @description One emoji: a single grapheme that is shown as an emoji (a pictograph with emoji presentation or U+FE0F,
         *     with its skin tone or ZWJ sequence), a keycap (`1️⃣`), or a flag. A U+FE0F after a character that is
         *     an emoji anyway is dropped, so that `👍` and `👍` + U+FE0F are one reaction. Anything else is refused
         *     with 400 `invalid_request`, field `path.emoji`.
         * @example 👍
         * @example ❤️
         * @example 👩🏽‍💻
         * @example 🇳🇴
         */
        Emoji: string;
        /**
         * @description One emoji on a message, as history shows it to the caller.
         * @example {
         *       "emoji": "👍",
         *       "count": 2,
         *       "me": true
         *     }
         */
        Reaction: {
            emoji: components["schemas"]["Emoji"];
            /** @description How many users react with it. */
            count: number;
            /** @description Whether the caller is one of them. */
            me: boolean;
        };
        /**
         * @description The `data` of a `reaction` event: `user` now reacts to message `of` with `emoji` (`on` true), or no
         *     longer does (`on` false). Sent to everyone who has the message (its sender and recipients; in a group,
         *     the members who read it in its history) only when something changed. A message's `deleted` event takes
         *     its reactions with it.
         * @example {
         *       "of": "42",
         *       "emoji": "👍",
         *       "user": "bob",
         *       "on": true
         *     }
         */
        ReactionEvent: {
            of: components["schemas"]["MessageId"];
            emoji: components["schemas"]["Emoji"];
            user: components["schemas"]["Name"];
            on: boolean;
        };
        MessageOrTombstone: components["schemas"]["Msgform"] | components["schemas"]["Tombstone"];
        /**
         * @example {
         *       "text": "see you at 10, not 9"
         *     }
         */
        EditMessage: {
            text: components["schemas"]["Text"];
        };
        /**
         * @example {
         *       "members": [
         *         "carol"
         *       ]
         *     }
         */
        AddMembers: {
            /** @description Registered users to add; those already members are left as they are. */
            members: components["schemas"]["Name"][];
        };
        /**
         * @description The `data` of a `group` event: a change to a group's membership, sent to every member before and
         *     after it (a removed member included). `change` says what happened, `users` to whom (the added, the
         *     removed, the one who left, the new owner), `members` and `owner` are the group afterwards (`ended`:
         *     no member is left).
         * @example {
         *       "group": "team",
         *       "change": "added",
         *       "members": [
         *         "alice",
         *         "bob",
         *         "carol"
         *       ],
         *       "owner": "alice",
         *       "users": [
         *         "carol"
         *       ],
         *       "by": "alice"
         *     }
         */
        GroupEvent: {
            group: components["schemas"]["Name"];
            /** @enum {string} */
            change: "created" | "added" | "removed" | "left" | "owner" | "ended";
            members: components["schemas"]["Name"][];
            owner?: components["schemas"]["Name"];
            users?: components["schemas"]["Name"][];
            by: components["schemas"]["Name"];
        };
        /**
         * @description The `data` of an `edited` event, to every recipient of the message and its sender's devices.
         * @example {
         *       "of": "42",
         *       "from": "alice",
         *       "text": "see you at 10, not 9",
         *       "editedAt": "2026-11-24T08:01:00.000Z"
         *     }
         */
        EditedEvent: {
            of: components["schemas"]["MessageId"];
            from?: components["schemas"]["Name"];
            /** @description The new text; empty in an edit of a message deleted since. */
            text: string;
            /** Format: date-time */
            editedAt: string;
        };
        /**
         * @description The `data` of a `deleted` event, to every recipient of the message and its sender's devices. It is the
         *     one word of the deletion: a client drops the message's reactions, and shows the replies to it that it
         *     holds with `replyTo` `{id, from, deleted: true}`, as history and a resuming stream show them from now on.
         * @example {
         *       "of": "42",
         *       "from": "alice"
         *     }
         * @example {
         *       "of": "43",
         *       "from": "mallory",
         *       "by": "ada"
         *     }
         */
        DeletedEvent: {
            of: components["schemas"]["MessageId"];
            from?: components["schemas"]["Name"];
            /** @description The admin who took the message back, when it was not its sender. */
            by?: components["schemas"]["Name"];
        };
        /**
         * @description The `data` of a `read` event, on the reader's own streams, when one of their devices marked a conversation read.
         * @example {
         *       "with": "bob",
         *       "upTo": "42"
         *     }
         */
        ReadEvent: {
            with: components["schemas"]["Name"];
            upTo: components["schemas"]["MessageId"];
        };
        /**
         * @example {
         *       "name": "team",
         *       "members": [
         *         "alice",
         *         "bob",
         *         "carol"
         *       ],
         *       "owner": "alice",
         *       "createdBy": "alice"
         *     }
         */
        GroupDetail: {
            name: components["schemas"]["Name"];
            /** @description Longest-standing first. */
            members: components["schemas"]["Name"][];
            owner: components["schemas"]["Name"];
            createdBy: components["schemas"]["Name"];
        };
        History: {
            messages: components["schemas"]["MessageOrTombstone"][];
            /** @description Whether older messages are retained (ask again with `before` set to the first id here). */
            more: boolean;
            /** @description The caller's level for this conversation (see `PUT /conversations/{with}/notifications`). */
            notifications: components["schemas"]["NotifyLevel"];
        };
        SearchResults: {
            hits: components["schemas"]["SearchHit"][];
            /** @description Present while there may be more hits; pass it as `cursor` for the next page. */
            cursor?: string;
        };
        SearchHit: {
            /** @description The conversation the message belongs to, as `GET /messages?with=` takes it. */
            with: components["schemas"]["Name"];
            message: components["schemas"]["Msgform"];
            /**
             * @description Where the query matched: `[start, end)` offsets into `text` in UTF-16 code units (what JavaScript's
             *     `String.prototype.slice` takes), in order, overlapping ones joined. Mark them by slicing the text,
             *     never by building markup from it.
             */
            match: components["schemas"]["MatchSpan"][];
        };
        /**
         * @description `[start, end)`: where a match starts in the text, and where it ends (exclusive).
         * @example [
         *       3,
         *       8
         *     ]
         */
        MatchSpan: [
            number,
            number
        ];
        Conversation: {
            with: components["schemas"]["Name"];
            /** @enum {string} */
            kind: "direct" | "group" | "broadcast";
            last?: components["schemas"]["MessageOrTombstone"];
            /** @description Messages from others after `readUpTo`. */
            unread: number;
            readUpTo: components["schemas"]["MessageId"];
            notifications: components["schemas"]["NotifyLevel"];
        };
        ConversationList: {
            conversations: components["schemas"]["Conversation"][];
        };
        /**
         * @description `all` messages, only `mentions` of the reader (`@name`, `@everyone`), or `none`.
         * @enum {string}
         */
        NotifyLevel: "all" | "mentions" | "none";
        NotificationSetting: {
            level: components["schemas"]["NotifyLevel"];
        };
        /**
         * @description The `data` of a `notifications` event, on the caller's own streams, when one of their devices set a conversation's level.
         * @example {
         *       "with": "team",
         *       "level": "mentions"
         *     }
         */
        NotificationsEvent: {
            with: components["schemas"]["Name"];
            level: components["schemas"]["NotifyLevel"];
        };
        /**
         * @description Also the `data` of a `quiet` event, on the caller's own streams, when one of their devices set it.
         * @example {
         *       "until": "2026-12-07T07:00:00.000Z"
         *     }
         * @example {
         *       "until": null
         *     }
         */
        QuietTime: {
            /**
             * Format: date-time
             * @description Nothing but direct messages is pushed until then; null, or a time passed, is not quiet.
             */
            until: string | null;
        };
        PushKey: {
            /** @description The uncompressed P-256 point (65 bytes), base64url without padding. */
            publicKey: string;
        };
        PushSubscriptionRequest: {
            /** Format: uri */
            endpoint: string;
            /** @description Accepted and ignored, as browsers send it. */
            expirationTime?: number | null;
            keys: {
                /** @description The browser's P-256 public key (65 bytes, uncompressed), base64url. */
                p256dh: string;
                /** @description The browser's 16-byte authentication secret, base64url. */
                auth: string;
            };
        };
        PushSubscription: {
            id: string;
            endpoint: string;
            /** Format: date-time */
            createdAt: string;
            /** @description Made by the session asking (signing it out removes the subscription). */
            thisSession: boolean;
            /** @description Failed attempts in a row at the push in hand (retried with back-off within its TTL). */
            failures: number;
            /** Format: date-time */
            lastSuccessAt?: string;
            lastError?: string;
            /** Format: date-time */
            lastErrorAt?: string;
        };
        PushSubscriptionList: {
            subscriptions: components["schemas"]["PushSubscription"][];
        };
        /**
         * @description What a push carries, encrypted for the device (RFC 8291, `aes128gcm`): a JSON object of at most a few
         *     hundred bytes. With `--push-content none` there is no `text`: the device shows who wrote where.
         * @example {
         *       "id": "42",
         *       "from": "alice",
         *       "kind": "group",
         *       "with": "team",
         *       "text": "@bob the build is green",
         *       "mention": true,
         *       "sentAt": "2026-12-06T14:00:00.000Z"
         *     }
         */
        PushPayload: {
            id: components["schemas"]["MessageId"];
            from: components["schemas"]["Name"];
            /** @enum {string} */
            kind: "direct" | "group" | "broadcast";
            /** @description The conversation to open - the sender, the group, or `broad`. */
            with: components["schemas"]["Name"];
            /** @description The start of the text (at most 140 characters, then `…`). */
            text?: string;
            /** @description The message calls the receiver (`@name` or `@everyone`). */
            mention: boolean;
            /** Format: date-time */
            sentAt?: string;
        };
        ReadMark: {
            upTo: components["schemas"]["MessageId"];
        };
        /** @description The `data` of a `presence` event; only the users whose state changed. */
        PresenceEvent: {
            users: components["schemas"]["User"][];
        };
        /**
         * @description The `data` of a `lost` event. `reason` is `retention` when messages after `after` up to and including
         *     `through` were pruned before this stream could send them, or `store` when the store does not hold
         *     `after`: it went back in time after handing it out (restored from a backup, failed over to a replica
         *     that lagged, wiped), so what the device saw after the store's copy was taken is gone. Ids come from
         *     the clock and are never handed out twice: everything the store has after `after` follows.
         * @example {
         *       "reason": "retention",
         *       "after": "218290301544000",
         *       "through": "218290411544000"
         *     }
         * @example {
         *       "reason": "store",
         *       "after": "218290411544000"
         *     }
         */
        LostEvent: {
            /** @enum {string} */
            reason: "retention" | "store";
            after: components["schemas"]["MessageId"];
            through?: components["schemas"]["MessageId"];
        };
        CreateBot: {
            name: components["schemas"]["Name"];
        };
        Bot: {
            name: components["schemas"]["Name"];
            owner: components["schemas"]["Name"];
            /** Format: date-time */
            createdAt: string;
            webhook?: components["schemas"]["WebhookState"];
        };
        NewBot: {
            name: components["schemas"]["Name"];
            owner: components["schemas"]["Name"];
            /** Format: date-time */
            createdAt: string;
            /** @description The bot's bearer token, shown this once. It never expires. */
            token: string;
        };
        BotList: {
            bots: components["schemas"]["Bot"][];
        };
        BotToken: {
            name: components["schemas"]["Name"];
            token: string;
        };
        SetWebhook: {
            /** Format: uri */
            url: string;
        };
        WebhookSecret: {
            name: components["schemas"]["Name"];
            /** Format: uri */
            url: string;
            /** @description The Standard Webhooks signing secret, shown this once. */
            secret: string;
        };
        /** @description Where a bot's webhook stands. */
        WebhookState: {
            /** Format: uri */
            url: string;
            /** Format: date-time */
            setAt: string;
            /** @description The last event id the receiver acknowledged (0 before the first). */
            position: components["schemas"]["MessageId"];
            /** @description Events after the position not yet acknowledged, counted up to 1000. */
            waiting: number;
            /** @description Failed attempts in a row at the next event. */
            failures: number;
            /** Format: date-time */
            lastSuccessAt?: string;
            lastError?: string;
            /** Format: date-time */
            lastErrorAt?: string;
        };
        HookId: string;
        CreateHook: {
            /** @description A user, a group the caller is in, or `broad`. */
            to: components["schemas"]["Name"];
            /** @description The owner's label for it. */
            name?: string;
        };
        Hook: {
            id: components["schemas"]["HookId"];
            to: components["schemas"]["Name"];
            name?: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            lastUsedAt?: string;
            /** @description Posts refused in a row since the last one stored. */
            failures: number;
            lastError?: string;
            /** Format: date-time */
            lastErrorAt?: string;
        };
        NewHook: {
            id: components["schemas"]["HookId"];
            to: components["schemas"]["Name"];
            name?: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            lastUsedAt?: string;
            /** @description Posts refused in a row since the last one stored. */
            failures: number;
            lastError?: string;
            /** Format: date-time */
            lastErrorAt?: string;
            /**
             * Format: uri
             * @description The URL to give the sender; its secret is shown this once.
             */
            url: string;
        };
        HookList: {
            hooks: components["schemas"]["Hook"][];
        };
        /** @description Slack's incoming-webhook message; unknown fields are ignored. */
        SlackPayload: {
            text?: string;
            username?: string;
            icon_url?: string;
            icon_emoji?: string;
            attachments?: Record<string, never>[];
            blocks?: Record<string, never>[];
        };
        CreateInvite: {
            /** @default 1 */
            uses: number;
            expiresInMs?: number;
            note?: string;
        };
        /**
         * @example {
         *       "code": "Xq3b9TnB0aXhpYmFyYmF6",
         *       "url": "http://127.0.0.1:8080/#invite=Xq3b9TnB0aXhpYmFyYmF6",
         *       "createdBy": "ada",
         *       "createdAt": "2026-12-06T10:00:00.000Z",
         *       "uses": 5,
         *       "used": 1,
         *       "note": "the design team"
         *     }
         */
        Invite: {
            code: string;
            /**
             * Format: uri
             * @description Opens the page at sign-up with the code filled in.
             */
            url: string;
            createdBy: components["schemas"]["Name"];
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            expiresAt?: string;
            uses: number;
            used: number;
            note?: string;
        };
        InviteList: {
            invites: components["schemas"]["Invite"][];
        };
        BlockList: {
            blocked: components["schemas"]["Name"][];
        };
        /**
         * @description The `data` of a `blocks` event, on the blocker's own streams, when one of their devices blocked or unblocked a user.
         * @example {
         *       "user": "mallory",
         *       "blocked": true
         *     }
         */
        BlocksEvent: {
            user: components["schemas"]["Name"];
            blocked: boolean;
        };
        AdminUser: {
            name: components["schemas"]["Name"];
            /** @enum {string} */
            role: "admin" | "user" | "bot";
            suspended: boolean;
            online: boolean;
            /** Format: date-time */
            createdAt: string;
            /** @description Sessions whose token still works. */
            sessions: number;
            /**
             * Format: date-time
             * @description The last request made with any of them, to the minute.
             */
            lastActiveAt?: string;
        };
        AdminUserList: {
            users: components["schemas"]["AdminUser"][];
        };
        NewAccount: {
            name: components["schemas"]["Name"];
            password: components["schemas"]["Password"];
        };
        CreatedUser: {
            name: components["schemas"]["Name"];
        };
        Suspension: {
            suspended: boolean;
        };
        AuditEntry: {
            /** Format: date-time */
            at: string;
            actor: components["schemas"]["Name"];
            /**
             * @example suspend
             * @example restore
             * @example delete_message
             * @example remove_member
             * @example end_group
             * @example create_user
             * @example create_invite
             * @example delete_invite
             * @example grant_admin
             * @example revoke_admin
             */
            action: string;
            target: string;
            detail?: string;
        };
        AuditList: {
            entries: components["schemas"]["AuditEntry"][];
        };
        /**
         * @description The stable machine-readable error code. `invalid_payload` (a body that is no readable JSON object) and `no_text` (nothing in it to show), `invalid_token` (a wrong secret in a hook's URL) and `no_service` (no such hook) use the words Slack answers incoming webhooks with. `bot_account`: a bot's name was given to `POST /sessions`; a bot signs in with its token only.
         * @enum {string}
         */
        ErrorCode: "invalid_request" | "invalid_payload" | "no_text" | "unsupported_media_type" | "payload_too_large" | "unauthorized" | "bad_credentials" | "bot_account" | "registration_closed" | "invite_invalid" | "invite_used" | "invite_expired" | "account_suspended" | "not_admin" | "not_accepted" | "invalid_token" | "no_service" | "forbidden" | "not_member" | "not_found" | "name_taken" | "queue_full" | "unknown_member" | "too_many_members" | "too_many_groups" | "too_many_bots" | "too_many_hooks" | "too_many_subscriptions" | "too_many_reactions" | "edit_window_passed" | "bad_destination" | "rate_limited" | "too_many_streams" | "unavailable" | "internal";
        /** @description An RFC 9457 problem document. */
        Problem: {
            /**
             * Format: uri-reference
             * @example urn:parley:problem:invalid_request
             */
            type: string;
            title: string;
            status: number;
            detail: string;
            code: components["schemas"]["ErrorCode"];
            /** @description The request field that failed, as a dotted path (`body.text`, `header.last-event-id`). */
            field?: string;
            instance?: string;
        };
    };
    responses: {
        /** @description The request is malformed; `field` names what failed. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No token, or a token that is unknown, revoked or expired. */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The password does not match the account. */
        BadCredentials: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description `unauthorized`: no token, or one that is unknown, revoked or expired. `bad_credentials`: the password
         *     given in the body is not the account's (`field` names it).
         */
        UnauthorizedOrBadCredentials: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description Not yours (another user's stream), not a member of the group, or a cookie-authenticated request from
         *     another site.
         */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description Not yours to change: `forbidden` (another user's message, or a group change only its owner may make),
         *     `not_member` (not a member of the group), `edit_window_passed` (the message is older than
         *     `--edit-window-ms`; it can still be deleted), or a cookie-authenticated request from another site.
         */
        NotYours: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No such user, group or retained message (or, for `DELETE /sessions/{id}`, no session of the caller with that id). */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The name is taken, or a recipient's pending queue is full. */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request body is larger than the configured limit. */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The body is not of the content type the endpoint reads. */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description A group member is not a registered user, the group is larger than 32 users, the creator has
         *     created as many groups as allowed (`too_many_groups`), or a message has as many different emoji
         *     reactions as it may (`too_many_reactions`).
         */
        Unprocessable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description Try again after `Retry-After`. The store is unreachable (`--store redis` while the Redis that keeps
         *     the data and counts the limits is away: no 202 is ever given for a write Redis has not accepted), the
         *     replicas `--redis-wait-replicas` asks for did not confirm a write in time (it may then have been
         *     stored: retry with the same `Idempotency-Key`), the server is shutting down, or (streams) it has as
         *     many open streams as it takes.
         */
        Unavailable: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description A limit was reached: `rate_limited` (too many failed logins from this address or on this account, or
         *     too many messages, broadcasts or group creations by this user) or `too_many_streams` (this user has
         *     as many streams open as allowed). `Retry-After` says when to try again.
         */
        TooManyRequests: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description A state-changing request authenticated by the session cookie alone came from another site (its
         *     `Sec-Fetch-Site` or `Origin` is not this server). Send `Authorization: Bearer <token>` instead.
         */
        CrossSite: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        /**
         * @description Makes a send safe to retry: a retry with the same key by the same user, within 24 hours of the first,
         *     stores nothing and answers as the first send did (202 with the same id), whatever its body says (the
         *     first send's message stands). Keys of different users never meet. Use a fresh random value (a UUID)
         *     per message, and send it again only when retrying that message: after a 503, a timeout or a cut
         *     connection the first send may have been stored. With `POST /commands` it applies to the sends
         *     (`user: text`, `group: text`, `broad: text`) and is ignored by the other commands. 1 to 200
         *     printable ASCII characters, else 400 naming `header.idempotency-key`.
         * @example 3f1c9a4e-8b7d-4c2a-9e51-0d6f2b7a8c13
         */
        IdempotencyKey: string;
        UserName: components["schemas"]["Name"];
    };
    requestBodies: never;
    headers: {
        /** @description `parley_session=<token>; Path=/; HttpOnly; SameSite=Strict` (and `Secure` over HTTPS) */
        SessionCookie: string;
        /** @description Seconds to wait before trying again. */
        RetryAfter: number;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The server is serving. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            503: components["responses"]["Unavailable"];
        };
    };
    listSessions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller's sessions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    createSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Credentials"];
            };
        };
        responses: {
            /** @description Logged in to an existing account. */
            200: {
                headers: {
                    "Set-Cookie": components["headers"]["SessionCookie"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Session"];
                };
            };
            /** @description A new account was registered and logged in. */
            201: {
                headers: {
                    "Set-Cookie": components["headers"]["SessionCookie"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Session"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["BadCredentials"];
            /**
             * @description `registration_closed` (sign-up is closed: admins and the operator make accounts), `invite_invalid`
             *     (sign-up is by invite, and no invite has this code, or none was given), `account_suspended` (the
             *     password is right, and an admin suspended the account), `bot_account` (a bot's name), or a
             *     cookie-authenticated request from another site.
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            409: components["responses"]["Conflict"];
            /** @description The invite was used as many times as it allows (`invite_used`) or has expired (`invite_expired`). */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    getSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Whether the request carries a working session, and whose. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CurrentSession"];
                };
            };
            503: components["responses"]["Unavailable"];
        };
    };
    deleteSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Logged out. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["CrossSite"];
            503: components["responses"]["Unavailable"];
        };
    };
    revokeSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A session id from `GET /sessions`. */
                id: components["schemas"]["SessionId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["CrossSite"];
            /** @description No session of the caller has this id. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["Unavailable"];
        };
    };
    changePassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasswordChange"];
            };
        };
        responses: {
            /** @description Changed; the other sessions are signed out. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["UnauthorizedOrBadCredentials"];
            403: components["responses"]["CrossSite"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteAccount: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AccountDeletion"];
            };
        };
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["UnauthorizedOrBadCredentials"];
            403: components["responses"]["CrossSite"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    listUsers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The users. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserList"];
                    "text/plain": string;
                };
            };
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    streamMessages: {
        parameters: {
            query?: {
                /** @description The same as the `Last-Event-ID` header, for clients that cannot set headers. */
                lastEventId?: components["schemas"]["MessageId"];
                /** @description `true`: the stream also carries `presence` events. Default `false`. */
                presence?: "true" | "false";
                /** @description `true`: the stream also carries `sent` events, the user's own messages sent from any device. Default `false`. */
                sent?: "true" | "false";
            };
            header?: {
                /** @description The id of the last message the client received. */
                "Last-Event-ID"?: components["schemas"]["MessageId"];
            };
            path: {
                name: components["parameters"]["UserName"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An endless `text/event-stream`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    listMessages: {
        parameters: {
            query: {
                /** @description A user, a group the caller belongs to, or `broad` for the broadcasts. */
                with: components["schemas"]["Name"];
                /** @description Only messages with an id below this one (the first id of the page already shown). */
                before?: components["schemas"]["MessageId"];
                /** @description At most this many messages (default 50). */
                limit?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Up to `limit` messages, oldest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["History"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    sendMessage: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Makes a send safe to retry: a retry with the same key by the same user, within 24 hours of the first,
                 *     stores nothing and answers as the first send did (202 with the same id), whatever its body says (the
                 *     first send's message stands). Keys of different users never meet. Use a fresh random value (a UUID)
                 *     per message, and send it again only when retrying that message: after a 503, a timeout or a cut
                 *     connection the first send may have been stored. With `POST /commands` it applies to the sends
                 *     (`user: text`, `group: text`, `broad: text`) and is ignored by the other commands. 1 to 200
                 *     printable ASCII characters, else 400 naming `header.idempotency-key`.
                 * @example 3f1c9a4e-8b7d-4c2a-9e51-0d6f2b7a8c13
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SendMessage"];
            };
        };
        responses: {
            /** @description Accepted and queued for every recipient. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteMessage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The message's id. */
                id: components["schemas"]["MessageId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["NotYours"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    editMessage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The message's id. */
                id: components["schemas"]["MessageId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EditMessage"];
            };
        };
        responses: {
            /** @description The message as the sender sees it now. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Msgform"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["NotYours"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            503: components["responses"]["Unavailable"];
        };
    };
    addReaction: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The message's id. */
                id: components["schemas"]["MessageId"];
                /** @description One emoji, URL-encoded (`%F0%9F%91%8D` for 👍). */
                emoji: components["schemas"]["Emoji"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller reacts with this emoji now. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    removeReaction: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The message's id. */
                id: components["schemas"]["MessageId"];
                /** @description One emoji, URL-encoded (`%F0%9F%91%8D` for 👍). */
                emoji: components["schemas"]["Emoji"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller does not react with this emoji now. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    broadcast: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Makes a send safe to retry: a retry with the same key by the same user, within 24 hours of the first,
                 *     stores nothing and answers as the first send did (202 with the same id), whatever its body says (the
                 *     first send's message stands). Keys of different users never meet. Use a fresh random value (a UUID)
                 *     per message, and send it again only when retrying that message: after a 503, a timeout or a cut
                 *     connection the first send may have been stored. With `POST /commands` it applies to the sends
                 *     (`user: text`, `group: text`, `broad: text`) and is ignored by the other commands. 1 to 200
                 *     printable ASCII characters, else 400 naming `header.idempotency-key`.
                 * @example 3f1c9a4e-8b7d-4c2a-9e51-0d6f2b7a8c13
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BroadcastRequest"];
            };
        };
        responses: {
            /** @description Accepted and stored for every registered user but the sender. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BroadcastAccepted"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["CrossSite"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    searchMessages: {
        parameters: {
            query: {
                /**
                 * @description Words and "quoted phrases", all of which a text must contain: 1 to 200 characters, not only white
                 *     space, at most 8 words or phrases (400 naming `query.q` otherwise).
                 */
                q: string;
                /** @description Only this conversation - a user, a group the caller reads, or `broad` (403, 404 as for history). */
                with?: components["schemas"]["Name"];
                /** @description Only messages from this user. */
                from?: components["schemas"]["Name"];
                /**
                 * @description Only messages sent before this time.
                 * @example 2026-11-24T00:00:00Z
                 */
                before?: string;
                /**
                 * @description Only messages sent at or after this time (earlier than `before`, 400 otherwise).
                 * @example 2026-11-01T00:00:00Z
                 */
                after?: string;
                /** @description The `cursor` of the page before, to go on from where it stopped (400 for one not given out). */
                cursor?: string;
                /** @description At most this many hits (1 to 50, default 20). */
                limit?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Up to `limit` hits, newest first, and a cursor while there may be more. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SearchResults"];
                };
            };
            /** @description A parameter is malformed; `field` names it (`query.q`, `query.before`, `query.cursor`, ...). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    listGroups: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller's groups, sorted by name, each with its owner. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    createGroup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateGroup"];
            };
        };
        responses: {
            /** @description The group was created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Group"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["CrossSite"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    showGroup: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: components["schemas"]["Name"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The group. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupDetail"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    ensureGroup: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: components["schemas"]["Name"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddMembers"];
            };
        };
        responses: {
            /** @description The group was there already; it is shown as it is now. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupDetail"];
                };
            };
            /** @description The group was made. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupDetail"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["NotYours"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    addMembers: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: components["schemas"]["Name"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddMembers"];
            };
        };
        responses: {
            /** @description The group afterwards. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupDetail"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["NotYours"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    removeMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: components["schemas"]["Name"];
                user: components["schemas"]["Name"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["NotYours"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    listConversations: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller's conversations. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    markRead: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A user, a group the caller belongs to, or `broad`. */
                with: components["schemas"]["Name"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReadMark"];
            };
        };
        responses: {
            /** @description Recorded. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            503: components["responses"]["Unavailable"];
        };
    };
    setNotificationLevel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A user, a group the caller belongs to, or `broad`. */
                with: components["schemas"]["Name"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "level": "mentions"
                 *     }
                 */
                "application/json": components["schemas"]["NotificationSetting"];
            };
        };
        responses: {
            /** @description Recorded. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationsEvent"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            503: components["responses"]["Unavailable"];
        };
    };
    runCommand: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Makes a send safe to retry: a retry with the same key by the same user, within 24 hours of the first,
                 *     stores nothing and answers as the first send did (202 with the same id), whatever its body says (the
                 *     first send's message stands). Keys of different users never meet. Use a fresh random value (a UUID)
                 *     per message, and send it again only when retrying that message: after a 503, a timeout or a cut
                 *     connection the first send may have been stored. With `POST /commands` it applies to the sends
                 *     (`user: text`, `group: text`, `broad: text`) and is ignored by the other commands. 1 to 200
                 *     printable ASCII characters, else 400 naming `header.idempotency-key`.
                 * @example 3f1c9a4e-8b7d-4c2a-9e51-0d6f2b7a8c13
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "text/plain": string;
            };
        };
        responses: {
            /** @description `get_users`: the users, as `GET /users` answers; `add_grp`, `rm_grp`, `leave`: the group afterwards; `notify`: the level set; `quiet`: the quiet time set. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserList"] | components["schemas"]["GroupDetail"] | components["schemas"]["NotificationsEvent"] | components["schemas"]["QuietTime"];
                    "text/plain": string;
                };
            };
            /** @description `mk_grp`: the group was created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Group"];
                };
            };
            /** @description A direct, group or broadcast message was accepted. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"] | components["schemas"]["BroadcastAccepted"];
                };
            };
            /** @description `exit`: logged out; `+42 👍`, `-42 👍`, `block:`, `unblock:`, `suspend:`, `restore:`: done. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    listBots: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller's bots, sorted by name (without their webhooks' state; see `GET /bots/{name}`). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BotList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    createBot: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "deploybot"
                 *     }
                 */
                "application/json": components["schemas"]["CreateBot"];
            };
        };
        responses: {
            /** @description The bot, with its token. */
            201: {
                headers: {
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "name": "deploybot",
                     *       "owner": "alice",
                     *       "createdAt": "2026-12-06T10:00:00.000Z",
                     *       "token": "k2V9xQ..."
                     *     }
                     */
                    "application/json": components["schemas"]["NewBot"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    showBot: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: components["parameters"]["UserName"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The bot. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "name": "deploybot",
                     *       "owner": "alice",
                     *       "createdAt": "2026-12-06T10:00:00.000Z",
                     *       "webhook": {
                     *         "url": "https://bots.example.com/parley",
                     *         "setAt": "2026-12-06T10:01:00.000Z",
                     *         "position": "1796000000000000",
                     *         "waiting": 0,
                     *         "failures": 0,
                     *         "lastSuccessAt": "2026-12-06T10:05:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["Bot"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteBot: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: components["parameters"]["UserName"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["CrossSite"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    rotateBotToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: components["parameters"]["UserName"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The new token, shown this once. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BotToken"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["CrossSite"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    setBotWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: components["parameters"]["UserName"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "url": "https://bots.example.com/parley"
                 *     }
                 */
                "application/json": components["schemas"]["SetWebhook"];
            };
        };
        responses: {
            /** @description The webhook is set; its secret is shown this once. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookSecret"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["CrossSite"];
            404: components["responses"]["NotFound"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteBotWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: components["parameters"]["UserName"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["CrossSite"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    listHooks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The hooks. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HookList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    createHook: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "to": "ops",
                 *       "name": "alertmanager"
                 *     }
                 */
                "application/json": components["schemas"]["CreateHook"];
            };
        };
        responses: {
            /** @description The hook, with its URL. */
            201: {
                headers: {
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "3q2kTnB0aXhpYmFy",
                     *       "to": "ops",
                     *       "name": "alertmanager",
                     *       "createdAt": "2026-12-06T10:00:00.000Z",
                     *       "failures": 0,
                     *       "url": "http://127.0.0.1:8080/hooks/3q2kTnB0aXhpYmFy/Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0"
                     *     }
                     */
                    "application/json": components["schemas"]["NewHook"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteHook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["schemas"]["HookId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["CrossSite"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    postToHook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["schemas"]["HookId"];
                secret: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "text": "Deploy of *api* finished: <https://ci.example.com/42|build 42>",
                 *       "username": "CI"
                 *     }
                 */
                "application/json": components["schemas"]["SlackPayload"];
                "application/x-www-form-urlencoded": {
                    /** @description The JSON payload. */
                    payload: string;
                };
            };
        };
        responses: {
            /** @description Posted. The body is exactly `ok`, as Slack answers. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": "ok";
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["Unavailable"];
        };
    };
    listInvites: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The invites, oldest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InviteList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            503: components["responses"]["Unavailable"];
        };
    };
    createInvite: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "uses": 5,
                 *       "expiresInMs": 604800000,
                 *       "note": "the design team"
                 *     }
                 */
                "application/json": components["schemas"]["CreateInvite"];
            };
        };
        responses: {
            /** @description The invite. */
            201: {
                headers: {
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Invite"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            415: components["responses"]["UnsupportedMediaType"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteInvite: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                code: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    listBlocks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Sorted by name. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BlockList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    blockUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: components["parameters"]["UserName"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Blocked. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    unblockUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: components["parameters"]["UserName"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Unblocked (or was not blocked). */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    getQuietTime: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The quiet time (`until` null when not quiet). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QuietTime"];
                };
            };
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    setQuietTime: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "until": "2026-12-07T07:00:00.000Z"
                 *     }
                 */
                "application/json": components["schemas"]["QuietTime"];
            };
        };
        responses: {
            /** @description Recorded. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QuietTime"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            503: components["responses"]["Unavailable"];
        };
    };
    getPushKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The key. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PushKey"];
                };
            };
            503: components["responses"]["Unavailable"];
        };
    };
    listPushSubscriptions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Oldest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PushSubscriptionList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    subscribePush: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PushSubscriptionRequest"];
            };
        };
        responses: {
            /** @description This endpoint was subscribed already; its keys and session are now these. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PushSubscription"];
                };
            };
            /** @description Subscribed. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PushSubscription"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    deletePushSubscription: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    adminListUsers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Sorted by name. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AdminUserList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            503: components["responses"]["Unavailable"];
        };
    };
    adminCreateUser: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "grace",
                 *       "password": "a-long-first-password"
                 *     }
                 */
                "application/json": components["schemas"]["NewAccount"];
            };
        };
        responses: {
            /** @description Made. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedUser"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            415: components["responses"]["UnsupportedMediaType"];
            503: components["responses"]["Unavailable"];
        };
    };
    adminSuspendUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: components["parameters"]["UserName"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Suspension"];
            };
        };
        responses: {
            /** @description Done. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            415: components["responses"]["UnsupportedMediaType"];
            503: components["responses"]["Unavailable"];
        };
    };
    adminDeleteMessage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["schemas"]["MessageId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    adminEndGroup: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: components["schemas"]["Name"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ended. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    adminRemoveMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: components["schemas"]["Name"];
                user: components["schemas"]["Name"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    adminAudit: {
        parameters: {
            query?: {
                limit?: number;
                /** @description Only entries before this instant (to page back). */
                before?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The entries. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            503: components["responses"]["Unavailable"];
        };
    };
}
