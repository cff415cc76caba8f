#!/usr/bin/env bash
# Starts the lab in a dev container, detached and healthy, and says where it answers. Inside GitHub
# Codespaces it also makes the lab's ports public, which the forwarder needs for one origin's page
# to read another's (a private port answers cross-origin requests with its sign-in), and which
# reverts when the codespace restarts, hence at every start. Where that is not allowed, it says so.
set -uo pipefail
cd "$(dirname "$0")/.."

ports=$(node --input-type=module -e '
  const { readLabOrigins } = await import("./services/shared/src/lab-origins.ts");
  console.log([...new Set(Object.values(readLabOrigins(process.env).ports))].join(" "));
' 2>/dev/null || echo "3000 3001 8080 8081 8082 8083 8084")

if ! docker compose up -d --wait; then
  echo "cors-lab: the lab did not start; see: docker compose logs" >&2
  exit 1
fi

if [ "${CODESPACES:-}" = "true" ]; then
  visibility=$(for port in $ports; do printf '%s:public ' "$port"; done)
  # shellcheck disable=SC2086
  if gh codespace ports visibility $visibility -c "$CODESPACE_NAME" >/dev/null 2>&1; then
    echo "cors-lab: ports $ports are public, as the lab needs behind the Codespaces forwarder."
  else
    echo "cors-lab: could not make ports $ports public (is the gh CLI signed in, and does your"
    echo "  organisation allow public ports?). Run: gh codespace ports visibility $visibility-c \"\$CODESPACE_NAME\""
    echo "  or in the Ports panel right-click each port, Port Visibility, Public. Where public ports are"
    echo "  not allowed, use a browser inside the codespace (README, Cloud dev environments)."
  fi
elif [ -n "${GITPOD_WORKSPACE_URL:-}" ]; then
  for port in $ports; do gp ports visibility "$port:public" >/dev/null 2>&1 || failed=1; done
  if [ -n "${failed:-}" ]; then
    echo "cors-lab: could not make ports $ports public: run  gp ports visibility PORT:public  for each."
  fi
fi

node --input-type=module -e '
  const { readLabOrigins } = await import("./services/shared/src/lab-origins.ts");
  const origins = readLabOrigins(process.env);
  console.log(`cors-lab is running (origin set: ${origins.set}). Open ${origins.byRole.localhost}/lab for the guide; the lab origins:`);
  for (const [role, origin] of Object.entries(origins.byRole)) console.log(`  ${role.padEnd(10)} ${origin}`);
'
