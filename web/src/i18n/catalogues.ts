import type { MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import type en from './messages/en.json';
import type { Locale } from './locale';

/** Every message's id; the English catalogue is the reference, the French one has the same ids (web/test/messages.test.ts). */
export type MessageId = keyof typeof en;
/** A catalogue as the build ships it: each message already parsed (web/vite.config.ts), or as written (a test). */
export type Messages = Record<MessageId, string> | Record<MessageId, MessageFormatElement[]>;

// One chunk per language, loaded when that language is first used.
const loaders: Record<Locale, () => Promise<{ default: unknown }>> = {
  en: () => import('./messages/en.json'),
  fr: () => import('./messages/fr.json'),
};

export async function loadMessages(locale: Locale): Promise<Messages> {
  return (await loaders[locale]()).default as Messages;
}
