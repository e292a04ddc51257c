#!/usr/bin/env bash
# Print the path of a working pythonX.Y interpreter (pyenv shims may exist but refuse to run).
set -euo pipefail
version="$1"
for candidate in "$HOME/.pyenv/versions/$version".*/bin/python"$version" \
                 /root/.pyenv/versions/"$version".*/bin/python"$version" \
                 "$(command -v python"$version" 2>/dev/null || true)" \
                 /usr/bin/python"$version" /usr/local/bin/python"$version"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ] && "$candidate" -c 'import venv' >/dev/null 2>&1; then
    echo "$candidate"; exit 0
  fi
done
echo "python$version not found: install it (e.g. pyenv install $version)" >&2
exit 1
