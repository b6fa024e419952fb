import type { WebhookCall, WebhookOutcome, WebhookSender } from '../core/ports/index.js';
import { GuardedClient, type GuardedClientOptions } from './guarded-client.js';
import { newWebhookSecret, signWebhook } from './sign-webhook.js';

export interface SenderOptions extends GuardedClientOptions {
  /** The User-Agent of every post. */
  readonly userAgent: string;
}

/** Longest answer read for a reply; a longer one is cut (a bot's reply is a chat message, not a download). */
const maxReplyBytes = 64 * 1024;

/** Posts events to bots' URLs: signed, one attempt each, redirects not followed. */
export class HttpWebhookSender implements WebhookSender {
  private readonly client: GuardedClient;

  constructor(private readonly options: SenderOptions) {
    this.client = new GuardedClient(options);
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.client.close();
  }

  async check(url: string): Promise<string> {
    return (await this.client.check(url)).href;
  }

  newSecret(): string {
    return newWebhookSecret();
  }

  async post(call: WebhookCall): Promise<WebhookOutcome> {
    const headers = signWebhook(call.secret, {
      id: call.id,
      timestampSeconds: Math.floor(Date.now() / 1000),
      body: call.body,
    });
    const exchange = await this.client.send(call.url, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(call.body),
        'user-agent': this.options.userAgent,
      },
      body: call.body,
      keepBytes: maxReplyBytes,
    });
    if (!exchange.answered) return { ok: false, error: exchange.error };
    const { status } = exchange;
    if (status < 200 || status > 299) {
      const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
      return { ok: false, error: `answered ${status}${redirect}` };
    }
    const reply = replyOf(exchange.headers['content-type'], exchange.body);
    return reply === undefined ? { ok: true, status } : { ok: true, status, reply };
  }
}

/** The text of a `{"text": "..."}` answer or a text/plain one; nothing for any other. */
function replyOf(contentType: string | undefined, body: Buffer): string | undefined {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  const text = body.toString('utf8');
  if (mediaType === 'text/plain') return text.trim() === '' ? undefined : text;
  if (mediaType !== 'application/json') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    const reply = (value as { text?: unknown } | null)?.text;
    return typeof reply === 'string' && reply.trim() !== '' ? reply : undefined;
  } catch {
    return undefined;
  }
}
