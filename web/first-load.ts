import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DASHBOARD } from './build.js';

// The JavaScript a browser downloads before the dashboard's first screen: index.html's module
// script and the chunks it preloads, then the catalogue of the screen's language (fetched before
// the first screen renders; lazy pages come later). Gzip level 9, as a server would send it.
const BEFORE_I18N_GZIP_KB = 218.82; // 09c13c6, the English-only dashboard (docs/languages.md)
const LANGUAGES = ['en', 'fr'];

const html = readFileSync(path.join(DASHBOARD.dir, 'index.html'), 'utf8');
const manifest = JSON.parse(readFileSync(path.join(DASHBOARD.dir, '.vite/manifest.json'), 'utf8')) as Record<string, { file: string }>;

function size(file: string): { raw: number; gzip: number } {
  const content = readFileSync(path.join(DASHBOARD.dir, file));
  return { raw: content.length, gzip: gzipSync(content, { level: 9 }).length };
}

const line = (name: string, { raw, gzip }: { raw: number; gzip: number }, note = '') =>
  console.log(`${name.padEnd(48)} ${(raw / 1000).toFixed(2).padStart(9)} kB  gzip ${(gzip / 1000).toFixed(2).padStart(8)} kB${note}`);

const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((match) => match[1]!);
const firstLoad = { raw: 0, gzip: 0 };
for (const file of files) {
  const each = size(file);
  firstLoad.raw += each.raw;
  firstLoad.gzip += each.gzip;
  line(file, each);
}
line('first-load JavaScript', firstLoad);
for (const language of LANGUAGES) {
  const catalogue = manifest[`src/i18n/messages/${language}.json`];
  if (!catalogue) throw new Error(`No chunk for the ${language} catalogue in the build's manifest`);
  const own = size(catalogue.file);
  line(`${catalogue.file}`, own, ` (the ${language} catalogue)`);
  const total = { raw: firstLoad.raw + own.raw, gzip: firstLoad.gzip + own.gzip };
  const growth = ((total.gzip / 1000 / BEFORE_I18N_GZIP_KB - 1) * 100).toFixed(1);
  line(`first screen in ${language}`, total, `  ${growth.startsWith('-') ? '' : '+'}${growth} % on ${BEFORE_I18N_GZIP_KB} kB before i18n`);
}
