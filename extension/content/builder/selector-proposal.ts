import { keyFromUrlPath } from '../../shared/page-adapter';

/*
 * Selector proposals for the adapter builder's "teach" mode. A page adapter outlives the page it was taught
 * on: the HIS is redeployed (new CSS-module hashes, new framework counters) and other patients are opened
 * (other names, numbers). So a proposal rests only on what describes the page itself, and every candidate is
 * run against the live tree before it is proposed, so what the builder saves has been seen to select the
 * clicked element in this very browser engine.
 */

/** Framework signatures that are generated whatever else the name looks like. */
const GENERATED_PATTERNS: readonly RegExp[] = [
  // uuid, anywhere (`row-3f2a9c1e-…`, `dx-…`)
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i,
  // React useId: `:r3:`, `:R1b6:` (≤18), also inside Radix/Headless UI ids (`radix-:r3:`); `«r3»` (19.1); `_r_3_` (19.2)
  /^:[^:\s]+:$/,
  /:r[0-9a-z]{0,6}:/i,
  /«[^»]*»/,
  /^_r_[0-9a-z]+_$/i,
  // Ember view ids
  /^ember\d+$/i,
  // Angular: animation/encapsulation bookkeeping (`ng-tns-c12-3`, `_ngcontent-abc-c12`, `ng-c123`)
  /^ng-tns-/i,
  /^_ng(?:content|host)-/i,
  /(?:^|-)ng-c\d+/i,
  // CSS-in-JS: styled-jsx, styled-components, emotion (`css-1q2w3e4`, `css-1q2w3e4-Button`), Svelte, Astro, JSS
  /^jsx-\d+$/i,
  /^sc-/,
  /^css-[a-z0-9]*\d[a-z0-9]*(?:-|$)/i,
  /^svelte-[a-z0-9]+$/i,
  /^astro-[a-z0-9]+$/i,
  /^jss\d+$/i,
  /^makeStyles-/,
  // css-loader's default `[name]__[local]___[hash:base64:5]`
  /___/,
  // Next.js-style CSS modules `[name]_[local]__[hash:5]`: a 5-character hash with a digit or capital after `__`
  /__(?=[A-Za-z0-9-]{5}$)[a-z-]*[A-Z0-9][A-Za-z0-9-]*$/,
  // Widget-library counters: `mat-input-4`, `cdk-overlay-0`, `react-select-3-input`, `downshift-0-label`,
  // `headlessui-menu-button-3`, `rc-tabs-0-panel`, `el-id-1024-12`, `pr_id_12`, `ui-id-3`, `gwt-uid-3`, `ext-gen12`
  /^(?:mat|mdc|cdk|mui|ng|rc|el|pr|ui|gwt|ext|x-auto|react-select|downshift|headlessui|radix|yui|dx|input-v)[-_:].*\d/i,
  // JSF (`j_idt12`, `form:j_id3`) and Bootstrap-Vue ids
  /(?:^|:)j_id/,
  /^__BVID__/,
  // a generic widget word with a counter (`input-4`, `field_12`, `tab-3`): numbered in render order
  /^(?:[a-z]+[-_])*(?:input|field|control|select|button|btn|label|tab|panel|item|option|menu|dialog|modal|tooltip|popover|popup|listbox|combobox|checkbox|radio|textarea|form|element|el|comp|component|id|uid|gen|auto|node|row|cell|col)[-_]?\d+$/i,
  // long digit runs: record numbers, timestamps, counters
  /\d{4,}/,
  // a bare number says nothing about the page
  /^\d+$/,
  // GWT-obfuscated class names
  /^[A-Z]{8,}$/,
];

