# One image for the coordinator, map and reduce functions and the wordcount command: they
# share all code and dependencies, so one image builds, pulls and caches once. The first
# argument picks the role (see functions/entrypoint.ts).
#
#   DOCKER_BUILDKIT=1 docker build -t dev.local/wordcount:0.1.0 .
#
# Behind a TLS-inspecting proxy, pass its CA bundle as a build secret; it is used by npm in
# the build stage only and never copied into the image:
#
#   docker build --secret id=ca,src=/etc/ssl/certs/ca-certificates.crt -t dev.local/wordcount:0.1.0 .
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=ca,required=false \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi; \
    npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY proto ./proto
COPY functions ./functions
RUN npx tsc -p tsconfig.build.json \
    && npm prune --omit=dev --no-audit --no-fund \
    && rm -rf dist/functions/**/*.map

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=8080
WORKDIR /app
COPY package.json ./
COPY proto ./proto
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The official Node.js images have the user node with uid 1000; numeric, so that
# runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8080
ENTRYPOINT ["node", "/app/dist/functions/entrypoint.js"]
# Without arguments or WORDCOUNT_FUNCTION the entry point prints the command's help.
