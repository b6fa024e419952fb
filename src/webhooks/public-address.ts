import ipaddr from 'ipaddr.js';

/**
 * Whether an IP address is one a webhook or a push may be sent to. Public means ipaddr.js's `unicast`: what is left once
 * every special-purpose range of the IANA registries is taken out (loopback, private, link-local, CGNAT,
 * multicast, broadcast, documentation, benchmarking, ...), so a range we forget to list is refused, not allowed.
 */

/** The words for each refused range in an error detail; a range missing here is named as ipaddr.js names it. */
const rangeWords: Readonly<Record<string, string>> = {
  unspecified: 'the unspecified address',
  broadcast: 'the broadcast address',
  multicast: 'a multicast address',
  // 169.254.169.254 is where AWS, GCP and Azure serve instance credentials.
  linkLocal: 'a link-local address, where cloud metadata services answer',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT address (100.64.0.0/10)',
  private: 'a private network address',
  uniqueLocal: 'a private network address (IPv6 unique local)',
  reserved: 'a reserved or documentation address',
  benchmarking: 'a benchmarking address',
};

/** IPv6's global unicast space; anything outside it that ipaddr.js calls unicast is unassigned (::/96, ::1:2:3). */
const globalUnicast = ipaddr.parseCIDR('2000::/3');
/** NAT64's well-known prefix (RFC 6052): the connection goes to the IPv4 address in its last 32 bits. */
const nat64 = ipaddr.parseCIDR('64:ff9b::/96');

/**
 * Why `address` (an IPv4 or IPv6 address in text) is not public, as words for an error detail, or undefined
 * when it is public. Throws on text that is not an IP address.
 */
export function notPublicBecause(address: string): string | undefined {
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return rangeReason((parsed as ipaddr.IPv4).range());
  const v6 = parsed as ipaddr.IPv6;
  // A socket to ::ffff:a.b.c.d or 64:ff9b::a.b.c.d reaches a.b.c.d, so that address is the one to judge.
  const embedded = v6.isIPv4MappedAddress()
    ? v6.toIPv4Address()
    : v6.match(nat64)
      ? new ipaddr.IPv4(v6.toByteArray().slice(12))
      : undefined;
  if (embedded !== undefined) {
    const reason = rangeReason(embedded.range());
    return reason === undefined ? undefined : `${reason} (IPv4 ${embedded.toString()} inside IPv6)`;
  }
  const range = v6.range();
  if (range === 'unicast' && !v6.match(globalUnicast)) return 'an IPv6 address outside global unicast (2000::/3)';
  return rangeReason(range);
}

function rangeReason(range: string): string | undefined {
  if (range === 'unicast') return undefined;
  return rangeWords[range] ?? `a special-purpose address (${range})`;
}
