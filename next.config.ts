import type { NextConfig } from 'next';

/** Next.js config for the dashboard; the custom server (server/web/main.ts) adds sessions and socket.io. */
const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  devIndicators: false,
};

export default nextConfig;
