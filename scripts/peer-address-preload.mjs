// Loaded into the web's Node process (`node --import ./scripts/peer-address-preload.mjs …next start`).
// Next 15 shows neither middleware nor route handlers the TCP peer's address (`NextRequest.ip`
// is gone), and `next start` fills `X-Forwarded-For` with it only when the client sent none
// (`??=` in base-server), so a client chooses the address the sign-in throttle would see.
// Node publishes every request on this channel before any 'request' listener runs, so the
// header below always holds the socket's address, whatever the client sent under that name.
import { subscribe } from 'node:diagnostics_channel';

const PEER_HEADER = 'x-lattice-peer-address';

subscribe('http.server.request.start', ({ request, socket }) => {
  const address = socket.remoteAddress ?? '';
  request.headers[PEER_HEADER] = address;
  const raw = request.rawHeaders;
  for (let i = raw.length - 2; i >= 0; i -= 2) if (raw[i].toLowerCase() === PEER_HEADER) raw.splice(i, 2);
  raw.push(PEER_HEADER, address);
});
