import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DASHBOARD } from './build.js';

// The JavaScript a browser downloads before the dashboard's first screen: index.html's module
// script and the chunks it preloads (lazy pages and the message catalogues come later).
const html = readFileSync(path.join(DASHBOARD.dir, 'index.html'), 'utf8');
const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((match) => match[1]!);
let raw = 0;
let gzip = 0;
for (const file of files) {
  const content = readFileSync(path.join(DASHBOARD.dir, file));
  const zipped = gzipSync(content, { level: 9 }).length;
  raw += content.length;
  gzip += zipped;
  console.log(`${file.padEnd(48)} ${(content.length / 1000).toFixed(2).padStart(9)} kB  gzip ${(zipped / 1000).toFixed(2).padStart(8)} kB`);
}
console.log(
  `${'first-load JavaScript'.padEnd(48)} ${(raw / 1000).toFixed(2).padStart(9)} kB  gzip ${(gzip / 1000).toFixed(2).padStart(8)} kB`,
);
