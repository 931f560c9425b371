import type { LifeDomain } from '../../contract/referral-contract';
import type nlMessages from '../public/_locales/nl/messages.json';

export type MessageKey = keyof typeof nlMessages;

/** Looks up user-facing text; substitutions fill the message's placeholders in order. */
export type Translate = (key: MessageKey, substitutions?: ReadonlyArray<string | number>) => string;

type MessageBundle = Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;

/** Wraps `browser.i18n.getMessage`, the extension's own i18n, for typed keys. */
export function createTranslator(getMessage: (key: MessageKey, substitutions?: string[]) => string): Translate {
  return (key, substitutions) => getMessage(key, substitutions?.map(String)) || key;
}

/**
 * A translator over a `messages.json` bundle, resolving placeholders the way browsers do. For
 * tests and for tools that run outside the extension.
 */
export function translatorFromBundle(bundle: MessageBundle): Translate {
  return (key, substitutions = []) => {
    const entry = bundle[key];
    if (!entry) return key;
    return entry.message.replace(/\$([a-z_]+)\$/gi, (whole, name: string) => {
      const content = entry.placeholders?.[name.toLowerCase()]?.content;
      const index = content ? Number(content.slice(1)) - 1 : -1;
      return index >= 0 ? String(substitutions[index] ?? '') : whole;
    });
  };
}

/** i18n message key of a life domain's label. */
export function lifeDomainMessageKey(domain: LifeDomain): MessageKey {
  return `lifeDomain_${domain.replaceAll('-', '_')}` as MessageKey;
}
