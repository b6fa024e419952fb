/** A worker's word to the primary, over node:cluster's channel, once its server listens. */
export interface ListeningMessage {
  readonly type: 'parley:listening';
  /** The URL the worker serves, e.g. http://127.0.0.1:8080. */
  readonly url: string;
}

export function listeningMessage(url: string): ListeningMessage {
  return { type: 'parley:listening', url };
}

export function isListeningMessage(message: unknown): message is ListeningMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'parley:listening';
}
