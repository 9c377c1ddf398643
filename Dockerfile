# syntax=docker/dockerfile:1
# proofline's image: one image for `sync`, `monitor`, `check`, `report` and the Airbyte
# `source`/`destination` commands. Multi-stage so the runtime image carries neither the
# TypeScript toolchain nor dev dependencies (Chromium drivers, test tools).

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: compile TypeScript to dist/ --------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/copy-assets.mjs ./scripts/
# Compiles, then copies the assets read at run time (dashboard files, JSON schemas) into dist/.
RUN npm run build

# ---- runtime: production dependencies only, non-root -------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PROOFLINE_LOG_PRETTY=0 \
    PROOFLINE_HEALTH_PORT=9464
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY examples ./examples
# The `node` user (uid 1000) ships with the official image; nothing here needs root.
USER node
EXPOSE 9464
# `/healthz` is served by `proofline monitor`; node's fetch avoids needing curl/wget.
# Commands other than `monitor` (e.g. the one-shot sync) disable this in Compose.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PROOFLINE_HEALTH_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["--help"]
