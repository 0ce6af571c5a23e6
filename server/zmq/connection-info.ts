import { z } from 'zod';

/** A Jupyter connection file's content. The key never leaves the gateway. */
export const ZConnectionInfo = z.object({
  /** `tcp` (pods), or `ipc` (sandboxed local kernels: unix sockets named `<ip>-<port>`). */
  transport: z.enum(['tcp', 'ipc']),
  ip: z.string(),
  shell_port: z.number().int(),
  iopub_port: z.number().int(),
  stdin_port: z.number().int(),
  control_port: z.number().int(),
  hb_port: z.number().int(),
  key: z.string(),
  signature_scheme: z.literal('hmac-sha256'),
  kernel_name: z.string().optional(),
});
export type TConnectionInfo = z.infer<typeof ZConnectionInfo>;

/** The ZeroMQ endpoint of one of the kernel's channels, as jupyter_client spells it for each transport. */
export function channelEndpoint(conn: TConnectionInfo, channel: 'shell' | 'iopub' | 'stdin' | 'control' | 'hb'): string {
  const port = conn[`${channel}_port`];
  return conn.transport === 'ipc' ? `ipc://${conn.ip}-${port}` : `tcp://${conn.ip}:${port}`;
}