/** Mixed-case letters that are not camelCase words (`bdVaJa`, `kHqnYT`, `aXZVg`). */
function isRandomCase(token: string): boolean {
  if (token.length < 5 || !/\p{Lu}/u.test(token) || !/\p{Ll}/u.test(token)) return false;
  const words = token.match(/\p{Lu}+(?!\p{Ll})|\p{Lu}?\p{Ll}+/gu) ?? [];
  if (words.length === 0) return false;
  const short = words.filter((word) => word.length <= 2).length;
  const average = token.length / words.length;
  return short >= 2 && average < 3;
}

/** Letters and digits interleaved the way hashes are, not the way names are (`h1`, `icpc2`, `l10n` are names). */
function isRandomAlphanumeric(token: string): boolean {
  if (!/\d/.test(token) || !/\p{L}/u.test(token)) return false;
  const transitions = token.split('').filter((char, index) => index > 0 && /\d/.test(char) !== /\d/.test(token[index - 1]!)).length;
  if (token.length >= 5 && transitions >= 3) return true;
  if (token.length >= 6 && /^\d/.test(token) && (token.match(/\p{L}/gu) ?? []).length >= 3) return true;
  if (token.length >= 8 && /^[0-9a-f]+$/i.test(token)) return true;
  return token.length >= 10;
}

/** True for ids, classes and attribute values that a build tool or framework generated and that will change: CSS-module hashes such as `-esm-patient-chart__form___a1B2c`, `_tag_1k2j3_12`, `css-1q2w3e4`, `sc-bdVaJa`, `jsx-123456`, React/Angular/Ember ids (`:r3:`, `ember123`, `ng-tns-c12-3`, `mat-input-4`), long random-looking alphanumerics, uuids, and values with long digit runs. */
export function isGeneratedName(name: string): boolean {
  const trimmed = name.trim();
  if (!trimmed) return false;
  if (GENERATED_PATTERNS.some((pattern) => pattern.test(trimmed))) return true;
  const tokens = trimmed.split(/[\s\-_.:/]+/).filter(Boolean);
  return tokens.some((token) => isRandomAlphanumeric(token) || isRandomCase(token));
}

/**
 * Serialises `value` as a CSS identifier, following CSSOM's "serialize an identifier" (what `CSS.escape` does),
 * so proposals are the same in every engine and in test DOMs that lack `CSS.escape`.
 */
export function cssEscape(value: string): string {
  const chars = Array.from(value);
  let out = '';
  for (const [index, char] of chars.entries()) {
    const code = char.codePointAt(0)!;
    if (code === 0) out += '\uFFFD';
    else if ((code >= 0x1 && code <= 0x1f) || code === 0x7f) out += `\\${code.toString(16)} `;
    else if (index === 0 && /[0-9]/.test(char)) out += `\\${code.toString(16)} `;
    else if (index === 1 && /[0-9]/.test(char) && chars[0] === '-') out += `\\${code.toString(16)} `;
    else if (index === 0 && char === '-' && chars.length === 1) out += '\\-';
    else if (code >= 0x80 || /[-_0-9A-Za-z]/.test(char)) out += char;
    else out += `\\${char}`;
  }
  return out;
}

/**
 * A CSS string for an attribute value. Single quotes when the value holds a double quote and no single one:
 * some selector engines (happy-dom among them) reject `\"` inside a string, and every engine reads `'…"…'`.
 */
function cssString(value: string): string {
  const escapeControls = (text: string) => text.replace(/[\u0000-\u001f\u007f]/g, (char) => (char === '\u0000' ? '\uFFFD' : `\\${char.charCodeAt(0).toString(16)} `));
  if (value.includes('"') && !value.includes("'")) return `'${escapeControls(value.replace(/\\/g, '\\\\'))}'`;
  return `"${escapeControls(value.replace(/[\\"]/g, (char) => `\\${char}`))}"`;
}

/** A selector for the adapter builder to save, with how it fares on the page it was taught on. */
export interface SelectorProposal {
  /** The CSS selector to save in the adapter. */
  selector: string;
  /** How many elements it matches in the document right now. */
  matches: number;
  /** It matches exactly the clicked element. */
  unique: boolean;
  /** What the selector rests on: an id, a stable attribute, a stable class, or a structural path from a stable ancestor. */
  basis: 'id' | 'attribute' | 'class' | 'path';
}

