import { z } from 'zod';
import { ChatError } from '../errors.js';
import { nonEmpty, renderBlocks } from './slack-blocks.js';
import { mrkdwnToPlain } from './slack-mrkdwn.js';

/**
 * A Slack incoming-webhook payload, read the way Slack reads it: unknown fields are ignored, and an optional field
 * of the wrong type is dropped rather than refusing the whole message, since senders (Alertmanager, Grafana, CI
 * steps) are not ours to fix. https://api.slack.com/messaging/webhooks
 */
export type SlackPayload = z.output<typeof slackPayload>;
export type SlackBlock = z.output<typeof block>;
export type SlackTextObject = z.output<typeof textObject>;
export type SlackRichElement = z.output<typeof richBranch>;
export type SlackBlockElement = z.output<typeof blockElement>;

const text = z.string().optional().catch(undefined);
// A field value is meant to be a string; numbers and booleans still read as what they say.
const textual = z.union([z.string(), z.number(), z.boolean()]).transform(String).optional().catch(undefined);

/** A list whose unreadable items are skipped one by one, and which is empty when it is no list at all. */
function listOf<T extends z.ZodType>(item: T) {
  return z
    .array(z.unknown())
    .optional()
    .catch(undefined)
    .transform((items) =>
      (items ?? []).flatMap((each) => {
        const parsed = item.safeParse(each);
        return parsed.success ? [parsed.data as z.output<T>] : [];
      }),
    );
}

const textObject = z.object({ type: text, text });
// rich_text nests three deep at most: containers (sections, lists, quotes), list items, inline elements.
const richLeaf = z.object({
  type: text,
  text,
  url: text,
  user_id: text,
  channel_id: text,
  usergroup_id: text,
  range: text,
  name: text,
  fallback: text,
  alt_text: text,
  style: text,
  indent: z.number().optional().catch(undefined),
});
const richBranch = richLeaf.extend({ elements: listOf(richLeaf) });
const blockElement = richLeaf.extend({ elements: listOf(richBranch) });
const block = z.object({
  type: text,
  text: textObject.optional().catch(undefined),
  fields: listOf(textObject),
  elements: listOf(blockElement),
  alt_text: text,
});
const attachment = z.object({
  fallback: text,
  pretext: text,
  author_name: text,
  title: text,
  title_link: text,
  text,
  fields: listOf(z.object({ title: textual, value: textual })),
  footer: text,
  blocks: listOf(block),
});
const slackPayload = z.object({
  text,
  username: text,
  icon_url: text,
  icon_emoji: text,
  attachments: listOf(attachment),
  blocks: listOf(block),
});

/**
 * The payload of a Slack-style webhook request: a JSON body, or a form whose `payload` field holds the JSON (as
 * Slack, Mattermost, Rocket.Chat and Zulip accept). Throws `invalid_payload` for a body that is no JSON object and
 * `unsupported_media_type` for any other content type.
 */
export function parseSlackBody(contentType: string | undefined, raw: string): SlackPayload {
  const json = jsonOf(contentType, raw);
  let value: unknown;
  try {
    value = JSON.parse(json.replace(/^\uFEFF/, ''));
  } catch {
    throw new ChatError('invalid_payload', 'the payload is not valid JSON', 'body');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ChatError('invalid_payload', 'the payload must be a JSON object', 'body');
  const parsed = slackPayload.safeParse(value);
  if (!parsed.success) throw new ChatError('invalid_payload', 'the payload is not a Slack message', 'body');
  return parsed.data;
}

function jsonOf(contentType: string | undefined, raw: string): string {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType === 'application/json') return raw;
  if (mediaType === 'application/x-www-form-urlencoded') {
    const payload = new URLSearchParams(raw).get('payload');
    if (payload === null)
      throw new ChatError('invalid_payload', 'the form has no payload field holding the JSON', 'body.payload');
    return payload;
  }
  throw new ChatError(
    'unsupported_media_type',
    'send application/json, or application/x-www-form-urlencoded with a payload field',
    'header.content-type',
  );
}

