import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { gqlPluckFromCodeStringSync } from '@graphql-tools/graphql-tag-pluck';
import {
  buildSchema,
  concatAST,
  NoDeprecatedCustomRule,
  NoUnusedFragmentsRule,
  parse,
  Source,
  specifiedRules,
  validate as validateDocument,
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
} from 'graphql';

/**
 * What `npm run schema:check` checks (scripts/schema-check.ts runs it): what this branch changes
 * in the client API (`schema/api.graphql`) compared with the main branch (GraphQL Inspector),
 * and whether the dashboard's documents (`.graphql` files and gql/graphql-tagged templates under
 * `web/src`) still validate against it. It fails on a breaking change not declared in
 * `schema/CHANGELOG.md` (under `## Unreleased`, its coordinate in backticks) and on an invalid
 * document.
 */

const API_SCHEMA = 'schema/api.graphql';
const CHANGELOG = 'schema/CHANGELOG.md';
const DOCUMENTS_DIR = 'web/src';
/** Generated code (the client preset writes `gql/`) repeats the documents it was made from. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '__generated__', 'gql']);

export interface SchemaCheckOptions {
  /** A folder inside the repository to check. */
  cwd: string;
  /** Compare with this commit instead of where the branch left main. */
  base?: string;
  /** Where the report goes, a line at a time. */
  print(line: string): void;
}

/** Runs the check and reports it; false when it fails. */
export async function checkSchema(options: SchemaCheckOptions): Promise<boolean> {
  const repo = new Repository(options.cwd, options.base);
  const schema = buildSchema(readFileSync(path.join(repo.root, API_SCHEMA), 'utf8'));
  const changesPass = await checkSchemaChanges(repo, schema, options.print);
  const documentsPass = checkDocuments(repo.root, schema, options.print);
  if (changesPass && documentsPass) return true;
  options.print('\nschema:check failed.');
  return false;
}

/** The repository being checked, through git. */
class Repository {
  readonly root: string;

  constructor(
    private readonly cwd: string,
    private readonly base: string | undefined,
  ) {
    this.root = this.git('rev-parse', '--show-toplevel');
  }