type Basis = SelectorProposal['basis'];

interface Candidate {
  selector: string;
  basis: Basis;
}

interface Evaluated extends Candidate {
  matches: number;
  unique: boolean;
  /** Earlier rules win ties in the non-unique fallback. */
  order: number;
}

/** Test-automation and field hooks: put there to be selected by, so the most likely to survive a redeploy. */
const PREFERRED_ATTRIBUTES = ['data-testid', 'data-test-id', 'data-test', 'data-qa', 'data-cy', 'data-field'];

/**
 * `data-*` attributes that frameworks use for bookkeeping or that follow interaction state (open, selected,
 * focused…): their presence or value differs between the click and the next page load.
 */
const UNSTABLE_DATA_ATTRIBUTE =
  /^data-(?:v-|react|styled|emotion|svelte|astro|sentry|gtm|ga-|headlessui|radix|state$|selected$|active$|focus|hover|highlighted$|disabled$|checked$|open$|expanded$|pressed$|orientation$|side$|align$|index$|row-index$|rowindex$|key$|id$|uuid$|guid$|value$|timestamp$|time$|date$|version$|nonce$|hash$)/i;

/** Classes that follow interaction or validation state rather than what the element is. */
const TRANSIENT_CLASS = /^(?:active|selected|focus|focused|focus-visible|hover|hovered|open|opened|closed|collapsed|expanded|disabled|hidden|visible|show|showing|in|fade|loading|loaded|dirty|pristine|touched|untouched|valid|invalid|error|has-error|checked|current|highlighted|pressed)$|^(?:is|has|ng)-|^Mui-|[-_](?:active|selected|focused|focus-visible|open|opened|disabled|hover|hovered|pressed|checked|expanded|collapsed|error|invalid|dirty|touched)$/i;

/** CSS-in-JS libraries that pair a marker class with bare hash classes (`sc-bdVaJa hzjQZS`). */
const CSS_IN_JS_MARKER = /^(?:sc|css|jsx|svelte|emotion)-/;

const MAX_VALUE_LENGTH = 80;

/** Texts that must not end up in a selector, normalised for comparison. */
interface Avoid {
  /** Patient data: a value containing one, or one of its words, is refused. */
  values: string[];
  /** The clicked element's own text: refused only when a value contains all of it (a label's words may be the page's). */
  ownText: string | null;
}

const normalise = (text: string) => text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
const wordsOf = (text: string) => text.split(/[^\p{L}\p{N}]+/u).filter((word) => word.length >= 3);

function isPatientData(value: string, avoid: Avoid): boolean {
  const normalised = normalise(value);
  if (avoid.ownText && normalised.includes(avoid.ownText)) return true;
  const valueWords = new Set(wordsOf(normalised));
  return avoid.values.some((text) => normalised.includes(text) || wordsOf(text).some((word) => valueWords.has(word)));
}

/** A form field's text is what is typed in it; any other element's is its text content. */
function ownTextOf(element: Element): string {
  const value = (element as { value?: unknown }).value;
  const isField = ['input', 'textarea', 'select'].includes(element.localName) && typeof value === 'string';
  return normalise((isField ? (value as string) : element.textContent) ?? '');
}

function usableName(value: string | null, avoid: Avoid): value is string {
  return !!value && value.trim() === value && value.length <= MAX_VALUE_LENGTH && !isGeneratedName(value) && !isPatientData(value, avoid);
}

function usableValue(value: string | null, avoid: Avoid): value is string {
  return !!value && !!value.trim() && value.length <= MAX_VALUE_LENGTH && !/[\r\n]/.test(value) && !isGeneratedName(value) && !isPatientData(value, avoid);
}

