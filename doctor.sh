#!/bin/sh
# The doctor for a machine without Node.js: the checks of `npm run doctor` (services/doctor), with
# only a POSIX shell, Docker and curl. Run it from the project folder: sh doctor.sh
# Exit code 0 when all is well. Reads the lab's settings (LAB_ORIGIN_SET, the ports, BIND_ADDRESS,
# and in a cloud workspace Codespaces' or Gitpod's own variables) from the environment or .env, as
# Compose does. `sh doctor.sh --plan` prints what it would look at, without looking: a test holds it
# to `npm run doctor -- --plan`, line for line (services/doctor/src/plan.ts).
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

# The same defaults as services/shared/src/defaults.ts, and the same minimums as the doctor's plan.
MIN_ENGINE=25.0.0
MIN_COMPOSE=2.20.0
LAB_SERVER=cors-lab
SLOW_LOOKUP_MS=500

# Where a port forwarder makes ports public (services/shared/src/lab-origins.ts, readForwarder).
template=$(setting LAB_FORWARD_TEMPLATE '')
if [ -z "$template" ] && [ "$(setting CODESPACES '')" = true ]; then
  template="https://$(setting CODESPACE_NAME '')-{port}.$(setting GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN '')"
fi
if [ -z "$template" ] && [ -n "$(setting GITPOD_WORKSPACE_URL '')" ]; then
  template="https://{port}-$(setting GITPOD_WORKSPACE_URL '' | sed 's#^https://##; s#/$##')"
fi
if [ -n "$template" ]; then set_name=$(setting LAB_ORIGIN_SET forwarded); else set_name=$(setting LAB_ORIGIN_SET default); fi
case "$set_name" in
  default | localhost | forwarded) ;;
  *) echo "FAIL LAB_ORIGIN_SET=\"$set_name\" is not valid: expected one of default, localhost, forwarded: fix it in .env."; exit 2 ;;
esac
if [ "$set_name" = forwarded ] && [ -z "$template" ]; then
  echo "FAIL LAB_ORIGIN_SET=\"forwarded\" is not valid: expected default or localhost here: forwarded needs LAB_FORWARD_TEMPLATE, or to run in Codespaces or Gitpod: fix it in .env."
  exit 2
fi

app_port=$(setting APP_PORT 3000)
proxy_port=$(setting PROXY_PORT 8080)
app_host_port=$(setting APP_HOST_PORT "$app_port")
proxy_host_port=$(setting PROXY_HOST_PORT "$proxy_port")
bind=$(setting BIND_ADDRESS 127.0.0.1)
[ "$bind" = "0.0.0.0" ] && bind=127.0.0.1

# Every port the lab publishes, with the variable that moves it.
app_variable=APP_PORT; [ "$app_host_port" != "$app_port" ] && app_variable=APP_HOST_PORT
proxy_variable=PROXY_PORT; [ "$proxy_host_port" != "$proxy_port" ] && proxy_variable=PROXY_HOST_PORT
ports="$app_host_port:$app_variable $proxy_host_port:$proxy_variable"
if [ "$set_name" = forwarded ]; then
  ports="$ports $(setting LAB_LOOPBACK_PORT 3001):LAB_LOOPBACK_PORT $(setting LAB_API_PORT 8081):LAB_API_PORT"
  ports="$ports $(setting LAB_ATTACKER_PORT 8082):LAB_ATTACKER_PORT $(setting LAB_LOOKALIKE_PORT 8083):LAB_LOOKALIKE_PORT"
  ports="$ports $(setting LAB_SIBLING_PORT 8084):LAB_SIBLING_PORT"
  ports="$ports $(setting LAB_PUBLIC_PORT 8085):LAB_PUBLIC_PORT"
fi

# The names and the origins of every role (lab-origins.ts): a hosts-file name, or one under .localhost.
if [ "$set_name" = localhost ]; then lab=app.localhost; api=api.localhost; sibling=evil.app.localhost
else lab=app.local; api=api.local; sibling=evil.app.local
fi
names=""; browser_names=""; asked=""
if [ "$set_name" != forwarded ]; then
  for host in "$lab" "$api" attacker.localhost "$lab.attacker.localhost" "$sibling" public.localhost; do
    case "$host" in
      *.localhost) case " $browser_names " in *" $host "*) ;; *) browser_names="$browser_names $host" ;; esac ;;
      *) names="$names $host" ;;
    esac
  done
  asked="http://localhost:$app_port@$app_host_port http://127.0.0.1:$app_port@$app_host_port"
  for host in "$lab" "$api" attacker.localhost "$lab.attacker.localhost" "$sibling" public.localhost; do
    asked="$asked http://$host:$proxy_port@$proxy_host_port"
  done
fi

