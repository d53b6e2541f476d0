# Puts the project's Node (the version in .nvmrc) first on PATH, installing it from the npm
# registry's `node` package into .tools/node24 (git-ignored) when that folder lacks it.
# Source it from the project's root: `source scripts/node24.sh` (bash or zsh).
# npm itself is the machine's, run by this Node (its `#!/usr/bin/env node` finds Node 24 first).
if [ ! -f .nvmrc ] || [ ! -f package.json ]; then
  echo "scripts/node24.sh: source it from the project's root (no .nvmrc here)" >&2
  return 1 2>/dev/null || exit 1
fi
__node24_version="$(tr -d ' \n\r' < .nvmrc)"
__node24_dir="$PWD/.tools/node24"
if [ "$("$__node24_dir/node_modules/.bin/node" --version 2>/dev/null)" != "v$__node24_version" ]; then
  mkdir -p "$__node24_dir"
  [ -f "$__node24_dir/package.json" ] || echo '{ "private": true }' > "$__node24_dir/package.json"
  npm install --prefix "$__node24_dir" --no-audit --no-fund --no-save --no-package-lock \
    --loglevel=error "node@$__node24_version" || return 1 2>/dev/null || exit 1
fi
export PATH="$__node24_dir/node_modules/.bin:$PATH"
hash -r 2>/dev/null || true
unset __node24_version __node24_dir
