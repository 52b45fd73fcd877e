import {
  createContext,
  createElement,
  Fragment,
  useCallback,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import { IntlMessageFormat } from 'intl-messageformat';
import { loadMessages, type MessageId, type Messages } from './catalogues';
import { initialLocale, keepLocale, supported, type Locale } from './locale';

interface LocaleChoice {
  locale: Locale;
  /** `keep`: the account menu's choice, kept for the next visits; a customer's language is not kept. */
  setLocale: (locale: Locale, options?: { keep?: boolean }) => void;
}

interface Active {
  locale: Locale;
  messages: Messages;
}

const LocaleContext = createContext<(LocaleChoice & Active) | null>(null);

/**
 * The active language: its catalogue (loaded when first used) and `<html lang>`. The page shows
 * once the catalogue is there; a switch keeps the current language on screen until the other one
 * has loaded.
 */
export function I18nProvider({ children }: { children: React.ReactNode }) {
  const [wanted, setWanted] = useState<Locale>(initialLocale);
  const [loaded, setLoaded] = useState<Active | null>(null);
  useEffect(() => {
    let current = true;
    void loadMessages(wanted).then((messages) => {
      if (current) setLoaded({ locale: wanted, messages });
    });
    return () => {
      current = false;
    };
  }, [wanted]);
  const setLocale = useCallback((locale: Locale, options: { keep?: boolean } = {}) => {
    if (options.keep) keepLocale(locale);
    setWanted(locale);
  }, []);
  const value = useMemo(() => (loaded ? { ...loaded, setLocale } : null), [loaded, setLocale]);
  useLayoutEffect(() => {
    if (!loaded) return;
    document.documentElement.lang = loaded.locale;
    document.title = message(loaded, 'app.title').format() as string;
  }, [loaded]);
  if (!value) return null;
  return <LocaleContext.Provider value={value}>{children}</LocaleContext.Provider>;
}

function useActive(): LocaleChoice & Active {
  const active = useContext(LocaleContext);
  if (!active) throw new Error('useLocale outside I18nProvider');
  return active;
}

export function useLocale(): LocaleChoice {
  const { locale, setLocale } = useActive();
  return { locale, setLocale };
}

/**
 * A customer-facing page speaks its customer's language once it is known (`fr`, `en`; another
 * one leaves the page as it is): messages and formats switch, the account menu's kept choice is
 * left alone, and the language chosen before comes back when the page goes. Returns whether the
 * page speaks it yet (its catalogue can take a moment to load).
 */
export function useCustomerLanguage(language: string | null | undefined): boolean {
  const { locale, setLocale } = useActive();
  const customers = supported(language);
  useEffect(() => {
    if (!customers) return;
    setLocale(customers);
    return () => setLocale(initialLocale());
  }, [customers, setLocale]);
  return !customers || customers === locale;
}

// Each message's formatter, made once per catalogue (a catalogue object stands for its language).
const formatters = new WeakMap<Messages, Map<MessageId, IntlMessageFormat>>();

function message({ locale, messages }: Active, id: MessageId): IntlMessageFormat {
  let made = formatters.get(messages);
  if (!made) formatters.set(messages, (made = new Map()));
  let formatter = made.get(id);
  if (!formatter) made.set(id, (formatter = new IntlMessageFormat(messages[id], locale)));
  return formatter;
}

// One Intl formatter per locale and options: making one costs far more than using it.
const intlFormatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.DisplayNames>();
function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.DisplayNames>(key: string, make: () => T): T {
  let formatter = intlFormatters.get(key) as T | undefined;
  if (!formatter) intlFormatters.set(key, (formatter = make()));
  return formatter;
}

type Values = Record<string, string | number | Date>;

const bold = (chunks: ReactNode[]) => <strong>{chunks}</strong>;

/** Messages from the catalogues, and dates, numbers, prices and countries written for the active locale (FormatJS's ICU MessageFormat, the browser's `Intl`). */
export function useI18n() {
  const active = useActive();
  return useMemo(() => {
    const { locale, messages } = active;
    const dates = (options: Intl.DateTimeFormatOptions) =>
      cached(`date ${locale} ${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(locale, options));
    const numbers = (options: Intl.NumberFormatOptions = {}) =>
      cached(`number ${locale} ${JSON.stringify(options)}`, () => new Intl.NumberFormat(locale, options));
    const regions = cached(`region ${locale}`, () => new Intl.DisplayNames([locale], { type: 'region' }));
    const country = (code: string) => regions.of(code) ?? code;
    const when = (iso: string | Date) => (typeof iso === 'string' ? new Date(iso) : iso);
    return {
      locale,
      // Tags are text here (`<name>@domain`); `rich` is for messages that mark words up (`<b>…</b>`).
      t: (id: MessageId, values?: Values): string => String(message(active, id).format(values)),
      rich: (id: MessageId, values: Record<string, ReactNode | ((chunks: ReactNode[]) => ReactNode)>): ReactNode => {
        const parts = message(active, id).format<ReactNode>({ b: bold, ...values });
        return Array.isArray(parts) ? createElement(Fragment, null, ...(parts as ReactNode[])) : (parts as ReactNode);
      },
      /** Whether a message exists (ids made from the graph's enums, e.g. an error code). */
      has: (id: string): id is MessageId => id in messages,
      date: (iso: string | Date) => dates({ day: 'numeric', month: 'short', year: 'numeric' }).format(when(iso)),
      longDate: (iso: string | Date) => dates({ dateStyle: 'long' }).format(when(iso)),
      dateTime: (iso: string | Date) => dates({ dateStyle: 'medium', timeStyle: 'short' }).format(when(iso)),
      number: (value: number) => numbers().format(value),
      price: (amount: number, currency: string) => numbers({ style: 'currency', currency }).format(amount),
      country,
      /** Select options of country codes, by name in the active language. */
      countryOptions: (codes: readonly string[]) =>
        codes.map((code) => ({ value: code, label: country(code) })).sort((a, b) => a.label.localeCompare(b.label, locale)),
    };
  }, [active]);
}
