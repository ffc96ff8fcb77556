#!/usr/bin/env bash
# Checks deploy/k8s/*.yaml against the Kubernetes API schemas and the gateway's own rules
# (validate.js). Installs Node.js from apt when it is missing, and the pinned npm packages
# from package-lock.json. Usage: deploy/k8s/validate/validate.sh [folder of manifests]
set -euo pipefail
# A folder given on the command line is taken relative to where the script was started.
args=()
for a in "$@"; do args+=("$(realpath -- "$a")"); done
cd "$(dirname "${BASH_SOURCE[0]}")"

# No update checks, funding or audit requests: only the packages themselves are fetched.
export NO_UPDATE_NOTIFIER=1 npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nodejs npm >/dev/null
fi

# Debian 12's Node.js is 18; kubernetes-models 5 needs 22, hence the pinned 4.x.
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 18 ]; then
  echo "validate.sh: Node.js $(node --version) is too old; need 18 or later" >&2
  exit 1
fi

# Exactly the versions in package-lock.json (npm ci fails if it disagrees with package.json).
npm ci --no-audit --no-fund --loglevel=error

node validate.js "${args[@]}"
