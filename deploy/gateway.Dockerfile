# syntax=docker/dockerfile:1
# The kernel gateway (server/), with Python 3 + ipykernel for the `local` provisioner.
# Build from the repository root:
#   docker build -f deploy/gateway.Dockerfile -t lattice/gateway .
# The same image prepares the database before the gateway starts:
#   node --import tsx deploy/prepare-database.ts

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
# tini as PID 1: local kernels run in their own sessions, and ones a previous gateway
# process left behind are reparented to PID 1, which must reap them.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv tini \
 && rm -rf /var/lib/apt/lists/*
# ipykernel 6.x, as tests/requirements.txt: 7.x stops answering after a client is SIGKILLed (no reattach).
RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir 'ipykernel>=6.29,<7'
RUN mkdir -p /var/lib/lattice && chown 1000:1000 /var/lib/lattice

WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY common ./common
COPY db ./db
COPY server ./server
COPY scripts/platform.ts scripts/start-config.ts scripts/child-env.ts ./scripts/
COPY deploy/prepare-database.ts ./deploy/

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
CMD ["node", "--import", "tsx", "server/main.ts"]