if [ "${1:-}" = --plan ]; then
  echo "set $set_name"
  echo "minimum engine $MIN_ENGINE compose $MIN_COMPOSE"
  for entry in $ports; do echo "port ${entry%%:*} ${entry#*:}"; done
  for host in $names; do echo "name $host"; done
  for host in $browser_names; do echo "browser-name $host"; done
  for entry in $asked; do echo "ask ${entry%@*} ${entry#*@}"; done
  echo "server $LAB_SERVER"
  exit 0
fi
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
  elif ! at_least "$engine" "$MIN_ENGINE"; then
    fail "Docker Engine $engine is too old: the lab needs $MIN_ENGINE or newer; update Docker."
  elif ! at_least "$compose" "$MIN_COMPOSE"; then
    fail "Docker Compose $compose is too old: the lab needs $MIN_COMPOSE or newer; update Docker."
  else
    ok "Docker $engine with Compose $compose."
  fi
fi

is_the_lab() { # the headers of an answer (curl -D -): the lab's own, by its Server header
  printf '%s' "$1" | tr -d '\r' | grep -qi "^server: $LAB_SERVER\$"
}

# Ports: free, or already the lab's.
for entry in $ports; do
  port=${entry%%:*}
  variable=${entry#*:}
  headers=$(curl -s -o /dev/null -D - --max-time 2 -H "Host: localhost:$port" "http://$bind:$port/healthz")
  code=$?
  if [ "$code" -eq 7 ]; then ok "Port $port is free."
  elif is_the_lab "$headers"; then ok "Port $port is the lab's, already running."
  else fail "Port $port is taken by another program: stop it, or give the lab another port with $variable=… in .env."
  fi
done

# Names: the hosts-file lines (not for .localhost names, nor behind a forwarder), and how long each
# lookup takes (macOS asks Bonjour about every .local name first, unless the IPv6 line is there).
if [ "$set_name" = forwarded ]; then
  ok "Names: the forwarder's addresses are public, no hosts-file line needed."
else
  missing=""
  for host in $names; do
    if command -v getent >/dev/null 2>&1; then resolved=$(getent hosts "$host")
    elif command -v dscacheutil >/dev/null 2>&1; then resolved=$(dscacheutil -q host -a name "$host")
    else resolved=$(ping -c 1 "$host" 2>/dev/null | head -n 1)
    fi
    if printf '%s' "$resolved" | grep -Eq '127\.0\.0\.1|::1'; then
      # curl resolves with the system's resolver too, and says how long it took.
      seconds=$(curl -s -o /dev/null --max-time 5 -w '%{time_namelookup}' "http://$host:1/" 2>/dev/null)
      ms=$(printf '%s' "${seconds:-0}" | awk '{ printf "%d", $1 * 1000 }')
      if [ "$ms" -gt "$SLOW_LOOKUP_MS" ]; then
        warn "$host took $ms ms to resolve: on macOS add the IPv6 line too, \`::1${names}\`, to /etc/hosts (with sudo)."
      else ok "$host resolves to this machine ($ms ms)."
      fi
    else missing="$missing $host"
    fi
  done
  if [ -n "$missing" ]; then
    fail "${missing# } not resolving to this machine: add these lines to /etc/hosts (with sudo): \`127.0.0.1${names}\` and \`::1${names}\`; or, without admin rights, put LAB_ORIGIN_SET=localhost in .env."
  fi
  if [ -n "$browser_names" ]; then
    ok "$(printf '%s' "${browser_names# }" | sed 's/ /, /g'): Chrome, Edge and Firefox send names under .localhost to this machine themselves (Safari does not: for it, add them to the hosts-file lines)."
  fi
fi

# The lab, at every origin, asked as a browser would, at the ports it is published on.
if [ "$set_name" = forwarded ]; then
  ok "The lab's forwarded addresses are checked by the grader (npm run grade)."
else
  silent=""
  answered=0
  total=0
  for entry in $asked; do
    origin=${entry%@*}
    port=${entry#*@}
    total=$((total + 1))
    answer=$(curl -s -o /dev/null -D - --max-time 3 -H "Host: ${origin#http://}" "http://$bind:$port/healthz")
    if is_the_lab "$answer" && printf '%s' "$answer" | head -n 1 | grep -q ' 200'; then
      answered=$((answered + 1))
    else silent="$silent, $origin"
    fi
  done
  if [ "$answered" -eq 0 ]; then fail "The lab is not running: start it with \`docker compose up -d --wait\`."
  elif [ -n "$silent" ]; then fail "The lab does not answer at ${silent#, }: see \`docker compose ps\` and \`docker compose logs\`."
  else ok "The lab answers at every origin: $(for entry in $asked; do printf '%s, ' "${entry%@*}"; done | sed 's/, $//')."
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
