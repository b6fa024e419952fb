/** One attempt at posting one event to a bot's webhook. */
export interface WebhookCall {
  readonly url: string;
  readonly secret: string;
  /** The event's id: the same on every attempt, so that a receiver drops a duplicate. */
  readonly id: string;
  /** The request body, as signed and sent. */
  readonly body: string;
}

/** What came of an attempt. */
export type WebhookOutcome =
  /** A 2xx; `reply` is the text of a `{"text": ...}` or text/plain body, when there was one. */
  | { readonly ok: true; readonly status: number; readonly reply?: string }
  /** Anything else: a status out of 2xx (or a redirect, never followed), a timeout, a refused connection. */
  | { readonly ok: false; readonly error: string };

/** How the core reaches bots' URLs; the network, the signing and the checks of where to are the adapter's. */
export interface WebhookSender {
  /** Resolves with the URL when webhooks may go there; throws a `bad_destination` ChatError saying why not. */
  check(url: string): Promise<string>;
  /** A new signing secret (`whsec_…`). */
  newSecret(): string;
  /** Posts once, checking the destination again (a name may resolve elsewhere now); never throws. */
  post(call: WebhookCall): Promise<WebhookOutcome>;
}
