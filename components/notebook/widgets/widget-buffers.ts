/**
 * Widget state's binary values as saved notebooks hold them (base64, as JupyterLab saves them;
 * hex is what older files may carry). Used by the bridge to save and the frame to load.
 */

export function bytesOf(value: ArrayBuffer | ArrayBufferView): Uint8Array {
  return value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

export function toBase64(value: ArrayBuffer | ArrayBufferView): string {
  const bytes = bytesOf(value);
  let binary = '';
  // In slices: String.fromCharCode with a whole image's bytes as arguments overflows the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function fromEncoded(data: string, encoding: 'base64' | 'hex'): DataView {
  if (encoding === 'hex') {
    const bytes = new Uint8Array(data.length >> 1);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(data.slice(i * 2, i * 2 + 2), 16);
    return new DataView(bytes.buffer);
  }
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new DataView(bytes.buffer);
}
