import http from 'node:http';
import https from 'node:https';
import type { WebhookCall, WebhookOutcome, WebhookSender } from '../core/ports/index.js';
import { checkDestination, checkedLookup, type DestinationOptions } from './destination.js';
import { newWebhookSecret, signWebhook } from './sign-webhook.js';

export interface SenderOptions extends DestinationOptions {
  /** How long one attempt may take, connection to last byte of the answer (ms). */
  readonly timeoutMs: number;
  /** The User-Agent of every post. */
  readonly userAgent: string;
}

/** Longest answer read for a reply; a longer one is cut (a bot's reply is a chat message, not a download). */
const maxReplyBytes = 64 * 1024;

/** Posts events to bots' URLs over node:http(s): signed, one attempt each, redirects not followed. */
export class HttpWebhookSender implements WebhookSender {
  private readonly lookup;
  // Kept-alive connections: a bot's events go one after another to the same receiver.
  private readonly agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

  constructor(private readonly options: SenderOptions) {
    this.lookup = checkedLookup(options);
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  async check(url: string): Promise<string> {
    return (await checkDestination(url, this.options)).href;
  }

  newSecret(): string {
    return newWebhookSecret();
  }

  async post(call: WebhookCall): Promise<WebhookOutcome> {
    let url: URL;
    try {
      // Again at every attempt: a literal address never reaches `lookup`, and the rules may have changed.
      url = await checkDestination(call.url, this.options);
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
    const headers = signWebhook(call.secret, {
      id: call.id,
      timestampSeconds: Math.floor(Date.now() / 1000),
      body: call.body,
    });
    return new Promise((resolve) => {
      const secure = url.protocol === 'https:';
      const request = (secure ? https : http).request(url, {
        method: 'POST',
        agent: secure ? this.agents.https : this.agents.http,
        lookup: this.lookup,
        timeout: this.options.timeoutMs,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(call.body),
          'user-agent': this.options.userAgent,
        },
      });
      const deadline = setTimeout(
        () => request.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`)),
        this.options.timeoutMs,
      );
      const finish = (outcome: WebhookOutcome) => {
        clearTimeout(deadline);
        resolve(outcome);
      };
      request.on('timeout', () => request.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`)));
      request.on('error', (err) => finish({ ok: false, error: err.message }));
      request.on('response', (response) => {
        const status = response.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < maxReplyBytes) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('error', (err) => finish({ ok: false, error: err.message }));
        response.on('end', () => {
          if (status < 200 || status > 299) {
            const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
            finish({ ok: false, error: `answered ${status}${redirect}` });
            return;
          }
          const reply = replyOf(response.headers['content-type'], Buffer.concat(chunks).subarray(0, maxReplyBytes));
          finish(reply === undefined ? { ok: true, status } : { ok: true, status, reply });
        });
      });
      request.end(call.body);
    });
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
