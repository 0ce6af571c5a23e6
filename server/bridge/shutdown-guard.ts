import { z } from 'zod';
import { FORBIDDEN_MESSAGES } from '../auth/access';
import type { TMessageHeader } from '../zmq/messages';
import type { TWireMessage } from '../zmq/wire';

const ZShutdownContent = z.looseObject({ restart: z.boolean().optional() });

/**
 * What a client's `shutdown_request` asks for (null: another message). ipykernel obeys it on
 * shell as well as control, so the channel does not matter; unreadable content counts as a
 * stop, the stricter reading.
 */
export function shutdownKind(header: TMessageHeader, content: Buffer): 'stop' | 'restart' | null {
  if (header.msg_type !== 'shutdown_request') return null;
  try {
    const parsed = ZShutdownContent.safeParse(JSON.parse(content.toString('utf8')));
    return parsed.success && parsed.data.restart === true ? 'restart' : 'stop';
  } catch {
    return 'stop';
  }
}

/**
 * A `shutdown_reply` from the gateway, parented to the client's request as a kernel's would
 * be, so jupyter_client and @jupyterlab/services match it to their request.
 */
export function shutdownReply(request: { header: TMessageHeader; headerPart: Buffer }, content: object): TWireMessage {
  const header = {
    msg_id: crypto.randomUUID(),
    msg_type: 'shutdown_reply',
    session: request.header.session ?? '',
    username: 'lattice-gateway',
    date: new Date().toISOString(),
    version: '5.3',
  };
  const json = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8');
  return { parts: [json(header), request.headerPart, json({}), json(content)], buffers: [] };
}

/**
 * The answer to a stop the caller may not make: a Jupyter error reply (clients surface
 * `evalue`). The socket stays open for the caller's other work; closing it would only make
 * clients reconnect and carry on as if nothing was said.
 */
export function stopRefusedContent(): object {
  return { status: 'error', ename: 'Forbidden', evalue: FORBIDDEN_MESSAGES.stop, traceback: [], restart: false };
}
