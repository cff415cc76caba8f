# One Dockerfile, two images:
#   lab     (default) runs the app or the proxy: `node services/app/src/main.ts` / `.../proxy/src/main.ts`
#   grader  adds Debian's Chromium and runs the origin matrix
# Node runs the TypeScript sources directly (type stripping), so there is no build step.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS grader
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-liberation \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    REPORT_DIR=/reports \
    HOME=/tmp
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY services/shared ./services/shared
COPY services/grader ./services/grader
COPY lab ./lab
RUN mkdir -p /reports && chown node:node /reports
# No USER here: the grader starts as root only to become the owner of the mounted /reports folder
# (see services/grader/src/report-owner.ts), so reports belong to the user whatever their user id.
# Arguments after the service name (`run --rm grader --expect FILE`) go to the grader itself.
ENTRYPOINT ["node", "services/grader/src/main.ts"]

FROM ${NODE_IMAGE} AS lab
# --max-semi-space-size=4 caps V8's young generation at 4 MB per semi-space: under load the default
# lets it grow to tens of MB that are never given back, so a lab that served a burst of requests
# would keep that memory for good (measured in tests/stack/load.test.ts and `npm run bench`).
# Set here once, for every node process of the image: the app, the proxy, their health checks.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=4
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY services/shared ./services/shared
COPY services/app ./services/app
COPY services/proxy ./services/proxy
COPY lab ./lab
USER node
EXPOSE 3000 8080
# The proxy's service overrides the URL; curl is not in the image, Node is.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "services/shared/src/healthcheck.ts"]
CMD ["node", "services/app/src/main.ts"]
