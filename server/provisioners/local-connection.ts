import { randomUUID } from 'node:crypto';
import { findFreePorts } from './free-ports';
import type { TConnectionInfo } from '../zmq/connection-info';

/**
 * Connection info for a kernel on this host: five free TCP ports on 127.0.0.1 and a fresh
 * HMAC key. Used by the local provisioner and by the benchmark's direct ("floor") client.
 */
export async function newLocalConnection(kernelName: string): Promise<TConnectionInfo> {
  const [shell, iopub, stdin, control, hb] = await findFreePorts(5);
  return {
    transport: 'tcp',
    ip: '127.0.0.1',
    shell_port: shell,
    iopub_port: iopub,
    stdin_port: stdin,
    control_port: control,
    hb_port: hb,
    key: randomUUID(),
    signature_scheme: 'hmac-sha256',
    kernel_name: kernelName,
  };
}
