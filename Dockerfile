# One Dockerfile, three images:
#   lab     (default) runs the app or the proxy: `node services/app/src/main.ts` / `.../proxy/src/main.ts`
#   policy  the policy sandbox (issue #19): only what it needs to run a student's policy file
#   grader  adds Debian's Chromium (its headless shell) and runs the origin matrix
#   engines the grader with Firefox ESR and WebKitGTK besides Chromium (issue #14), built only when
#           asked for (`npm run grade:engines`), so the grader image stays as small as it is
# Node runs the TypeScript sources directly (type stripping), so there is no build step.
ARG NODE_IMAGE=node:24-bookworm-slim

# puppeteer-core, which drives Firefox, is an optional dependency: only the engines image has it,
# so the lab and grader images that every workshop laptop downloads stay without it.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS engines-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# The grader's code and the guide, as both grading images have them.
FROM ${NODE_IMAGE} AS grader-app
WORKDIR /app
COPY package.json ./
COPY services/shared ./services/shared
COPY services/grader ./services/grader
COPY lab ./lab

FROM ${NODE_IMAGE} AS grader
# Chromium's headless shell, not the whole browser: the grader never shows a window (issue #13).
# Measured on the base image (258 MB): `chromium` brings the image to 1.28 GB (GTK and its icons
# alone ~60 MB); `chromium-headless-shell` to 1.06 GB. Of that, Mesa's OpenGL drivers and the LLVM
# and Z3 they are built on are ~160 MB that a headless Chromium with --disable-gpu never loads:
# chromium-common depends on them, so they are removed after the install (884 MB in all).
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium-headless-shell fonts-liberation \
 && dpkg --remove --force-depends libgl1-mesa-dri libglx-mesa0 libllvm15 libz3-4 \
 && rm -rf /var/lib/apt/lists/* /usr/share/doc /usr/share/man
ENV NODE_ENV=production \
    CHROMIUM_PATH=/usr/bin/chromium-headless-shell \
    GRADER_REPORT_DIR=/reports \
    HOME=/tmp
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=grader-app /app ./
RUN mkdir -p /reports && chown node:node /reports
# No USER here: the grader starts as root only to become the owner of the mounted /reports folder
# (see services/grader/src/report-owner.ts), so reports belong to the user whatever their user id.
# Arguments after the service name (`run --rm grader --expect FILE`) go to the grader itself.
ENTRYPOINT ["node", "services/grader/src/main.ts"]

FROM ${NODE_IMAGE} AS engines
# Firefox ESR runs headless; WebKitGTK's MiniBrowser has no headless mode, so it runs under Xvfb.
# MiniBrowser lives in the architecture's library folder; the link gives it one path everywhere.
# The Mesa drivers stay: WebKitGTK draws through them even with nothing on screen.
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium-headless-shell firefox-esr webkit2gtk-driver xvfb \
      fonts-liberation \
 && ln -s /usr/lib/*/webkit2gtk-4.1/MiniBrowser /usr/local/bin/MiniBrowser \
 && rm -rf /var/lib/apt/lists/* /usr/share/doc /usr/share/man
ENV NODE_ENV=production \
    CHROMIUM_PATH=/usr/bin/chromium-headless-shell \
    FIREFOX_PATH=/usr/bin/firefox-esr \
    MINIBROWSER_PATH=/usr/local/bin/MiniBrowser \
    GRADER_REPORT_DIR=/reports \
    HOME=/tmp
WORKDIR /app
COPY --from=engines-deps /app/node_modules ./node_modules
COPY --from=grader-app /app ./
RUN mkdir -p /reports && chown node:node /reports
ENTRYPOINT ["node", "services/grader/src/main.ts"]

FROM ${NODE_IMAGE} AS lab
# --max-semi-space-size=4 caps V8's young generation at 4 MB per semi-space: under load the default
# lets it grow to tens of MB that are never given back, so a lab that served a burst of requests
# would keep that memory for good (measured in tests/stack/load.test.ts and `npm run bench`).
# Set here once, for every node process of the image: the app, the proxy, their health checks.
# MALLOC_ARENA_MAX=2: glibc gives each thread that allocates an arena of its own, which holds on to
# memory a lone Node thread never needs (measured: 12 MB less resident for the policy sandbox, whose
# policy runs in a thread of its own; issue #19's budget for the lab's containers).
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=4 \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY services/shared ./services/shared
COPY services/app ./services/app
COPY services/proxy ./services/proxy
COPY lab ./lab
# Where the app listens for the policy sandbox (issue #19): a new volume mounted here takes this
# folder's owner, so the app's user may make its socket there (either container may mount it first).
RUN mkdir -p /run/cors-lab && chown node:node /run/cors-lab
USER node
EXPOSE 3000 8080
# The proxy's service overrides the URL; curl is not in the image, Node is.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "services/shared/src/healthcheck.ts"]
CMD ["node", "services/app/src/main.ts"]

FROM ${NODE_IMAGE} AS policy
# The student's policy runs here (issue #19). The image holds only what a policy may load (the
# packages, package.json for `#lab/origins`, the lab's shared modules) and the sandbox's own code:
# whatever Node's permission model lets a policy's thread read, nothing else of the lab is there.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=4 \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY services/shared ./services/shared
COPY services/policy ./services/policy
COPY services/app/policy ./services/app/policy
RUN mkdir -p /run/cors-lab && chown node:node /run/cors-lab
USER node
CMD ["node", "services/policy/src/main.ts"]
