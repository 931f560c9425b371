import { parse, type Selector } from 'css-what';

// The service worker has no DOM to try a selector on, so selectors from configuration are parsed
// here instead (css-what) and held to what `querySelectorAll` accepts in every browser we support:
// a selector that passes this check cannot make a content script throw.

const PSEUDO_CLASSES = new Set([
  'not', 'is', 'where', 'has',
  'nth-child', 'nth-last-child', 'nth-of-type', 'nth-last-of-type',
  'first-child', 'last-child', 'only-child', 'first-of-type', 'last-of-type', 'only-of-type',
  'empty', 'root', 'scope', 'defined', 'lang', 'dir',
  'checked', 'disabled', 'enabled', 'required', 'optional', 'read-only', 'read-write', 'placeholder-shown',
  'default', 'indeterminate', 'invalid', 'valid', 'in-range', 'out-of-range',
  'focus', 'focus-within', 'focus-visible', 'hover', 'active', 'link', 'any-link', 'target',
]);

/** The longest selector configuration may hold: real ones are a few dozen characters. */
export const MAX_SELECTOR_LENGTH = 500;

const COMBINATORS = new Set(['child', 'descendant', 'adjacent', 'sibling']);

function problemIn(tokens: Selector[][], relative = false): string | null {
  for (const sequence of tokens) {
    const first = sequence[0];
    const last = sequence[sequence.length - 1];
    if (last && COMBINATORS.has(last.type)) return 'ends with a combinator';
    // A leading combinator is only allowed inside :has(), which is relative to its subject.
    if (first && COMBINATORS.has(first.type) && first.type !== 'descendant' && !relative) return 'starts with a combinator';
    for (const token of sequence) {
      if ((token.type === 'tag' || token.type === 'attribute' || token.type === 'universal') && token.namespace !== null) {
        return 'uses a namespace, which a page selector cannot have';
      }
      if (token.type === 'pseudo-element') return `pseudo-element ::${token.name} never matches an element`;
      if (token.type === 'column-combinator' || token.type === 'parent') return 'uses a combinator browsers do not support';
      if (token.type === 'pseudo') {
        if (!PSEUDO_CLASSES.has(token.name)) return `:${token.name} is not a pseudo-class browsers support`;
        if (Array.isArray(token.data)) {
          const inner = problemIn(token.data, token.name === 'has');
          if (inner) return inner;
        }
      }
    }
  }
  return null;
}

const DELIMITERS = '>+~,*|.#:[]()=^$';
const isDigit = (char: string | undefined) => char !== undefined && char >= '0' && char <= '9';
const isHex = (char: string | undefined) => char !== undefined && /^[0-9a-f]$/i.test(char);
/** Letters, digits, `-`, `_` and everything past ASCII (NUL too: CSS reads it as U+FFFD). */
const isNameChar = (char: string | undefined) => char !== undefined && (/^[A-Za-z0-9_-]$/.test(char) || char.charCodeAt(0) >= 0x80 || char === '\u0000');

/** An identifier as CSS tokenises one: not starting with a digit, nor with a dash and then a digit or nothing. */
function isIdentifier(name: string): boolean {
  if (isDigit(name[0])) return false;
  if (name[0] === '-') return name[1] === '-' || (name[1] !== undefined && !isDigit(name[1]));
  return true;
}

/**
 * What css-what lets through but browsers refuse: it reads any run of unexpected characters as a
 * name (`1`, `-`, `"a`, `;div`, `(of`, `[a]b`, `a=b`). One pass over the text as CSS tokenises it;
 * the structure (brackets, pseudo-classes, combinators) is css-what's and `problemIn`'s to judge.
 */
