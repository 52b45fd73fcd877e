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

/** The keys as a text file, one per line, for the partner to keep (they are never shown again). */
export function downloadKeys(keys: string[], offerName: string): void {
  const blob = new Blob([`${offerName}\n${keys.join('\n')}\n`], { type: 'text/plain' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `product-keys-${new Date().toISOString().slice(0, 10)}.txt`;
  link.click();
  URL.revokeObjectURL(url);
}
