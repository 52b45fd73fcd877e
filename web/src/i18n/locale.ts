/** The languages the dashboard and the customer-facing pages speak; the first is the fallback. */
export const LOCALES = ['en', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];

const STORAGE_KEY = 'partner-graph.language';

/** The language a tag (`fr`, `fr-BE`, `en-GB`) names, if it is one of ours; null otherwise. */
export function supported(tag: string | null | undefined): Locale | null {
  const base = tag?.toLowerCase().split('-')[0];
  return LOCALES.find((locale) => locale === base) ?? null;
}

/** The language chosen in the account menu, else the browser's first supported language (Accept-Language). */
export function initialLocale(): Locale {
  let chosen: string | null = null;
  try {
    chosen = localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be refused (private mode): the browser's language then decides.
  }
  return (
    supported(chosen) ?? navigator.languages.map(supported).find((locale) => locale !== null) ?? supported(navigator.language) ?? LOCALES[0]
  );
}

export function keepLocale(locale: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Not kept: the next visit follows the browser's language again.
  }
}