function lexicalProblem(selector: string): string | null {
  // Per open parenthesis: whether it holds an An+B argument (`:nth-child(2n+1)`), where numbers belong.
  const parentheses: boolean[] = [];
  let inBrackets = false;
  let previous = '';
  let previousName = '';
  // Where the previous token ended: whether the next one touches it (an escape may end in a space).
  let previousEnd = 0;
  let index = 0;
  while (index < selector.length) {
    const char = selector[index]!;
    if (char === '"' || char === "'") {
      if (!inBrackets || previous !== '=') return 'quoted text belongs only in an attribute selector such as [title="…"]';
      index += 1;
      while (index < selector.length && selector[index] !== char) index += selector[index] === '\\' ? 2 : 1;
      if (index >= selector.length) return 'has quoted text that does not end';
      index += 1;
      previous = 'string';
      previousEnd = index;
      continue;
    }
    if (isNameChar(char) || char === '\\') {
      const start = index;
      while (index < selector.length && (isNameChar(selector[index]) || selector[index] === '\\')) {
        if (selector[index] !== '\\') index += 1;
        else if (index + 1 >= selector.length || selector[index + 1] === '\n' || selector[index + 1] === '\r' || selector[index + 1] === '\f') return 'has a backslash that escapes nothing';
        else if (isHex(selector[index + 1])) {
          index += 1;
          for (let digits = 0; digits < 6 && isHex(selector[index]); digits += 1) index += 1;
          if (/^\s$/.test(selector[index] ?? '')) index += 1;
        } else index += 2;
      }
      const name = selector.slice(start, index);
      const adjacent = selector[start - 1];
      if (!inBrackets && (adjacent === ']' || adjacent === ')' || adjacent === '*')) return `"${name}" follows ${adjacent} directly; an element name must come first`;
      const numbersAllowed = parentheses.at(-1) === true && previous !== '.' && previous !== '#';
      if (!numbersAllowed && !isIdentifier(name)) return `"${name}" is not a name (a name cannot start with a digit, or with a dash and a digit)`;
      previousName = previous === ':' ? name : '';
      previous = 'name';
      previousEnd = index;
      continue;
    }
    index += 1;
    if (/^\s$/.test(char)) continue;
    if (!DELIMITERS.includes(char)) return `contains ${JSON.stringify(char)}, which a selector cannot have`;
    if (inBrackets && !'=~|^$*]'.includes(char)) return `${char} does not belong in an attribute selector such as [data-icpc]`;
    if ('=^$'.includes(char) && !inBrackets) return `${char} belongs only in an attribute selector such as [lang^="nl"]`;
    if ((char === '.' || char === '#') && !isNameChar(selector[index]) && selector[index] !== '\\') return `${char} must be followed directly by a name`;
    const touches = previousEnd === index - 1;
    if (char === '*' && !inBrackets && touches && (previous === 'name' || previous === ']' || previous === ')' || previous === '*')) {
      return `* follows ${previous === 'name' ? 'a name' : previous} directly; it must come first`;
    }
    if (char === '[') {
      if (inBrackets) return '[ opens inside another [';
      inBrackets = true;
    }
    if (char === ']') {
      if (!inBrackets) return '] closes nothing';
      inBrackets = false;
    }
    if (char === '(') {
      if (previous !== 'name' || !previousName || !touches) return '( belongs only after a pseudo-class such as :not';
      parentheses.push(/^nth-/i.test(previousName));
    }
    if (char === ')') {
      if (parentheses.pop() === undefined) return ') closes nothing';
      if (previous === '(') return '() is empty';
    }
    previous = char;
    previousEnd = index;
  }
  return null;
}

/**
 * Why `selector` is not a CSS selector every supported browser accepts, or null when it is fine.
 * Pseudo-elements and library extensions such as `:contains()` are refused too.
 */
export function selectorProblem(selector: string): string | null {
  if (selector.trim() === '') return 'must not be empty';
  // css-what recurses into every :is( and :not(; past this length the cost of asking grows for nothing.
  if (selector.length > MAX_SELECTOR_LENGTH) return `must be at most ${MAX_SELECTOR_LENGTH} characters`;
  // css-what reads `#123` as an id, browsers refuse it: ids and classes cannot start with a digit unescaped.
  // An unterminated string runs to the end (refused below): were it to fail instead, the
  // search would start again at every later quote, quadratic in the selector's length.
  const outsideQuotes = selector.replace(/"(?:[^"\\]|\\[\s\S]?)*(?:"|$)|'(?:[^'\\]|\\[\s\S]?)*(?:'|$)/g, '""');
  if (/(^|[^\\\w-])[#.]-?\d/.test(outsideQuotes)) {
    return `"${selector}" is not a valid CSS selector: an id or class cannot start with a digit (write [id="…"] instead)`;
  }
  let tokens: Selector[][];
  try {
    tokens = parse(selector);
  } catch (error) {
    return `"${selector}" is not a valid CSS selector (${error instanceof Error ? error.message : String(error)})`;
  }
  const problem = problemIn(tokens) ?? lexicalProblem(selector);
  return problem ? `"${selector}" is not a usable CSS selector: ${problem}` : null;
}
