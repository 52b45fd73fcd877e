import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { IntlProvider, useIntl } from 'react-intl';
import { loadMessages, type MessageId, type Messages } from './catalogues';
import { initialLocale, keepLocale, type Locale } from './locale';

interface LocaleChoice {
  locale: Locale;
  /** `keep`: the account menu's choice, kept for the next visits; a customer's language is not kept. */
  setLocale: (locale: Locale, options?: { keep?: boolean }) => void;
}

const LocaleContext = createContext<LocaleChoice | null>(null);

/**
 * The active language: its catalogue (loaded when first used), react-intl's formatters and
 * `<html lang>`. The page shows once the catalogue is there; a switch keeps the current
 * language on screen until the other one has loaded.
 */
export function I18nProvider({ children }: { children: React.ReactNode }) {
  const [wanted, setWanted] = useState<Locale>(initialLocale);
  const [loaded, setLoaded] = useState<{ locale: Locale; messages: Messages } | null>(null);
  useEffect(() => {
    let current = true;
    void loadMessages(wanted).then((messages) => {
      if (!current) return;
      document.documentElement.lang = wanted;
      document.title = messages['app.title'];
      setLoaded({ locale: wanted, messages });
    });
    return () => {
      current = false;
    };
  }, [wanted]);
  const setLocale = useCallback((locale: Locale, options: { keep?: boolean } = {}) => {
    if (options.keep) keepLocale(locale);
    setWanted(locale);
  }, []);
  const choice = useMemo(() => (loaded ? { locale: loaded.locale, setLocale } : null), [loaded, setLocale]);
  if (!loaded || !choice) return null;
  return (
    <LocaleContext.Provider value={choice}>
      <IntlProvider locale={loaded.locale} defaultLocale="en" messages={loaded.messages}>
        {children}
      </IntlProvider>
    </LocaleContext.Provider>
  );
}

export function useLocale(): LocaleChoice {
  const choice = useContext(LocaleContext);
  if (!choice) throw new Error('useLocale outside I18nProvider');
  return choice;
}

type Values = Record<string, string | number | Date>;

const bold = (chunks: ReactNode[]) => <strong>{chunks}</strong>;

const displayNames = new Map<string, Intl.DisplayNames>();

/** Messages from the catalogues, and dates, numbers, prices and countries written for the active locale. */
export function useI18n() {
  const intl = useIntl();
  return useMemo(() => {
    const locale = intl.locale;
    let regions = displayNames.get(locale);
    if (!regions) displayNames.set(locale, (regions = new Intl.DisplayNames([locale], { type: 'region' })));
    const country = (code: string) => regions.of(code) ?? code;
    return {
      locale,
      // Tags are text here (`<name>@domain`); `rich` is for messages that mark words up (`<b>…</b>`).
      t: (id: MessageId, values?: Values): string => intl.formatMessage({ id }, values, { ignoreTag: true }),
      rich: (id: MessageId, values: Record<string, ReactNode | ((chunks: ReactNode[]) => ReactNode)>): ReactNode =>
        intl.formatMessage({ id }, { b: bold, ...values }),
      /** Whether a message exists (ids made from the graph's enums, e.g. an error code). */
      has: (id: string): id is MessageId => id in intl.messages,
      date: (iso: string | Date) => intl.formatDate(iso, { day: 'numeric', month: 'short', year: 'numeric' }),
      longDate: (iso: string | Date) => intl.formatDate(iso, { dateStyle: 'long' }),
      dateTime: (iso: string | Date) => intl.formatDate(iso, { dateStyle: 'medium', timeStyle: 'short' }),
      number: (value: number) => intl.formatNumber(value),
      price: (amount: number, currency: string) => intl.formatNumber(amount, { style: 'currency', currency }),
      country,
      /** Select options of country codes, by name in the active language. */
      countryOptions: (codes: readonly string[]) =>
        codes.map((code) => ({ value: code, label: country(code) })).sort((a, b) => a.label.localeCompare(b.label, locale)),
    };
  }, [intl]);
}
