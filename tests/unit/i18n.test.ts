import { describe, expect, it } from 'vitest';
import nl from '../../extension/public/_locales/nl/messages.json';
import en from '../../extension/public/_locales/en/messages.json';
import { translatorFromBundle } from '../../extension/shared/i18n';
import { localeFromLanguageTag } from '../../extension/shared/locale';

describe('extension messages', () => {
  it('has every Dutch message in English too, with the same placeholders', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(nl).sort());
    for (const key of Object.keys(nl) as Array<keyof typeof nl>) {
      const placeholders = (bundle: Record<string, { message: string; placeholders?: object }>) => Object.keys(bundle[key]?.placeholders ?? {}).sort();
      expect(placeholders(en as Record<string, { message: string }>), key).toEqual(placeholders(nl as Record<string, { message: string }>));
    }
  });

  it('fills placeholders in order', () => {
    expect(translatorFromBundle(nl)('status_delivered', ['Sociaal wijkteam', '10:15'])).toBe('Afgeleverd bij Sociaal wijkteam om 10:15.');
  });

  it('uses English only for English browsers', () => {
    expect(localeFromLanguageTag('en-GB')).toBe('en');
    expect(localeFromLanguageTag('nl')).toBe('nl');
    expect(localeFromLanguageTag('de')).toBe('nl');
    expect(localeFromLanguageTag(undefined)).toBe('nl');
  });
});