const tagOf = (element: Element) => cssEscape(element.localName);
const attributeTest = (name: string, value: string) => `[${cssEscape(name)}=${cssString(value)}]`;

/** Rule 1: the id. The attribute form is an alternative for engines that mishandle escaped ids (`#\31 a`). */
function idCandidates(element: Element, avoid: Avoid): Candidate[] {
  const id = element.getAttribute('id');
  if (!usableName(id, avoid)) return [];
  const escaped = cssEscape(id);
  return [{ selector: `#${escaped}`, basis: 'id' }, ...(escaped !== id ? [{ selector: attributeTest('id', id), basis: 'id' as const }] : [])];
}

/** Rule 2: stable attributes, in the order they are likely to survive a redeploy. */
function attributeCandidates(element: Element, avoid: Avoid): Candidate[] {
  const tag = tagOf(element);
  const names = Array.from(element.attributes, (attribute) => attribute.name).filter((name) => /^[a-z][a-z0-9_-]*$/i.test(name));
  const dataNames = names.filter((name) => name.startsWith('data-') && !UNSTABLE_DATA_ATTRIBUTE.test(name) && !isGeneratedName(name.slice(5)));
  const ordered = [
    ...PREFERRED_ATTRIBUTES.filter((name) => dataNames.includes(name)),
    ...dataNames.filter((name) => !PREFERRED_ATTRIBUTES.includes(name)),
    ...['name', 'aria-label'].filter((name) => names.includes(name)),
  ];
  const tests: string[] = [];
  const presence: string[] = [];
  for (const name of ordered) {
    const value = element.getAttribute(name);
    if (usableValue(value, avoid)) tests.push(attributeTest(name, value));
    // The value is one patient's or generated, but that the attribute is there still describes the page.
    else if (name.startsWith('data-')) presence.push(`[${cssEscape(name)}]`);
  }
  // A role or an input type says little on its own, so it only ever narrows a tag or another attribute.
  const qualifiers: string[] = [];
  const role = element.getAttribute('role');
  if (usableValue(role, avoid)) qualifiers.push(attributeTest('role', role));
  const type = element.localName === 'input' ? element.getAttribute('type') : null;
  if (usableValue(type, avoid)) qualifiers.push(attributeTest('type', type));

  const candidates: Candidate[] = [];
  const add = (selector: string) => candidates.push({ selector, basis: 'attribute' });
  for (const test of tests) {
    add(test);
    add(`${tag}${test}`);
  }
  for (const qualifier of qualifiers) add(`${tag}${qualifier}`);
  const combinable = [...tests, ...qualifiers].slice(0, 6);
  for (const [i, first] of combinable.entries()) for (const second of combinable.slice(i + 1)) add(`${tag}${first}${second}`);
  for (const test of presence) {
    add(test);
    add(`${tag}${test}`);
  }
  return candidates;
}

/** Rule 3: stable classes, alone, with the tag, and in pairs. */
function classCandidates(element: Element, avoid: Avoid): Candidate[] {
  const all = Array.from(element.classList);
  const cssInJs = all.some((name) => CSS_IN_JS_MARKER.test(name));
  const stable = all.filter(
    (name) =>
      usableName(name, avoid) &&
      !TRANSIENT_CLASS.test(name) &&
      // next to a CSS-in-JS marker, a bare word of letters is that library's hash class (`kHqnYT`, `hzjQZS`)
      !(cssInJs && /^[A-Za-z]{5,8}$/.test(name) && /[A-Z]/.test(name)),
  );
  const tag = tagOf(element);
  const classes = stable.map((name) => `.${cssEscape(name)}`);
  const candidates: Candidate[] = [];
  const add = (selector: string) => candidates.push({ selector, basis: 'class' });
  for (const selector of classes) add(selector);
  for (const selector of classes) add(`${tag}${selector}`);
  const pairable = classes.slice(0, 5);
  for (const [i, first] of pairable.entries()) for (const second of pairable.slice(i + 1)) add(`${first}${second}`);
  for (const [i, first] of pairable.entries()) for (const second of pairable.slice(i + 1)) add(`${tag}${first}${second}`);
  return candidates;
}

