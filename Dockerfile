# syntax=docker/dockerfile:1
# Ferry's production image: the Next.js standalone server, the bundled prepare-database step, git,
# and nothing to compile with. See "Production" in README.md and deploy/ for how it is run.
#
#   npm run image                                 # docker or podman, tagged ferry:<package version>
#   docker build -t ferry .                       # the same by hand
#
# Several replicas (and a rolling update between two builds) must share the server-actions key: pass
# it as a build secret, e.g.
#   NEXT_SERVER_ACTIONS_ENCRYPTION_KEY=$(openssl rand -base64 32) npm run image
# Next.js embeds it in the build output; without it each build has its own random key.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: dependencies with dev tools, next build (standalone), the prepare-database bundle ----
FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV NEXT_TELEMETRY_DISABLED=1 \
    FERRY_STANDALONE=1
# Manifests and what postinstall needs first, so the dependency layer is cached across source edits.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY bin ./bin
COPY scripts ./scripts
RUN npm ci --no-audit --no-fund
COPY . .
RUN --mount=type=secret,id=next_server_actions_key \
    if [ -s /run/secrets/next_server_actions_key ]; then \
      export NEXT_SERVER_ACTIONS_ENCRYPTION_KEY="$(cat /run/secrets/next_server_actions_key)"; \
    fi; \
    npx next build && node scripts/build-prepare-database.mjs

# ---- runtime: node, git and tini only; runs as an unprivileged user on a read-only root filesystem ----
FROM ${NODE_IMAGE} AS runtime
# git (and ssh for git@ remotes) reads the repositories; tini reaps the git processes the server starts.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git openssh-client ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 ferry \
 && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin ferry \
 && mkdir -p /var/lib/ferry \
 && chown 10001:10001 /var/lib/ferry
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOSTNAME=0.0.0.0 \
    FERRY_DATA_DIR=/var/lib/ferry \
    HOME=/tmp
WORKDIR /app
# Owned by root and not writable by the server: the application cannot change itself.
COPY --from=build /src/.next/standalone ./
COPY --from=build /src/.next/static ./.next/static
COPY --from=build /src/public ./public
COPY --from=build /src/prisma/migrations ./prisma/migrations
COPY --from=build /src/dist/prepare-database.mjs ./dist/prepare-database.mjs
# Next.js writes its runtime cache under .next/cache: send it to /tmp, the one writable place besides the data dir.
RUN rm -rf /app/.next/cache && ln -s /tmp/next-cache /app/.next/cache
USER 10001:10001
# Writable at run time: git mirrors and working data, and scratch space (mount both with a read-only root).
VOLUME ["/var/lib/ferry", "/tmp"]
EXPOSE 3000
# Orchestrators probe /api/health/live and /api/health/ready themselves; this is for plain docker.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# The web server (and, with FERRY_SYNC_WORKER on, the background worker). The one-off step before it:
#   node dist/prepare-database.mjs
CMD ["node", "server.js"]
