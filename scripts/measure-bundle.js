#!/usr/bin/env node
/* eslint-disable no-console */
// Measures the GitOps plugin's share of the app bundle, gzipped.
//
//   source scripts/bootstrap.sh
//   (cd packages/app && yarn backstage-cli package build --stats)   # ~2 min, writes dist/bundle-stats.json
//   node scripts/measure-bundle.js
//
// For every emitted JS chunk, the gitops plugin's share is the fraction of the chunk's module
// bytes that come from plugins/gitops and plugins/gitops-common, applied to the chunk's gzipped
// size. Chunks only the plugin loads count whole.
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const dist = path.resolve(__dirname, '../packages/app/dist');
const stats = JSON.parse(
  fs.readFileSync(path.join(dist, 'bundle-stats.json'), 'utf8'),
);
const ours = /plugins\/gitops(-common)?\//;

const moduleName = m => m.nameForCondition ?? m.identifier ?? m.name ?? '';
let pluginGzip = 0;
let totalGzip = 0;
let pluginRaw = 0;
const pluginChunks = [];
for (const chunk of stats.chunks ?? []) {
  const files = (chunk.files ?? []).filter(f => f.endsWith('.js'));
  const gzip = files.reduce((sum, f) => {
    const file = path.join(dist, f);
    return fs.existsSync(file)
      ? sum + zlib.gzipSync(fs.readFileSync(file)).length
      : sum;
  }, 0);
  totalGzip += gzip;
  const modules = (chunk.modules ?? []).flatMap(m => m.modules ?? [m]);
  const all = modules.reduce((s, m) => s + (m.size ?? 0), 0);
  const mine = modules
    .filter(m => ours.test(moduleName(m)))
    .reduce((s, m) => s + (m.size ?? 0), 0);
  if (mine > 0 && all > 0) {
    pluginRaw += mine;
    pluginGzip += (gzip * mine) / all;
    pluginChunks.push({
      files: files.join(','),
      share: `${Math.round((100 * mine) / all)}%`,
    });
  }
}
console.log(
  JSON.stringify(
    {
      pluginGzipKB: +(pluginGzip / 1024).toFixed(1),
      pluginSourceKB: +(pluginRaw / 1024).toFixed(1),
      appGzipKB: +(totalGzip / 1024).toFixed(1),
      chunks: pluginChunks,
    },
    null,
    2,
  ),
);
