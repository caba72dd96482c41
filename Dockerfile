# modelgate as a container image: scans a mounted folder, statically (nothing scanned is run).
#
#   docker build -t modelgate .
#   docker run --rm -v "$PWD:/scan:ro" modelgate scan /scan
#   docker run --rm -v "$PWD:/scan:ro" modelgate scan /scan --format sarif > modelgate.sarif
#
# The base image is named by tag; pin it by digest (node:20-bookworm-slim@sha256:...) in your own
# build if you need a reproducible image.

# Build stage: the TypeScript compiler is a dev dependency, so dist/ is built here and only the
# runtime dependencies are installed in the final image.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency's install script runs (none is needed to build or to scan).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    MODELGATE_HOME=/opt/modelgate \
    NO_UPDATE_NOTIFIER=1
WORKDIR /opt/modelgate
COPY package.json package-lock.json ./
# Runtime dependencies only. better-sqlite3's install script is skipped: only the registry
# (`modelgate serve`) needs its native addon, scanning does not.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY data ./data
COPY --from=build /src/dist ./dist
COPY scripts/docker-entry.sh /usr/local/bin/modelgate-entry
RUN chmod 0755 /usr/local/bin/modelgate-entry /opt/modelgate/dist/main.js \
    && ln -s /opt/modelgate/dist/main.js /usr/local/bin/modelgate

# The image's own user "node" (uid 1000), never root. Mount the models read-only on /scan.
USER node
WORKDIR /scan
ENTRYPOINT ["/usr/local/bin/modelgate-entry"]
CMD ["scan", "/scan"]