  git(...gitArgs: string[]): string {
    return execFileSync('git', gitArgs, { cwd: this.cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  }

  gitOrNull(...gitArgs: string[]): string | null {
    try {
      return this.git(...gitArgs);
    } catch {
      return null;
    }
  }

  /**
   * Where this branch left main: the merge base with `origin/main` (a CI clone) or `main`, so
   * what main gained since does not read as this branch removing it. Null when neither exists.
   */
  baseCommit(): { ref: string; commit: string } | null {
    if (this.base) return { ref: this.base, commit: this.git('rev-parse', '--verify', `${this.base}^{commit}`) };
    for (const ref of ['origin/main', 'main']) {
      if (this.gitOrNull('rev-parse', '--verify', '--quiet', `${ref}^{commit}`) === null) continue;
      return { ref, commit: this.gitOrNull('merge-base', 'HEAD', ref) ?? this.git('rev-parse', `${ref}^{commit}`) };
    }
    return null;
  }
}

/** Coordinates (`Type.field`, `Type.field.argument`, `Enum.VALUE`, `Type`) declared under `## Unreleased`. */
function declaredChanges(changelog: string): Set<string> {
  const declared = new Set<string>();
  let inUnreleased = false;
  for (const line of changelog.split('\n')) {
    if (/^##\s/.test(line)) inUnreleased = /^##\s+Unreleased\b/i.test(line);
    else if (inUnreleased) for (const match of line.matchAll(/`([_A-Za-z][_0-9A-Za-z.]*)`/g)) declared.add(match[1]!);
  }
  return declared;
}

async function checkSchemaChanges(repo: Repository, schema: GraphQLSchema, print: (line: string) => void): Promise<boolean> {
  const base = repo.baseCommit();
  if (!base) {
    print('No main branch (main or origin/main) to compare with: schema changes not checked.');
    return true;
  }
  const baseSdl = repo.gitOrNull('show', `${base.commit}:${API_SCHEMA}`);
  const label = `${API_SCHEMA} against ${base.ref} (${base.commit.slice(0, 10)})`;
  if (baseSdl === null) {
    print(`${label}: the file is new, nothing to compare.`);
    return true;
  }
  const changes = await diff(buildSchema(baseSdl), schema);
  const changelogPath = path.join(repo.root, CHANGELOG);
  const declared = declaredChanges(existsSync(changelogPath) ? readFileSync(changelogPath, 'utf8') : '');
  const of = (level: CriticalityLevel) => changes.filter((change) => change.criticality.level === level);
  const line = (change: Change) => `${change.message}${change.path ? ` (${change.path})` : ''}`;

  print(`${label}: ${changes.length} change(s).`);
  let passed = true;
  for (const change of of(CriticalityLevel.Breaking)) {
    if (change.path && declared.has(change.path)) {
      print(`  breaking, declared   ${line(change)}`);
    } else {
      passed = false;
      print(`  BREAKING             ${line(change)}`);
      print(`                       declare it under "## Unreleased" in ${CHANGELOG} as \`${change.path ?? '?'}\` if it is intended`);
    }
  }
  for (const change of of(CriticalityLevel.Dangerous)) {
    print(`  dangerous            ${line(change)}${change.criticality.reason ? `: ${change.criticality.reason}` : ''}`);
  }
  for (const change of of(CriticalityLevel.NonBreaking)) print(`  safe                 ${line(change)}`);
  return passed;
}

/** `.graphql` files and gql/graphql-tagged documents under `web/src`. */
function dashboardDocuments(root: string): Source[] {
  const dir = path.join(root, DOCUMENTS_DIR);
  if (!existsSync(dir)) return [];
  const sources: Source[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const file = path.join(folder, entry.name);
      const name = path.relative(root, file);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(file);
      } else if (/\.(graphql|gql)$/.test(entry.name)) {
        sources.push(new Source(readFileSync(file, 'utf8'), name));
      } else if (/\.(ts|tsx|js|jsx)$/.test(entry.name) && !/\.d\.ts$/.test(entry.name)) {
        for (const plucked of gqlPluckFromCodeStringSync(file, readFileSync(file, 'utf8')))
          sources.push(new Source(plucked.body, name, plucked.locationOffset));
      }
    }
  };
  walk(dir);
  return sources;
}

/** Where an error points: the file of its first node (documents are checked together), line and column. */
function place(error: GraphQLError): string {
  const at = error.locations?.[0];
  if (!at) return error.source?.name ?? '?';
  // A template plucked from a .tsx file starts inside it: locations count from its start.
  const offset = error.source?.locationOffset ?? { line: 1, column: 1 };
  const line = at.line + offset.line - 1;
  const column = at.line === 1 ? at.column + offset.column - 1 : at.column;
  return `${error.source?.name ?? '?'}:${line}:${column}`;
}

/**
 * All documents as one, as the dashboard's build sees them: a page's query spreads fragments
 * that live next to their components in other files. Every specified rule but "no unused
 * fragments" (a fragment written ahead of its first use is no error for the API).
 */
function checkDocuments(root: string, schema: GraphQLSchema, print: (line: string) => void): boolean {
  const sources = dashboardDocuments(root);
  if (sources.length === 0) {
    print(`Dashboard documents: none under ${DOCUMENTS_DIR}, nothing to validate.`);
    return true;
  }
  const errors: GraphQLError[] = [];
  const documents: DocumentNode[] = [];
  for (const source of sources) {
    try {
      documents.push(parse(source));
    } catch (error) {
      errors.push(error as GraphQLError);
    }
  }
  const document = concatAST(documents);
  errors.push(
    ...validateDocument(
      schema,
      document,
      specifiedRules.filter((rule) => rule !== NoUnusedFragmentsRule),
    ),
  );
  for (const error of errors) print(`  INVALID  ${place(error)}  ${error.message}`);
  for (const warning of validateDocument(schema, document, [NoDeprecatedCustomRule]))
    print(`  deprecated  ${place(warning)}  ${warning.message}`);
  print(`Dashboard documents: ${sources.length} under ${DOCUMENTS_DIR}, ${errors.length} error(s).`);
  return errors.length === 0;
}