export interface RenderedSlackMessage {
  /** Plain text, never blank, at most the given length. */
  readonly text: string;
  /** The sender's `username`, shown as the name of this one message. */
  readonly displayName?: string;
  /** The sender's `icon_url`, when it is an http(s) URL. */
  readonly iconUrl?: string;
  /** The sender's `icon_emoji` (`:ghost:`), which is no URL. */
  readonly iconEmoji?: string;
}

/**
 * One readable plain-text message for a payload: the top-level text, the blocks, then every attachment, as Slack
 * stacks them. Throws `no_text` when nothing at all renders.
 * @param maxLength longest text in UTF-16 code units, as Parley counts (4000, Parley's default limit, unless
 *   given); a longer render is cut to fit and ends in an ellipsis.
 */
export function renderSlackPayload(payload: SlackPayload, maxLength = 4_000): RenderedSlackMessage {
  const blocks = renderBlocks(payload.blocks);
  // With blocks, Slack shows only the blocks and keeps `text` for notifications: showing both would say it twice.
  const parts = [
    blocks === '' ? mrkdwnToPlain(payload.text ?? '') : blocks,
    ...payload.attachments.map(renderAttachment),
  ];
  const text = plainText(parts.filter(nonEmpty).join('\n\n'));
  if (text === '') throw new ChatError('no_text', 'the payload has no text, attachments or blocks that render', 'body');
  // By code points, so that a cut never leaves half of a surrogate pair.
  const displayName = Array.from(oneLine(payload.username ?? ''))
    .slice(0, 80)
    .join('');
  const iconUrl = httpUrl(payload.icon_url);
  const iconEmoji = payload.icon_emoji?.trim();
  return {
    text: cut(text, maxLength),
    ...(displayName === '' ? {} : { displayName }),
    ...(iconUrl === undefined ? {} : { iconUrl }),
    ...(iconEmoji !== undefined && /^:[\w+'-]+:$/.test(iconEmoji) ? { iconEmoji } : {}),
  };
}

type SlackAttachment = SlackPayload['attachments'][number];

function renderAttachment(a: SlackAttachment): string {
  const title = mrkdwnToPlain(a.title ?? '').trim();
  const link = a.title_link?.trim() ?? '';
  const lines = [
    mrkdwnToPlain(a.pretext ?? ''),
    mrkdwnToPlain(a.author_name ?? ''),
    title !== '' && link !== '' ? `${title} (${link})` : title,
    mrkdwnToPlain(a.text ?? ''),
    ...a.fields.map(({ title, value }) =>
      [title, value]
        .map((t) => mrkdwnToPlain(t ?? '').trim())
        .filter(nonEmpty)
        .join(': '),
    ),
    renderBlocks(a.blocks),
    mrkdwnToPlain(a.footer ?? ''),
  ]
    .map((line) => line.trim())
    .filter(nonEmpty);
  // The fallback is Slack's text for clients that cannot show attachments: said once, only when nothing else is.
  return lines.length > 0 ? lines.join('\n') : mrkdwnToPlain(a.fallback ?? '').trim();
}

/**
 * What Parley accepts and reads well: no control characters but tab and newline (and no lone surrogates, which
 * Parley refuses too), CRLF as LF, no trailing spaces, at most two blank lines in a row, no blank edges.
 */
function plainText(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\x00-\x08\x0B-\x1F\x7F-\x9F]|\p{Cs}/gu, '')
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n')
      .replace(/\n{4,}/g, '\n\n\n')
      .replace(/^\n+|\n+$/g, '')
  );
}

function oneLine(text: string): string {
  return plainText(text).replace(/\s+/g, ' ').trim();
}

function httpUrl(candidate: string | undefined): string | undefined {
  if (candidate === undefined) return undefined;
  try {
    const url = new URL(candidate.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Cut to maxLength with an ellipsis, never between the halves of a surrogate pair. */
function cut(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let end = Math.max(0, maxLength - 1);
  if (end > 0 && /[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
  return `${text.slice(0, end).trimEnd()}…`;
}
