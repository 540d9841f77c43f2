#!/usr/bin/env bash
# Runs a command of this repository as an unprivileged user, because Elasticsearch and its test
# framework refuse to run as root.
#
#   scripts/as-unprivileged.sh USER COMMAND [ARGS...]
#
# As a normal user: runs COMMAND in the repository. As root: creates USER (if needed) with its
# own home and Maven repository, copies the repository into a folder
# USER owns — the checkout may sit where USER cannot enter, such as root's home — and runs
# COMMAND there as USER. Output the command writes (target/...) is then under that copy,
# whose path is printed first.
set -euo pipefail

[ $# -ge 2 ] || { sed -n '2,10p' "$0" >&2; exit 2; }
user=$1; shift
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

if [ "$(id -u)" != 0 ]; then
  cd "$repo"
  exec "$@"
fi

id "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$user"
home=$(getent passwd "$user" | cut -d: -f6)
work="$home/$(basename "$repo")-work"
copy="$work/$(basename "$repo")"
rm -rf "$work"
mkdir -p "$work" "$home/.m2/repository"
cp -a "$repo" "$copy"
chown -R "$user:" "$work" "$home/.m2"

echo "as-unprivileged: running '$*' as $user in $copy"
exec runuser -u "$user" -- env HOME="$home" \
  MAVEN_OPTS="${MAVEN_OPTS:-} -Dmaven.repo.local=$home/.m2/repository" \
  bash -c 'cd "$1" && shift && exec "$@"' _ "$copy" "$@"
