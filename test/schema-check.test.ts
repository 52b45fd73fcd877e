import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkSchema } from '../scripts/schema-changes.js';

// `npm run schema:check` in a throwaway git repository holding this project's API schema on
// `main`, changed on a branch the way a pull request would change it: the check in this process,
// and once as the command, for its exit code.
const root = path.resolve(import.meta.dirname, '..');
const apiSdl = readFileSync(path.join(root, 'schema/api.graphql'), 'utf8');
const changelogHeader = readFileSync(path.join(root, 'schema/CHANGELOG.md'), 'utf8');

let repo: string;
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
const write = (file: string, text: string) => {
  mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
  writeFileSync(path.join(repo, file), text);
};
const schemaCheck = async () => {
  const lines: string[] = [];
  const passed = await checkSchema({ cwd: repo, print: (line) => lines.push(line) });
  return { status: passed ? 0 : 1, output: lines.join('\n') };
};
const schemaCheckCommand = () => {
  const run = spawnSync(path.join(root, 'node_modules/.bin/tsx'), [path.join(root, 'scripts/schema-check.ts')], {
    cwd: repo,
    encoding: 'utf8',
  });
  return { status: run.status, output: run.stdout + run.stderr };
};
const removeDefaultDomain = () => write('schema/api.graphql', apiSdl.replace(/^ {2}"""[^\n]*"""\n {2}defaultDomain: String!\n/m, ''));

beforeEach(() => {
  repo = mkdtempSync(path.join(os.tmpdir(), 'schema-check-'));
  git('init', '--quiet', '--initial-branch=main');
  git('config', 'user.email', 'ci@partner-graph.example');
  git('config', 'user.name', 'CI');
  write('schema/api.graphql', apiSdl);
  write('schema/CHANGELOG.md', changelogHeader);
  git('add', '-A');
  git('commit', '--quiet', '-m', 'main');
  git('checkout', '--quiet', '-b', 'feature');
});
afterEach(() => {
  rmSync(repo, { recursive: true, force: true });
});

describe('npm run schema:check', () => {
  it('fails on a removed field and names its coordinate; the command exits 1', () => {
    removeDefaultDomain();
    const { status, output } = schemaCheckCommand();
    expect(status).toBe(1);
    expect(output).toMatch(/BREAKING .*defaultDomain.*\(Customer\.defaultDomain\)/);
  });

  it('passes on an added field, reporting it as safe', async () => {
    write('schema/api.graphql', apiSdl.replace(/^ {2}defaultDomain: String!\n/m, '$&  billingEmail: String\n'));
    const { status, output } = await schemaCheck();
    expect(status).toBe(0);
    expect(output).toMatch(/safe .*billingEmail/);
  });

  it('passes on a removal declared under "## Unreleased", not under a released heading', async () => {
    removeDefaultDomain();
    write('schema/CHANGELOG.md', `${changelogHeader}\n## 2026-10-01\n\n- Removed \`Customer.defaultDomain\`.\n`);
    expect((await schemaCheck()).status).toBe(1);

    write('schema/CHANGELOG.md', `${changelogHeader}- Removed \`Customer.defaultDomain\`: read \`Customer.domains\`.\n`);
    const { status, output } = await schemaCheck();
    expect(status).toBe(0);
    expect(output).toMatch(/breaking, declared .*Customer\.defaultDomain/);
  });

  it('compares with where the branch left main, so what main gained since is no removal', async () => {
    git('checkout', '--quiet', 'main');
    write('schema/api.graphql', apiSdl.replace(/^ {2}defaultDomain: String!\n/m, '$&  billingEmail: String\n'));
    git('commit', '--quiet', '-am', 'main adds a field');
    git('checkout', '--quiet', 'feature');
    expect((await schemaCheck()).status).toBe(0);
  });

  it('on a clone with only main, checks the working copy against main', async () => {
    git('checkout', '--quiet', 'main');
    git('branch', '-D', 'feature');
    removeDefaultDomain();
    expect((await schemaCheck()).status).toBe(1);
  });

  it('fails when a dashboard document no longer validates, and passes while it does', async () => {
    write(
      'web/src/customers/CustomerRow.tsx',
      'import { graphql } from "../gql";\nexport const CustomerRow = graphql(`\n  fragment CustomerRow on Customer { id companyName defaultDomain }\n`);\n',
    );
    write('web/src/customers/customers.graphql', 'query Customers { customers(first: 10) { edges { node { ...CustomerRow } } } }\n');
    // Generated code repeats the documents; it is not read.
    write('web/src/gql/gql.ts', 'export const documents = graphql(`fragment CustomerRow on Customer { id }`);\n');
    const valid = await schemaCheck();
    expect(valid.status).toBe(0);
    expect(valid.output).toContain('Dashboard documents: 2 under web/src, 0 error(s).');

    removeDefaultDomain();
    write('schema/CHANGELOG.md', `${changelogHeader}- Removed \`Customer.defaultDomain\`.\n`);
    const broken = await schemaCheck();
    expect(broken.status).toBe(1);
    expect(broken.output).toMatch(/INVALID {2}web\/src\/customers\/CustomerRow\.tsx:2:\d+ .*defaultDomain/);
  });
});
