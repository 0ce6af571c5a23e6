# syntax=docker/dockerfile:1
# The kernel gateway (server/), with Python 3 + ipykernel for the `local` provisioner.
# Build from the repository root:
#   docker build -f deploy/gateway.Dockerfile -t lattice/gateway .
# It runs the bundled gateway (.build/gateway.mjs) under plain node. The same image prepares
# the database before the gateway starts:
#   node --import tsx deploy/prepare-database.ts

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# The gateway as one ES module (scripts/build-gateway.ts, esbuild): plain node runs it, without
# tsx compiling TypeScript in the running process (idle RSS 112 MiB against 243 MiB under tsx).
FROM deps AS bundle
COPY tsconfig.json ./
COPY common ./common
COPY db ./db
COPY server ./server
COPY scripts/build-gateway.ts scripts/newest-mtime.ts scripts/start-config.ts ./scripts/
RUN node --import tsx scripts/build-gateway.ts

FROM node:20-bookworm-slim
# tini as PID 1: local kernels run in their own sessions, and ones a previous gateway
# process left behind are reparented to PID 1, which must reap them.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv tini \
 && rm -rf /var/lib/apt/lists/*
# Local kernels' default environment: the pinned list `npm start` installs (ipykernel 6.x, the data-science stack).
COPY python/kernel-requirements.txt /opt/kernel-requirements.txt
RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir -r /opt/kernel-requirements.txt
RUN mkdir -p /var/lib/lattice && chown 1000:1000 /var/lib/lattice

WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY common ./common
COPY db ./db
COPY server ./server
COPY scripts/platform.ts scripts/start-config.ts scripts/child-env.ts scripts/metrics-token.ts scripts/supervisor.ts scripts/build-gateway.ts scripts/build-frames.ts scripts/newest-mtime.ts ./scripts/
COPY deploy/prepare-database.ts ./deploy/
# The bundle finds kernel-launcher.sh, the Spark startup script and db/migrations at their
# source paths relative to .build/, so the sources above stay in the image beside it.
COPY --from=bundle /app/.build ./.build

# Container defaults (server/config.ts); everything else is set by the deployment.
ENV NODE_ENV=production \
    LATTICE_GATEWAY_HOST=0.0.0.0 \
    LATTICE_GATEWAY_PORT=8888 \
    LATTICE_PYTHON=/opt/venv/bin/python \
    LATTICE_DATA_DIR=/var/lib/lattice \
    HOME=/var/lib/lattice
USER 1000
EXPOSE 8888
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", ".build/gateway.mjs"]