function ownCandidates(element: Element, avoid: Avoid): Candidate[] {
  return [...idCandidates(element, avoid), ...attributeCandidates(element, avoid), ...classCandidates(element, avoid)];
}

/** The tree a selector will be applied to: the document, or the open shadow root the element lives in. */
type QueryRoot = Pick<ParentNode, 'querySelectorAll'>;

function queryRootOf(element: Element): { root: QueryRoot; self: Element | null } {
  const root = element.getRootNode();
  // 9 = document, 11 = document fragment (shadow roots included); by number, so elements of another window work too
  if (root.nodeType === 9 || root.nodeType === 11) return { root: root as unknown as QueryRoot, self: null };
  // A detached subtree: its top element is part of the tree but not returned by its own querySelectorAll.
  return { root: root as Element, self: root as Element };
}

class Evaluator {
  private readonly cache = new Map<string, Element[] | null>();
  private order = 0;

  constructor(private readonly scope: { root: QueryRoot; self: Element | null }) {}

  /** The elements `selector` matches in the tree, or null when this engine rejects it. */
  matchAll(selector: string): Element[] | null {
    if (this.cache.has(selector)) return this.cache.get(selector)!;
    let found: Element[] | null;
    try {
      found = Array.from(this.scope.root.querySelectorAll(selector));
      if (this.scope.self?.matches(selector)) found.unshift(this.scope.self);
    } catch {
      found = null;
    }
    this.cache.set(selector, found);
    return found;
  }

  /** How `candidate` fares for `subject`; null when it is invalid or does not select `subject` at all. */
  evaluate(candidate: Candidate, subject: Element): Evaluated | null {
    const found = this.matchAll(candidate.selector);
    if (!found || !found.includes(subject)) return null;
    return { ...candidate, matches: found.length, unique: found.length === 1, order: this.order++ };
  }
}

/** The `>` steps from `ancestor` (exclusive) down to `element`, numbered only where a tag repeats among siblings. */
function childSteps(ancestor: Element, element: Element): string {
  const steps: string[] = [];
  for (let current: Element | null = element; current && current !== ancestor; current = current.parentElement) {
    const parent = current.parentElement ?? current.parentNode;
    const sameTag = parent ? Array.from(parent.children).filter((sibling) => sibling.localName === current!.localName) : [current];
    const tag = tagOf(current);
    steps.unshift(sameTag.length > 1 ? `${tag}:nth-of-type(${sameTag.indexOf(current) + 1})` : tag);
  }
  return steps.join(' > ');
}

/** How many non-unique ancestor anchors feed the fallback: farther ones only give longer, weaker paths. */
const FALLBACK_ANCESTORS = 3;

/**
 * Proposes a robust selector for `target` within its document. `avoidValues`: texts that are patient data
 * (the clicked element's own text is always avoided): an attribute whose value contains one of them is never used,
 * because a selector must describe the page, not one patient.
 *
 * In order, the first candidate that matches only `target` wins: a non-generated id; a stable attribute
 * (`data-testid` … other `data-*`, `name`, `aria-label`; `role` and an input's `type` only together with the tag
 * or another attribute; a `data-*` attribute whose value is unusable by its presence alone); a stable class; then a
 * path from the nearest ancestor that has such a unique anchor (`anchor tag` when that is enough, else `>` steps
 * with `:nth-of-type` where a tag repeats); then the bare tag. Ids, classes and values that look generated
 * ({@link isGeneratedName}) or hold patient data never appear. When nothing is unique, the candidate with the
 * fewest matches comes back with `unique: false`, for the builder to warn.
 *
 * An element inside an open shadow root gets a selector for that shadow root, not the document: `matches` counts
 * within it, and the builder must apply the selector with `host.shadowRoot.querySelectorAll`. Paths never cross
 * a shadow boundary.
 */
