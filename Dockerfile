# syntax=docker/dockerfile:1
# autotriage: one image for the API (default command) and the worker
# (command: node --enable-source-maps dist/src/worker/main.js). Configuration comes only from the
# environment at run time (see .env.example and docker-compose.yml); no secret is baked in.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: compile TypeScript to dist/ and prebuild the workflow bundle (dist/workflow-bundle.js) ---
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# devDependencies are needed here: typescript, and the @types/mocha, @temporalio/testing and yaml
# that the test sources (compiled by the same tsconfig) import.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY test ./test
COPY bench ./bench
RUN npm run build && test -s dist/workflow-bundle.js

# --- runtime: production dependencies, compiled sources, prebuilt bundle; runs as `node` ---
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/.data \
    LOCAL_SIEM_LOGS=/app/data/logs \
    LOG_FORMAT=json \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# Only the service code: dist/test stays in the build stage. The worker loads dist/workflow-bundle*.js
# (src/temporal/workflow-source.ts) instead of bundling the workflows at start.
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/workflow-bundle.js /app/dist/workflow-bundle.encoded-failures.js ./dist/
# `npm run backfill|report|replay` run it first; without src/ here it leaves dist/ as it is.
COPY scripts/ensure-built.js ./scripts/ensure-built.js
# The code stays root-owned (read-only for the service); only the data folders belong to `node`.
RUN mkdir -p /app/.data /app/data/logs && chown node:node /app/.data /app/data/logs
# By uid (node is 1000 in the official image): Kubernetes' runAsNonRoot can only verify a numeric user.
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/src/api/main.js"]
