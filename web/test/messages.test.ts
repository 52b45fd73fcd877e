import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import en from '../src/i18n/messages/en.json' with { type: 'json' };
import fr from '../src/i18n/messages/fr.json' with { type: 'json' };

// No user-facing text inline in a component; every message in French and English.
const SRC = path.join(import.meta.dirname, '../src');

/** The arguments a message takes (`{name}`, `{count, plural, …}`), which both languages must take. */
function argumentsOf(message: string): string[] {
  return [...new Set([...message.matchAll(/\{\s*([A-Za-z]\w*)\s*[,}]/g)].map((match) => match[1]!))].sort();
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '__generated__' ? [] : sources(file);
    return /\.tsx?$/.test(entry.name) ? [file] : [];
  });
}

// Props and object keys that people read or hear (labels, hints, titles, accessible names).
const TEXT_PROPS = new Set([
  'label',
  'placeholder',
  'title',
  'description',
  'aria-label',
  'alt',
  'error',
  'message',
  'confirmLabel',
  'cancelLabel',
  'nothingFoundMessage',
  'tooltip',
]);
const LETTER = /\p{L}/u;
// Any other string that reads like words to a person: a capitalised word, or three words in a row.
const WORDS = /^\s*\p{Lu}\p{Ll}+(?:[\s,.:;!?…]|$)|\p{Ll}+ \p{Ll}+ \p{Ll}+/u;
// …that are not words: a CSS value, an HTTP authorisation scheme.
const NOT_WORDS = /var\(--|^Bearer /;

/** Text a component shows that does not come from a catalogue: JSX text, and string literals given to a text prop or shown as a child. */
export function literalTexts(file: string, text = readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const found: string[] = [];
  const reported = new Set<ts.Node>();
  const report = (node: ts.Node, what: string) => {
    reported.add(node);
    const { line } = source.getLineAndCharacterOfPosition(node.getStart());
    found.push(`${path.relative(SRC, file)}:${line + 1} ${what}`);
  };
  const isText = (node: ts.Node): node is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateExpression =>
    (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) &&
    LETTER.test(node.getText().replace(/\$\{[^}]*\}/g, ''));
  /** The strings an expression may evaluate to (`a ? 'x' : 'y'`, `a ?? 'x'`, `a && 'x'`). */
  const literalsIn = (node: ts.Expression): ts.Node[] => {
    if (ts.isParenthesizedExpression(node)) return literalsIn(node.expression);
    if (ts.isConditionalExpression(node)) return [...literalsIn(node.whenTrue), ...literalsIn(node.whenFalse)];
    if (
      ts.isBinaryExpression(node) &&
      [
        ts.SyntaxKind.QuestionQuestionToken,
        ts.SyntaxKind.BarBarToken,
        ts.SyntaxKind.AmpersandAmpersandToken,
        ts.SyntaxKind.PlusToken,
      ].includes(node.operatorToken.kind)
    ) {
      return [...literalsIn(node.left), ...literalsIn(node.right)];
    }
    return isText(node) ? [node] : [];
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && LETTER.test(node.text)) report(node, `text ${JSON.stringify(node.text.trim())}`);
    if (ts.isJsxExpression(node) && node.expression && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))) {
      for (const literal of literalsIn(node.expression)) report(literal, `child ${literal.getText()}`);
    }
    if (ts.isJsxAttribute(node) && TEXT_PROPS.has(node.name.getText()) && node.initializer) {
      const value = ts.isJsxExpression(node.initializer) ? node.initializer.expression : node.initializer;
      for (const literal of value ? literalsIn(value) : []) report(literal, `${node.name.getText()}=${literal.getText()}`);
    }
    if (ts.isPropertyAssignment(node) && TEXT_PROPS.has(node.name.getText())) {
      for (const literal of literalsIn(node.initializer)) report(literal, `${node.name.getText()}: ${literal.getText()}`);
    }
    if (
      isText(node) &&
      !reported.has(node) &&
      !ts.isImportDeclaration(node.parent) &&
      !ts.isExportDeclaration(node.parent) &&
      WORDS.test(
        node
          .getText()
          .slice(1, -1)
          .replace(/\$\{[^}]*\}/g, ''),
      ) &&
      !NOT_WORDS.test(node.getText().slice(1, -1))
    ) {
      report(node, `string ${node.getText()}`);
    }
    // A list of type names (`['Customer', 'CustomerUser']`) names things in code, not to a person.
    if (
      ts.isArrayLiteralExpression(node) &&
      node.elements.length > 1 &&
      node.elements.every((element) => ts.isStringLiteral(element) && /^[A-Z][A-Za-z]*$/.test(element.text)) &&
      node.elements.some((element) => /^[A-Z][a-z]+[A-Z]/.test((element as ts.StringLiteral).text))
    )
      return;
    // GraphQL documents, and the errors that tell a developer a hook is misused, are not shown to a user.
    if (ts.isCallExpression(node) && ['graphql', 'Error', 'GraphQLRequestError'].includes(node.expression.getText())) return;
    if (ts.isNewExpression(node) && ['Error', 'GraphQLRequestError'].includes(node.expression.getText())) return;
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('message catalogues', () => {
  it('have the same messages in French and English, taking the same arguments', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
    const differing = Object.entries(en).filter(
      ([id, message]) => argumentsOf(message).join() !== argumentsOf((fr as Record<string, string>)[id] ?? '').join(),
    );
    expect(differing.map(([id]) => id)).toEqual([]);
  });

  it('say every error code of the API (schema/api.graphql ErrorCode) in both languages', () => {
    const schema = readFileSync(path.join(import.meta.dirname, '../../schema/api.graphql'), 'utf8');
    // The enum's values, without their descriptions ("""…""" or "…").
    const codes = /enum ErrorCode \{([^}]*)\}/
      .exec(schema)![1]!
      .replace(/"""[\s\S]*?"""|"[^"\n]*"/g, ' ')
      .split(/\s+/)
      .filter(Boolean);
    expect(codes.length).toBeGreaterThan(20);
    expect(codes.filter((code) => !(`error.${code}` in en) || !(`error.${code}` in fr))).toEqual([]);
  });

  it('have no empty message', () => {
    expect(Object.entries({ ...en }).filter(([, message]) => !message.trim())).toEqual([]);
    expect(Object.entries({ ...fr }).filter(([, message]) => !message.trim())).toEqual([]);
  });

  it('hold every user-facing text: no component writes one inline', () => {
    expect(sources(SRC).flatMap((file) => literalTexts(file))).toEqual([]);
  });

  it('finds inline text (the check can fail)', () => {
    const component = `export const A = () => <Button aria-label="Close" title={busy ? 'Wait' : t('x')}>Save {n} · {'now'}</Button>;`;
    expect(literalTexts(path.join(SRC, 'A.tsx'), component)).toEqual([
      'A.tsx:1 aria-label="Close"',
      "A.tsx:1 title='Wait'",
      'A.tsx:1 text "Save"',
      "A.tsx:1 child 'now'",
    ]);
  });
});
