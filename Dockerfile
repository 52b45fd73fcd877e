# syntax=docker/dockerfile:1
# One image for the gateway and the five subgraphs; the command picks the service (compose.yaml).
# It holds the compiled services (each workspace's dist/) and their production dependencies only:
# no TypeScript loader, no embedded PostgreSQL, no test tooling (test/production-image.e2e.ts).
#   docker build -t partner-graph .
#   docker run partner-graph                                  # the gateway
#   docker run partner-graph node --conditions=@partner-graph/compiled --import @partner-graph/platform/telemetry subgraphs/customer/dist/index.js
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS base
WORKDIR /app

# Every workspace's package.json and the lockfile, nothing else: the dependency layers below
# are rebuilt only when they change (and a new workspace needs no edit here).
FROM base AS manifests
COPY . /src
RUN mkdir /manifests \
 && cd /src \
 && find . -name package.json -not -path '*/node_modules/*' -exec cp --parents {} /manifests \; \
 && cp package-lock.json /manifests/

# The development toolchain: compiles the services (tsc, src/ to dist/) and builds the partner
# dashboard (codegen, Vite). Only their output goes into the image.
FROM base AS build
COPY --from=manifests /manifests /app
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund
COPY . .
RUN npm run build:services && npm run build -w web

# Production dependencies of the services' workspaces only, exactly as locked (the dashboard's
# React and the development kit of the repository's root are not among them).
FROM base AS deps
ENV NODE_ENV=production
COPY --from=manifests /manifests /app
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund \
      -w @partner-graph/platform -w @partner-graph/gateway -w @partner-graph/partner -w @partner-graph/customer \
      -w @partner-graph/subscription -w @partner-graph/offer -w @partner-graph/licensing-key

FROM base AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    APOLLO_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false
COPY --from=deps /app /app
# The compiled code and the files it reads beside it (the SDL, the composed supergraph).
COPY schema/supergraph.graphql ./schema/
COPY --from=build /app/packages/platform/dist ./packages/platform/dist
COPY packages/platform/shared.graphql ./packages/platform/
COPY --from=build /app/gateway/dist ./gateway/dist
COPY --from=build /app/subgraphs/partner/dist ./subgraphs/partner/dist
COPY --from=build /app/subgraphs/customer/dist ./subgraphs/customer/dist
COPY --from=build /app/subgraphs/subscription/dist ./subgraphs/subscription/dist
COPY --from=build /app/subgraphs/offer/dist ./subgraphs/offer/dist
COPY --from=build /app/subgraphs/licensing-key/dist ./subgraphs/licensing-key/dist
COPY subgraphs/partner/schema.graphql ./subgraphs/partner/
COPY subgraphs/customer/schema.graphql ./subgraphs/customer/
COPY subgraphs/subscription/schema.graphql ./subgraphs/subscription/
COPY subgraphs/offer/schema.graphql ./subgraphs/offer/
COPY subgraphs/licensing-key/schema.graphql ./subgraphs/licensing-key/
# Served by the gateway on the API's own origin (DASHBOARD_DIR; compose.yaml sets it).
COPY --from=build /app/web/dist ./web/dist
# Files stay root's and read-only to the service; it runs as the image's unprivileged user.
USER node
EXPOSE 4000 4001 4002 4003 4004 4005
# The workspaces' exports name dist/ under the condition @partner-graph/compiled (src/ otherwise).
# The telemetry preload must come before the service's own code (it does nothing without OTEL_*).
CMD ["node", "--conditions=@partner-graph/compiled", "--import", "@partner-graph/platform/telemetry", "gateway/dist/index.js"]
