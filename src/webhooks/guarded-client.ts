import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { checkDestination, checkedLookup, type DestinationOptions } from './destination.js';

export interface GuardedClientOptions extends DestinationOptions {
  /** How long one attempt may take, connection to last byte of the answer (ms). */
  readonly timeoutMs: number;
}

/** One request to a destination a user gave. */
export interface GuardedRequest {
  readonly method: string;
  readonly headers: OutgoingHttpHeaders;
  readonly body: string | Buffer;
  /** Longest answer body kept (bytes): the rest is read, for the connection to be reused, and dropped. */
  readonly keepBytes: number;
}

/** What came back: an answer, whatever its status, or why there was none. */
export type GuardedExchange =
  | {
      readonly answered: true;
      readonly status: number;
      readonly headers: IncomingHttpHeaders;
      /** At most `keepBytes` of it. */
      readonly body: Buffer;
    }
  /** The destination was refused, the connection failed, or no whole answer came within `timeoutMs`. */
  | { readonly answered: false; readonly error: string };

/**
 * Sends requests over node:http(s) only to destinations `checkDestination` and `checkedLookup` allow (see
 * destination.ts for why both), one attempt each, redirects not followed, answers read to a bound.
 */
export class GuardedClient {
  private readonly lookup;
  // Kept-alive connections: a receiver's requests come one after another.
  private readonly agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

  constructor(private readonly options: GuardedClientOptions) {
    this.lookup = checkedLookup(options);
  }

  /** The URL when requests may go there; throws the `bad_destination` ChatError of `checkDestination` otherwise. */
  check(url: string): Promise<URL> {
    return checkDestination(url, this.options);
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** Checks the destination again, then sends; never throws. */
  async send(target: string, outgoing: GuardedRequest): Promise<GuardedExchange> {
    let url: URL;
    try {
      // Again at every attempt: a literal address never reaches `lookup`, and the rules may have changed.
      url = await this.check(target);
    } catch (err) {
      return { answered: false, error: (err as Error).message };
    }
    const { timeoutMs } = this.options;
    return new Promise((resolve) => {
      const secure = url.protocol === 'https:';
      const request = (secure ? https : http).request(url, {
        method: outgoing.method,
        agent: secure ? this.agents.https : this.agents.http,
        lookup: this.lookup,
        timeout: timeoutMs,
        headers: outgoing.headers,
      });
      // The socket's `timeout` is for silence; this one bounds the whole exchange, a trickling answer included.
      const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      const finish = (exchange: GuardedExchange) => {
        clearTimeout(deadline);
        resolve(exchange);
      };
      request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      request.on('error', (err) => finish({ answered: false, error: err.message }));
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < outgoing.keepBytes) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('error', (err) => finish({ answered: false, error: err.message }));
        response.on('end', () =>
          finish({
            answered: true,
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).subarray(0, outgoing.keepBytes),
          }),
        );
      });
      request.end(outgoing.body);
    });
  }
}
