# syntax=docker/dockerfile:1
# The web app (Next.js). Build from the repository root:
#   docker build -f deploy/web.Dockerfile -t lattice/web .
# It needs DATABASE_URL and NEXTAUTH_SECRET at run time (lib/config.ts), none at build time.
# The database is migrated by the gateway image's prepare-database step, not here.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# What the web is built from (the same sources `npm start` watches to rebuild).
COPY next.config.mjs postcss.config.mjs tailwind.config.ts tsconfig.json middleware.ts css.d.ts ./
COPY app ./app
COPY components ./components
COPY lib ./lib
COPY common ./common
COPY db ./db
# The sandboxed output frames (public/frames) are bundled first: next serves public/ as it is.
COPY scripts/build-frames.ts scripts/newest-mtime.ts scripts/start-config.ts ./scripts/
ENV NEXT_TELEMETRY_DISABLED=1
RUN node_modules/.bin/tsx scripts/build-frames.ts && node node_modules/next/dist/bin/next build && rm -rf .next/cache

FROM node:20-bookworm-slim AS runtime-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
WORKDIR /app
COPY --from=runtime-deps /app/node_modules ./node_modules
COPY --from=build /app/.next ./.next
COPY --from=build /app/public ./public
COPY package.json next.config.mjs ./
COPY scripts/peer-address-preload.mjs ./scripts/
# `node` (uid 1000) comes with the base image; the files stay root-owned and read-only to it.
USER 1000
EXPOSE 3000
CMD ["node", "--import", "./scripts/peer-address-preload.mjs", "node_modules/next/dist/bin/next", "start", "--port", "3000", "--hostname", "0.0.0.0"]
