#!/usr/bin/env bash
# Writes the jlt bundle the agent-host playbook unpacks on each spare machine (the CLI with its
# production dependencies, as in infra/Containerfile): results/deploy/jlt-agent.tgz, or $1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="$(realpath -m "${1:-results/deploy/jlt-agent.tgz}")"
scripts/bootstrap.sh
pnpm -s build --output-logs=errors-only
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
pnpm --filter jlt deploy --prod --legacy "$staging/jlt" >/dev/null
mkdir -p "$(dirname "$out")"
tar -czf "$out" -C "$staging/jlt" .
echo "wrote $out ($(du -h "$out" | cut -f1))"
