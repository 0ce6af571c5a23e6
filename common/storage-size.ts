/** A byte count as people read storage sizes: "512 KB", "200.0 MB", "10.0 GB" (binary units). */
export function formatStorageSize(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.ceil(n / 1024)} KB`;
}
