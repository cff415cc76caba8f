#!/bin/sh
# The doctor for a machine without Node.js: the checks of `npm run doctor` (services/doctor), with
# only a POSIX shell, Docker and curl. Run it from the project folder: sh doctor.sh
# Exit code 0 when all is well. Reads LAB_ORIGIN_SET, APP_PORT, PROXY_PORT, APP_HOST_PORT,
# PROXY_HOST_PORT and BIND_ADDRESS from the environment or .env, as Compose does.
cd "$(dirname "$0")" || exit 2
failed=0
ok() { echo "ok   $*"; }
warn() { echo "warn $*"; }
fail() { echo "FAIL $*"; failed=1; }

setting() { # the variable's value from the environment, else from .env, else the default given
  value=$(eval "printf '%s' \"\${$1:-}\"")
  if [ -z "$value" ] && [ -f .env ]; then
    value=$(sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" .env | tail -n 1 | tr -d '\r"'"'")
  fi
  printf '%s' "${value:-$2}"
}

set_name=$(setting LAB_ORIGIN_SET default)
[ -n "$(setting LAB_FORWARD_TEMPLATE '')" ] && [ -z "$(setting LAB_ORIGIN_SET '')" ] && set_name=forwarded
app_port=$(setting APP_PORT 3000)
proxy_port=$(setting PROXY_PORT 8080)
app_host_port=$(setting APP_HOST_PORT "$app_port")
proxy_host_port=$(setting PROXY_HOST_PORT "$proxy_port")
bind=$(setting BIND_ADDRESS 127.0.0.1)
[ "$bind" = "0.0.0.0" ] && bind=127.0.0.1
echo "cors-lab doctor (origin set: $set_name)"

# Docker and Compose, new enough.
if ! engine=$(docker version --format '{{.Server.Version}}' 2>/dev/null); then
  if command -v docker >/dev/null 2>&1; then
    fail "Docker is installed but not running: start Docker Desktop (or the docker service) and wait until it is ready."
  else
    fail "Docker was not found: install Docker Desktop (or Docker Engine with the Compose plugin)."
  fi
else
  compose=$(docker compose version --short 2>/dev/null | sed 's/^v//')
  at_least() { # $1 >= $2, dotted versions
    [ "$(printf '%s\n%s\n' "$2" "$1" | sed 's/[^0-9.].*//' | sort -t. -k1,1n -k2,2n -k3,3n | head -n 1)" = "$(printf '%s' "$2")" ]
  }
  if [ -z "$compose" ]; then
    fail "Docker Compose v2 was not found (\`docker compose\`): install the Compose plugin or update Docker Desktop."
  elif ! at_least "$engine" 25.0.0; then
    fail "Docker Engine $engine is too old: the lab needs 25.0.0 or newer; update Docker."
  elif ! at_least "$compose" 2.20.0; then
    fail "Docker Compose $compose is too old: the lab needs 2.20.0 or newer; update Docker."
  else
    ok "Docker $engine with Compose $compose."
  fi
fi

# Ports: free, or already the lab's.
app_variable=APP_PORT; [ "$app_host_port" != "$app_port" ] && app_variable=APP_HOST_PORT
proxy_variable=PROXY_PORT; [ "$proxy_host_port" != "$proxy_port" ] && proxy_variable=PROXY_HOST_PORT
ports="$app_host_port:$app_variable $proxy_host_port:$proxy_variable"
if [ "$set_name" = forwarded ]; then
  ports="$ports $(setting LAB_LOOPBACK_PORT 3001):LAB_LOOPBACK_PORT $(setting LAB_API_PORT 8081):LAB_API_PORT"
  ports="$ports $(setting LAB_ATTACKER_PORT 8082):LAB_ATTACKER_PORT $(setting LAB_LOOKALIKE_PORT 8083):LAB_LOOKALIKE_PORT"
  ports="$ports $(setting LAB_SIBLING_PORT 8084):LAB_SIBLING_PORT"
fi
for entry in $ports; do
  port=${entry%%:*}
  variable=${entry#*:}
  headers=$(curl -s -o /dev/null -D - --max-time 2 -H "Host: localhost:$port" "http://$bind:$port/healthz")
  code=$?
  if [ "$code" -eq 7 ]; then ok "Port $port is free."
  elif printf '%s' "$headers" | grep -qi '^server: cors-lab'; then ok "Port $port is the lab's, already running."
  else fail "Port $port is taken by another program: stop it, or give the lab another port with $variable=… in .env."
  fi
done

# Names: the hosts-file line (not for .localhost names, nor behind a forwarder).
if [ "$set_name" = default ]; then
  missing=""
  for host in app.local api.local evil.app.local; do
    if command -v getent >/dev/null 2>&1; then resolved=$(getent hosts "$host")
    elif command -v dscacheutil >/dev/null 2>&1; then resolved=$(dscacheutil -q host -a name "$host")
    else resolved=$(ping -c 1 "$host" 2>/dev/null | head -n 1)
    fi
    if printf '%s' "$resolved" | grep -Eq '127\.0\.0\.1|::1'; then ok "$host resolves to this machine."
    else missing="$missing $host"
    fi
  done
  if [ -n "$missing" ]; then
    fail "${missing# } not resolving to this machine: add these lines to your hosts file (/etc/hosts, with sudo): \`127.0.0.1 app.local api.local evil.app.local\` and \`::1 app.local api.local evil.app.local\`; or, without admin rights, put LAB_ORIGIN_SET=localhost in .env."
  fi
fi

# The lab, at every origin, asked as a browser would, at the ports it is published on.
if [ "$set_name" != forwarded ]; then
  names="localhost:$app_port@$app_host_port 127.0.0.1:$app_port@$app_host_port"
  if [ "$set_name" = localhost ]; then lab=app.localhost; api=api.localhost; else lab=app.local; api=api.local; fi
  names="$names $lab:$proxy_port@$proxy_host_port $api:$proxy_port@$proxy_host_port"
  silent=""
  answered=0
  for entry in $names; do
    host=${entry%@*}
    port=${entry#*@}
    answer=$(curl -s -o /dev/null -D - --max-time 3 -H "Host: $host" "http://$bind:$port/healthz")
    if printf '%s' "$answer" | grep -qi '^server: cors-lab' && printf '%s' "$answer" | head -n 1 | grep -q ' 200'; then
      answered=$((answered + 1))
    else silent="$silent http://$host"
    fi
  done
  if [ "$answered" -eq 0 ]; then fail "The lab is not running: start it with \`docker compose up -d --wait\`."
  elif [ -n "$silent" ]; then fail "The lab does not answer at${silent}: see \`docker compose ps\` and \`docker compose logs\`."
  else ok "The lab answers at every origin."
  fi
fi

# The grader's image.
if size=$(docker image inspect --format '{{.Size}}' cors-lab-grader:local 2>/dev/null); then
  ok "The grader's image is there ($((size / 1000000)) MB)."
else
  fail "The grader's image is not built yet: \`docker compose --profile grade build grader\` (it downloads Chromium once), or load the offline bundle."
fi

if [ "$failed" -eq 0 ]; then echo "All is well."; else echo "Something above needs fixing before the lab can run."; fi
exit "$failed"
