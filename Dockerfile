# Trellis in a container: one process per replica, against a managed PostgreSQL (docs/deploy.md).
#   docker build -t trellis .
#   docker run -p 3000:3000 -e DATABASE_URL=postgresql://… trellis
# The run stage has no TypeScript compiler, tsx, Prisma CLI or embedded PostgreSQL, so
# DATABASE_URL is required there.

# ---- build: the full development install, then src/ and the Prisma client compiled to dist/ ----
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts ./
# postinstall generates the Prisma client into src/generated/prisma.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
RUN npm run build

# ---- run: runtime dependencies only, the compiled build, the SQL migrations ----
FROM node:24-bookworm-slim AS run
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_FORMAT=json \
    LOG_LEVEL=info
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
# --omit=optional leaves out embedded-postgres and the optional peers (the Prisma CLI, TypeScript)
# that --omit=dev alone keeps; postinstall skips itself, since dist/ carries the compiled client.
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY prisma ./prisma
# The term-date files an administrator may pick in the console.
COPY config ./config
COPY --from=build /app/dist ./dist
# The official image's unprivileged user; it owns nothing it could overwrite but a scratch folder.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/trellis.js", "start"]
