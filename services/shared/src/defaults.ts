// Every setting's default, written once (model: expressjs/cors's single `defaults` object). The
// services read their defaults from here; docker-compose.yml and .env.example repeat some of them
// for the user's eyes, and tests/services/shared/defaults.test.ts proves they agree value by value.
// A setting whose default is worked out from others (LAB_ORIGINS from the ports, say) is not here:
// its reader says how.
export const DEFAULTS = {
  // Where the lab is reachable.
  BIND_ADDRESS: "127.0.0.1",
  APP_PORT: 3000,
  PROXY_PORT: 8080,
  APP_LISTEN_ADDRESS: "0.0.0.0",
  PROXY_LISTEN_ADDRESS: "0.0.0.0",
  // Behind a port forwarder every role has a port of its own (LAB_ORIGIN_SET=forwarded): the app's
  // and the proxy's, and these.
  LAB_LOOPBACK_PORT: 3001,
  LAB_API_PORT: 8081,
  LAB_ATTACKER_PORT: 8082,
  LAB_LOOKALIKE_PORT: 8083,
  LAB_SIBLING_PORT: 8084,
  LAB_PUBLIC_PORT: 8085,
  // The app.
  LOG_REQUESTS: true,
  REQUEST_LOG_SIZE: 200,
  CORS_POLICY_DIR: "./services/app/policy",
  CORS_POLICY_WATCH: true,
  // How long the student's policy may take on one request, and how much memory its sandbox may use.
  POLICY_TIMEOUT_MS: 1_000,
  POLICY_MEMORY_MB: 64,
  // Where the app listens for the policy sandbox (issue #19): a volume both containers mount.
  POLICY_SOCKET: "/run/cors-lab/policy.sock",
  CORS_ALLOW_METHODS: "GET,HEAD,POST",
  CORS_ALLOW_CREDENTIALS: false,
  // The proxy.
  PROXY_UPSTREAM_TIMEOUT_MS: 10_000,
  PROXY_LOG_REQUESTS: false,
  PROXY_MAX_BODY_BYTES: 1_048_576,
  // Both servers.
  HTTP_HEADERS_TIMEOUT_MS: 10_000,
  HTTP_REQUEST_TIMEOUT_MS: 30_000,
  // The grader.
  REPORTS_DIR: "./reports",
  GRADER_TIMEOUT_MS: 15_000,
  // The warm grader's port, on 127.0.0.1 in the app's network namespace: the app's Check button and
  // the grader's command line find it there (issue #11); 0 turns it off.
  GRADER_SERVICE_PORT: 9000,
  // Inside Compose the grader shares the app's network namespace, where .localhost is the app's own
  // loopback: step 10's attacker names must reach the proxy container instead.
  GRADER_HOST_RESOLVER_RULES: "MAP *.localhost proxy",
  GRADER_THIRD_PARTY_COOKIES: "shipped",
  GRADER_LOCAL_NETWORK: "denied",
  GRADER_HOST_MACHINE: "host.docker.internal",
  CHROMIUM_PATH: "/usr/bin/chromium",
  // Which engines a run uses (issue #14): chromium, firefox, webkit, or all; the engines image
  // (`npm run grade:engines`) has all three, the grader image Chromium alone.
  GRADER_BROWSER: "chromium",
  FIREFOX_PATH: "/usr/bin/firefox-esr",
  MINIBROWSER_PATH: "/usr/local/bin/MiniBrowser",
  CLASSROOM: "local",
  ASSIGNMENT: "cors-lab",
  ASSIGNMENT_TYPE: "individual",
  OWNER: "student",
  // Building.
  NODE_IMAGE: "node:24-bookworm-slim",
} as const;
