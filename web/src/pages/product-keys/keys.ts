/** Characters of a product key without its hyphens (`XXXXX-XXXXX-XXXXX-XXXXX-XXXXX`). */
const KEY_LENGTH = 25;

/**
 * The keys in what a person typed or pasted: one per line, or separated by commas, semicolons or
 * tabs; several keys pasted on one line with spaces are cut at each 25 characters. Case and
 * hyphens are left as typed: the graph normalises them and says which ones are malformed.
 */
export function splitProductKeys(text: string): string[] {
  return text
    .split(/[\r\n,;\t]+/)
    .map((piece) => piece.trim())
    .filter((piece) => piece !== '')
    .flatMap((piece) => {
      const bare = piece.replace(/[\s-]+/g, '');
      if (bare.length > KEY_LENGTH && bare.length % KEY_LENGTH === 0) {
        return Array.from({ length: bare.length / KEY_LENGTH }, (_, index) => bare.slice(index * KEY_LENGTH, (index + 1) * KEY_LENGTH));
      }
      return [piece];
    });
}
