import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One post as the receiver saw it: verified with the Standard Webhooks reference library, or not. */
export interface ReceivedPost {
  readonly id: string;
  readonly type: string;
  readonly data: any;
  readonly verified: boolean;
  readonly headers: IncomingHttpHeaders;
}

export type Answer = { status: number; body?: string; contentType?: string };

/**
 * A bot's receiver on a loopback port: verifies every post with `standardwebhooks` (the secret is set once the
 * webhook is), records it, and answers what `answer` says (204 by default).
 */
export class WebhookReceiver {
  readonly posts: ReceivedPost[] = [];
  secret = '';
  answer: (post: ReceivedPost) => Answer = () => ({ status: 204 });
  private server: Server | undefined;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  /** Listens (again, on the same port after `stop`). */
  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let verified = false;
        try {
          new Webhook(this.secret).verify(body, req.headers as Record<string, string>);
          verified = true;
        } catch {
          verified = false;
        }
        const event = JSON.parse(body) as { id: string; type: string; data: unknown };
        const post = { id: event.id, type: event.type, data: event.data, verified, headers: req.headers };
        this.posts.push(post);
        const answer = this.answer(post);
        res.writeHead(answer.status, answer.contentType ? { 'content-type': answer.contentType } : {});
        res.end(answer.body);
      });
    });
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening: posts are refused (ECONNREFUSED) until `start`. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  /** The message posts, first receipt of each id, in the order received. */
  messageTexts(): string[] {
    const seen = new Set<string>();
    const texts: string[] = [];
    for (const post of this.posts) {
      if (post.type !== 'message' || seen.has(post.id)) continue;
      seen.add(post.id);
      texts.push(post.data.text as string);
    }
    return texts;
  }

  /** Waits until `done` holds of the posts (bounded by the test's timeout). */
  async until(done: (posts: readonly ReceivedPost[]) => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.posts)) {
      if (Date.now() > deadline) throw new Error(`webhook receiver: condition not met; got ${this.posts.length} posts`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
