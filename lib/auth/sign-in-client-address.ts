import { BlockList, isIP } from 'node:net';

/** Set on every request by scripts/peer-address-preload.mjs from the TCP socket, never by a client. */
export const PEER_ADDRESS_HEADER = 'x-lattice-peer-address';

/**
 * Parses `LATTICE_TRUSTED_PROXIES` (comma-separated addresses or CIDR ranges, IPv4 or IPv6).
 * Throws on an entry that is neither, naming it, so a typo fails at the first sign-in attempt
 * rather than silently trusting nobody.
 */
export function trustedProxyList(setting: string): BlockList {
  const list = new BlockList();
  for (const entry of setting.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [address, prefix] = entry.split('/');
    const family = isIP(address ?? '');
    const bits = prefix === undefined ? undefined : Number(prefix);
    const maxBits = family === 6 ? 128 : 32;
    if (!family || (bits !== undefined && !(Number.isInteger(bits) && bits >= 0 && bits <= maxBits))) {
      throw new Error(`LATTICE_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range`);
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address!, type);
    else list.addSubnet(address!, bits, type);
  }
  return list;
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is 10.0.0.1. */
function normalized(address: string): string {
  const trimmed = address.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  return mapped ? mapped[1]! : trimmed;
}

function isTrusted(proxies: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && proxies.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The address a sign-in attempt is counted against. It is the TCP peer; only when the peer is a
 * configured proxy does `X-Forwarded-For` count, read from the right (the hops our proxies
 * appended) to the first address that is not one of them — entries left of that one are
 * whatever the client wrote. Without the peer header (the web started without the preload) all
 * attempts share one bucket, `unknown`, which fails safe: slower, never bypassable.
 */
export function signInClientAddress(headers: Record<string, unknown> | undefined, proxies: BlockList): string {
  const peerHeader = headers?.[PEER_ADDRESS_HEADER];
  const peer = typeof peerHeader === 'string' ? normalized(peerHeader) : '';
  if (!isIP(peer)) return 'unknown';
  if (!isTrusted(proxies, peer)) return peer;
  const forwarded = headers?.['x-forwarded-for'];
  const hops = typeof forwarded === 'string' ? forwarded.split(',').map(normalized) : [];
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!isIP(hop)) return peer;
    if (!isTrusted(proxies, hop)) return hop;
  }
  return peer;
}
