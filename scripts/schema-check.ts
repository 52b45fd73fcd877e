import { parseArgs } from 'node:util';
import { checkSchema } from './schema-changes.js';

/**
 * `npm run schema:check` (scripts/schema-changes.ts says what it checks): exits 1 when the check
 * fails. `--base <ref>` compares with another commit instead of where the branch left main.
 */
const { values: args } = parseArgs({ options: { base: { type: 'string' } } });
const passed = await checkSchema({ cwd: process.cwd(), base: args.base, print: (line) => console.log(line) });
if (!passed) process.exit(1);