export function proposeSelector(target: Element, options: { avoidValues?: string[] } = {}): SelectorProposal {
  const ownText = ownTextOf(target);
  const avoid: Avoid = {
    values: (options.avoidValues ?? []).map(normalise).filter(Boolean),
    ownText: ownText.length > 2 ? ownText : null,
  };
  const evaluator = new Evaluator(queryRootOf(target));
  const fallback: Evaluated[] = [];
  const result = (found: Evaluated): SelectorProposal => ({ selector: found.selector, matches: found.matches, unique: found.unique, basis: found.basis });
  const consider = (candidate: Candidate): Evaluated | null => {
    const found = evaluator.evaluate(candidate, target);
    if (found && !found.unique) fallback.push(found);
    return found?.unique ? found : null;
  };

  const own = ownCandidates(target, avoid);
  for (const candidate of own) {
    const found = consider(candidate);
    if (found) return result(found);
  }

  const tag = tagOf(target);
  let weakAnchors = 0;
  for (let ancestor = target.parentElement; ancestor; ancestor = ancestor.parentElement) {
    let anchor: Candidate | null = null;
    let weakest: Evaluated | null = null;
    for (const candidate of ownCandidates(ancestor, avoid)) {
      const found = evaluator.evaluate(candidate, ancestor);
      if (found?.unique) {
        anchor = found;
        break;
      }
      if (found && (!weakest || found.matches < weakest.matches)) weakest = found;
    }
    if (anchor) {
      const paths = [`${anchor.selector} ${tag}`, ...own.map((candidate) => `${anchor.selector} ${candidate.selector}`), `${anchor.selector} > ${childSteps(ancestor, target)}`];
      for (const selector of paths) {
        const found = consider({ selector, basis: 'path' });
        if (found) return result(found);
      }
      break;
    }
    if (weakest && weakAnchors < FALLBACK_ANCESTORS) {
      weakAnchors += 1;
      consider({ selector: `${weakest.selector} > ${childSteps(ancestor, target)}`, basis: 'path' });
    }
  }

  const bare = consider({ selector: tag, basis: 'path' });
  if (bare) return result(bare);

  const best = fallback.reduce<Evaluated | null>((a, b) => (!a || b.matches < a.matches || (b.matches === a.matches && b.order < a.order) ? b : a), null);
  // Unreachable in practice (the bare tag selects the target), but a proposal must always be returned.
  return best ? result(best) : { selector: tag, matches: evaluator.matchAll(tag)?.length ?? 0, unique: false, basis: 'path' };
}

/**
 * When the patient number the administrator clicked also appears as one segment of the page URL's path, proposes a
 * path template for `keyFromUrlPath` (e.g. `/app/patients/{key}/chart`), so the key is read from the URL, which is
 * more stable than any element. Otherwise null.
 *
 * Only the path counts (not the query string or the hash, which `keyFromUrlPath` does not read). Other segments
 * that look generated (a session id, another record's uuid) become `*`; when the key appears in several segments
 * the first is taken, as records nest under the patient. The template is checked by reading the key back.
 */
export function proposeKeyFromUrl(url: string, keyText: string): string | null {
  const key = keyText.trim();
  if (!key) return null;
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return null;
  }
  const decode = (segment: string) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return null;
    }
  };
  // Empty segments are dropped as `keyFromUrlPath` drops them, so positions line up.
  const segments = pathname.split('/').filter(Boolean);
  const index = segments.findIndex((segment) => decode(segment)?.trim() === key);
  if (index < 0) return null;
  const template = `/${segments
    .map((segment, i) => {
      if (i === index) return '{key}';
      const decoded = decode(segment);
      return decoded === null || isGeneratedName(decoded) ? '*' : segment;
    })
    .join('/')}`;
  return keyFromUrlPath(template, pathname) === key ? template : null;
}
