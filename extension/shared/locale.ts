/** The languages the sidebar and rule sets are written in; Dutch is the default. */
export const LOCALES = ['nl', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** Text in every supported locale. */
export type LocalizedText = Record<Locale, string>;

/**
 * Picks the sidebar's locale from a browser UI language tag such as `en-GB` or `nl`:
 * English only when the browser speaks English, Dutch otherwise.
 */
export function localeFromLanguageTag(tag: string | undefined): Locale {
  return tag?.toLowerCase().startsWith('en') ? 'en' : 'nl';
}
