# syntax=docker/dockerfile:1
# The gateway image: built in one stage, run from a second that holds only
# the compiled code, the SDL and production dependencies, as a non-root user.

# Node.js 24, the LTS line: CI runs the whole suite on it, on 22 and on 20.
# `--build-arg NODE_VERSION=22` builds on 22.
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# patches/ before the install, whose postinstall applies them (patch-package;
# see patches/README.md).
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY schema ./schema
COPY src ./src
RUN npm run build

FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
# patch-package is a development dependency: the patched packages come from
# the build stage's install, the same versions by the same lockfile.
COPY --from=build /app/node_modules/@apollo/server ./node_modules/@apollo/server
COPY --from=build /app/node_modules/graphql ./node_modules/graphql
COPY --from=build /app/node_modules/graphql-jit ./node_modules/graphql-jit

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# 64 MB semi-spaces for the young generation: see the README's "Performance".
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=64 \
    PORT=4000 \
    HOST=0.0.0.0
WORKDIR /app
# Owned by root: the user the gateway runs as can read them, not write them,
# so nothing it runs can rewrite its own code, read-only root filesystem or not.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY schema ./schema
COPY package.json ./
# The official image's unprivileged user (uid 1000).
USER node
EXPOSE 4000
# Liveness only: readiness belongs to the orchestrator (see deploy/). On
# loopback when the gateway listens on every address, else where HOST says.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const h=process.env.HOST||'0.0.0.0';const a=h==='0.0.0.0'||h==='::'?'127.0.0.1':h.includes(':')?'['+h+']':h;fetch('http://'+a+':'+(process.env.PORT||4000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node as PID 1 receives SIGTERM itself, so the drain in src/index.ts runs.
# Allocation-site pretenuring off: see the README's "Performance" (Node.js
# refuses this flag in NODE_OPTIONS, so it goes on the command).
CMD ["node", "--no-allocation-site-pretenuring", "dist/index.js"]
