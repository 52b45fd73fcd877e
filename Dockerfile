# syntax=docker/dockerfile:1
# One image for the gateway and the five subgraphs; the command picks the service (compose.yaml).
#   docker build -t partner-graph .
#   docker run partner-graph                                                   # the gateway
#   docker run partner-graph node --import tsx --import @partner-graph/platform/telemetry subgraphs/customer/src/index.ts
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS base
WORKDIR /app

# Every workspace's package.json and the lockfile, nothing else: the dependency layer below
# is rebuilt only when they change (and a new workspace needs no edit here).
FROM base AS manifests
COPY . /src
RUN mkdir /manifests \
 && cd /src \
 && find . -name package.json -not -path '*/node_modules/*' -exec cp --parents {} /manifests \; \
 && cp package-lock.json /manifests/

# Production dependencies only, exactly as locked. tsx is one: the services run their
# TypeScript through it (see README, Operations).
FROM base AS deps
ENV NODE_ENV=production
COPY --from=manifests /manifests /app
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund

# The partner dashboard, built with the development toolchain (codegen, Vite); only web/dist
# (the static app and its persisted-documents manifest) goes into the image.
FROM base AS dashboard
COPY --from=manifests /manifests /app
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
COPY schema ./schema
COPY web ./web
RUN npm run build -w web

FROM base AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    APOLLO_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false
COPY --from=deps /app /app
COPY tsconfig.base.json tsconfig.json ./
COPY schema ./schema
COPY packages/platform ./packages/platform
COPY gateway ./gateway
COPY subgraphs ./subgraphs
# Served by the gateway on the API's own origin (DASHBOARD_DIR; compose.yaml sets it).
COPY --from=dashboard /app/web/dist ./web/dist
# Files stay root's and read-only to the service; it runs as the image's unprivileged user.
USER node
EXPOSE 4000 4001 4002 4003 4004 4005
# The telemetry preload must come before the service's own code (it does nothing without OTEL_*).
CMD ["node", "--import", "tsx", "--import", "@partner-graph/platform/telemetry", "gateway/src/index.ts"]
