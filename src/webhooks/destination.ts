import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ChatError } from '../core/errors.js';
import { notPublicBecause } from './public-address.js';

/**
 * Where a bot's webhooks and a device's pushes may go. A URL a user gives must not turn the server into a way into
 * its own network (SSRF): the server's loopback, its private network, a cloud's metadata service.
 *
 * A check when the URL is saved is not enough: a name can resolve to a public address then and to 127.0.0.1
 * when the request is made (DNS rebinding, or an owner who changes the record). So delivery checks again at
 * connection time, on the addresses it actually connects to:
 * - `checkDestination` before each attempt, which also covers a URL naming an address, since Node connects to a
 *   literal address without calling any lookup;
 * - `checkedLookup` as the `lookup` option of `http.request` / `https.request` (or undici's `connect`), so the
 *   socket opens only to an address just checked, never to one resolved again afterwards.
 * Delivery must not follow redirects: a 30x to another host would skip both checks.
 */

/** Every address (A and AAAA) a name resolves to. */
export type ResolveAll = (hostname: string) => Promise<readonly LookupAddress[]>;

export interface DestinationOptions {
  /**
   * Accept loopback, private and other non-public addresses: for a server whose bots run beside it on a
   * trusted network. Schemes and credentials are checked all the same. No default here: the caller passes the
   * configured value, so that forgetting it cannot open the private network.
   */
  readonly allowPrivate: boolean;
  /** Resolves names; node:dns/promises `lookup` with `all: true` (what the system resolver says) by default. */
  readonly lookup?: ResolveAll;
  /** What the destination is; a webhook URL by default. */
  readonly kind?: DestinationKind;
}

/** What a refusal calls a destination, and what it must be beyond a public address. */
export interface DestinationKind {
  /** Its name in a refusal: `the webhook URL`. */
  readonly name: string;
  /** What goes there, plural: `webhooks`. */
  readonly goes: string;
  /** The request field a refusal names (`body.endpoint`), when the destination comes from one. */
  readonly field?: string;
  /** Refuse `http:` unless `allowPrivate`. */
  readonly httpsOnly: boolean;
}

/** A bot's URL: http is allowed, since the signature, not the channel, tells the bot the post is ours. */
export const webhookUrl: DestinationKind = { name: 'the webhook URL', goes: 'webhooks', httpsOnly: false };

const systemResolver: ResolveAll = (hostname) => dnsLookup(hostname, { all: true });

function refused(kind: DestinationKind, detail: string): ChatError {
  return new ChatError('bad_destination', `${kind.name} ${detail}`, kind.field);
}

function publicOnly(kind: DestinationKind): string {
  return `; ${kind.goes} go to public addresses only`;
}

/**
 * The URL, parsed, when what `options.kind` says may be sent to it; otherwise throws a `bad_destination`
 * ChatError naming the reason. Unless `allowPrivate`, a name must resolve, and every address it resolves to must
 * be public: one private answer among public ones is enough to refuse, since the connection may pick any of them.
 */
export async function checkDestination(text: string, options: DestinationOptions): Promise<URL> {
  const kind = options.kind ?? webhookUrl;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refused(kind, 'is not an absolute URL');
  }
  const schemes = kind.httpsOnly && !options.allowPrivate ? ['https:'] : ['http:', 'https:'];
  if (!schemes.includes(url.protocol)) throw refused(kind, `must use ${schemes.join(' or ')}, not ${url.protocol}`);
  // They would be sent as Basic credentials to whoever the host is; a receiver knows us by our signature instead.
  if (url.username !== '' || url.password !== '') throw refused(kind, 'must not carry a user name or password');
  if (options.allowPrivate) return url;
  // WHATWG URL has already rewritten numeric tricks (2130706433, 0x7f000001, 127.1, 0177.0.0.1) to dotted
  // decimal and IPv6 to its canonical form in brackets, so a literal is recognised here in one of two shapes.
  const literal = addressLiteral(url.hostname);
  if (literal !== undefined) {
    const why = notPublicBecause(literal);
    if (why !== undefined) throw refused(kind, `names ${literal}, ${why}${publicOnly(kind)}`);
    return url;
  }
  const addresses = await resolveForCheck(kind, url.hostname, options.lookup ?? systemResolver);
  refuseNotPublic(kind, url.hostname, addresses);
  return url;
}

/**
 * A `lookup` for `http.request`, `https.request` or `net.connect` that resolves with `options.lookup` (the system
 * resolver by default) and, unless `allowPrivate`, fails the connection with a `bad_destination` ChatError when
 * any address is not public. A failure to resolve stays the resolver's error (ENOTFOUND, EAI_AGAIN), for delivery
 * to retry like any network failure. Node calls it only for names, never for a literal address.
 */
export function checkedLookup(options: DestinationOptions): LookupFunction {
  const resolve = options.lookup ?? systemResolver;
  return (hostname, lookupOptions, callback) => {
    const family = familyNumber(lookupOptions.family);
    // Checks and answer in two steps, so that a throw from the callback itself cannot make it be called twice.
    resolve(hostname)
      .then((addresses) => {
        if (!options.allowPrivate) refuseNotPublic(options.kind ?? webhookUrl, hostname, addresses);
        const usable = addresses.filter((a) => family === 0 || a.family === family);
        if (usable.length === 0) throw notFound(hostname);
        return usable;
      })
      .then(
        (usable) => {
          const first = usable[0]!;
          if (lookupOptions.all) callback(null, usable);
          else callback(null, first.address, first.family);
        },
        (err: Error) => callback(err, '', 0),
      );
  };
}

/** Refused unless every address of `hostname` is public, naming the first that is not. */
function refuseNotPublic(kind: DestinationKind, hostname: string, addresses: readonly LookupAddress[]): void {
  for (const { address } of addresses) {
    const why = notPublicBecause(address);
    if (why !== undefined) throw refused(kind, `host ${hostname} resolves to ${address}, ${why}${publicOnly(kind)}`);
  }
}

/** The addresses of a name the URL gives, or a refusal: a name that does not resolve cannot be a destination. */
async function resolveForCheck(
  kind: DestinationKind,
  hostname: string,
  resolve: ResolveAll,
): Promise<readonly LookupAddress[]> {
  let addresses: readonly LookupAddress[];
  try {
    addresses = await resolve(hostname);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw refused(kind, `host ${hostname} does not resolve${code === undefined ? '' : ` (${code})`}`);
  }
  if (addresses.length === 0) throw refused(kind, `host ${hostname} resolves to no address`);
  return addresses;
}

/** What node:dns reports for a name without an address of the family asked for. */
function notFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
}

/** The address a URL's hostname names, or undefined for a name. */
function addressLiteral(hostname: string): string | undefined {
  if (hostname.startsWith('[') && hostname.endsWith(']')) return hostname.slice(1, -1);
  return ipaddr.IPv4.isValidFourPartDecimal(hostname) ? hostname : undefined;
}

function familyNumber(family: number | 'IPv4' | 'IPv6' | undefined): number {
  if (family === 'IPv4') return 4;
  if (family === 'IPv6') return 6;
  return family ?? 0;
}
