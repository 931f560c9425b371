import type { MessageKey, Translate } from '../shared/i18n';
import { createTranslator } from '../shared/i18n';
import { localeFromLanguageTag, type Locale } from '../shared/locale';

/**
 * Sets up an extension page in the browser's language: the translator, the locale, `<html lang>`
 * and the window title. Every extension page's entry point starts with it.
 */
export function pageLanguage(
  i18n: { getMessage(key: MessageKey, substitutions?: string[]): string; getUILanguage(): string },
  doc: Document,
  titleKey: MessageKey,
): { t: Translate; locale: Locale } {
  const t = createTranslator((key, substitutions) => i18n.getMessage(key, substitutions));
  const locale = localeFromLanguageTag(i18n.getUILanguage());
  doc.documentElement.lang = locale;
  doc.title = t(titleKey);
  return { t, locale };
}
