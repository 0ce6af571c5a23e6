import { CHANNELS, MalformedFrameError, type TChannel } from '../zmq/messages';
import type { TClientChannel } from '../kernels/client-channels';
import type { TMessageParts } from '../zmq/wire';

/** Channels a client may send on; iopub only flows from the kernel. */
export function isClientChannel(channel: TChannel): channel is TClientChannel {
  return channel !== 'iopub';
}

/** A message as relayed between websocket and ZeroMQ: JSON parts stay as bytes. */
export interface TRelayMessage {
  channel: TChannel;
  parts: TMessageParts;
  buffers: Buffer[];
}

export function toChannel(name: unknown): TChannel {
  if (typeof name === 'string' && (CHANNELS as readonly string[]).includes(name)) return name as TChannel;
  throw new MalformedFrameError('unknown channel');
}
