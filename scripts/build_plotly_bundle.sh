#!/usr/bin/env bash
# Build msc_atlas/vendor/plotly-partial.min.js: plotly.js core plus the trace types in
# msc_atlas/plotly_bundle.py (TRACE_TYPES), from the pinned npm packages of js/plotly-partial/
# (package-lock.json; `npm ci`), and write its sha256 into msc_atlas/vendor/README.md.
# Needs node + npm (node 20 works; plotly.js asks for 22 but only its own build tooling needs it).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
module=msc_atlas/plotly_bundle.py
out=msc_atlas/vendor/plotly-partial.min.js

# Read the constants without importing the package (no Dash needed to build the bundle).
read_constant() {
  "$PYTHON" -c 'import ast, sys
tree = ast.parse(open(sys.argv[1]).read())
value = next(ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
             and any(getattr(t, "id", None) == sys.argv[2] for t in node.targets))
print(",".join(value) if isinstance(value, tuple) else value)' "$module" "$1"
}
traces="$(read_constant TRACE_TYPES)"
version="$(read_constant PLOTLY_JS_VERSION)"
pinned="$("$PYTHON" -c 'import json; print(json.load(open("js/plotly-partial/package.json"))["devDependencies"]["plotly.js"])')"
if [ "$pinned" != "$version" ]; then
  echo "js/plotly-partial/package.json pins plotly.js $pinned but $module says $version" >&2
  exit 1
fi

(cd js/plotly-partial && npm ci --no-audit --no-fund --loglevel=error && node build.mjs --traces "$traces" --out "../../$out")

sha="$(sha256sum "$out" | cut -d' ' -f1)"
raw="$(stat -c %s "$out")"
gz="$(gzip -6 -c "$out" | wc -c)"
"$PYTHON" - "$sha" <<'PY'
import re, sys
path = "msc_atlas/vendor/README.md"
text = open(path).read()
text, count = re.subn(r"(?m)^- sha256: `[0-9a-f]*`$", f"- sha256: `{sys.argv[1]}`", text)
if count != 1:
    sys.exit(f"{path}: no '- sha256: `...`' line to update")
open(path, "w").write(text)
PY
echo "$out: plotly.js $version, traces scatter,$traces; $raw bytes ($gz gzipped); sha256 $sha"
