// Bundle plotly.js core plus the given trace modules into one minified script that defines window.Plotly.
//
//   node build.mjs --traces bar,box,choropleth,heatmap --out path/to/bundle.min.js
//
// The esbuild options follow plotly.js's own build (its esbuild-config.js: iife, globalName Plotly,
// global -> window, no AMD, es2016); the trace list comes from msc_atlas/plotly_bundle.py through
// scripts/build_plotly_bundle.sh, so the app and its bundle name the same trace types.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { traces: { type: 'string' }, out: { type: 'string' } } });
if (!values.traces || !values.out) {
    throw new Error('usage: node build.mjs --traces a,b,c --out bundle.min.js');
}
const traces = values.traces.split(',').map((name) => name.trim()).filter(Boolean);
const require = createRequire(import.meta.url);
const plotlyVersion = JSON.parse(readFileSync(require.resolve('plotly.js/package.json'), 'utf8')).version;
for (const name of traces) {
    if (!/^[a-z0-9]+$/.test(name)) throw new Error(`not a trace type: ${name}`);
    require.resolve(`plotly.js/lib/${name}`);  // fails loudly on a trace type plotly.js does not have
}

// plotly.js core always registers scatter; the listed traces are registered on top of it.
const entry = [
    "var Plotly = require('plotly.js/lib/core');",
    `Plotly.register([${traces.map((name) => `require('plotly.js/lib/${name}')`).join(', ')}]);`,
    'module.exports = Plotly;',
].join('\n');

const banner = `/**
* plotly.js (partial: ${traces.join(', ')}) v${plotlyVersion}
* Copyright 2012-2026, Plotly, Inc.
* All rights reserved.
* Licensed under the MIT license
* traces: ${['scatter', ...traces].join(',')}
*/`;

await build({
    stdin: { contents: entry, resolveDir: here, sourcefile: 'plotly-partial-entry.js' },
    outfile: values.out,
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    sourcemap: false,
    legalComments: 'eof',
    define: { global: 'window', 'define.amd': 'false' },
    target: 'es2016',
    // plotly.js imports maplibre's CSS only when a map trace registers (its own build inlines it with a plugin);
    // no map trace here, so CSS imports are empty modules and no stray .css file is written
    loader: { '.css': 'empty' },
    banner: { js: banner },
    footer: { js: 'window.Plotly = Plotly;' },
    logLevel: 'warning',
});
