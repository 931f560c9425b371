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

/**
 * Why `selector` is not a CSS selector every supported browser accepts, or null when it is fine.
 * Pseudo-elements and library extensions such as `:contains()` are refused too.
 */
export function selectorProblem(selector: string): string | null {
  if (selector.trim() === '') return 'must not be empty';
  // css-what reads `#123` as an id, browsers refuse it: ids and classes cannot start with a digit unescaped.
  const outsideQuotes = selector.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
  if (/(^|[^\\\w-])[#.]-?\d/.test(outsideQuotes)) {
    return `"${selector}" is not a valid CSS selector: an id or class cannot start with a digit (write [id="…"] instead)`;
  }
  let tokens: Selector[][];
  try {
    tokens = parse(selector);
  } catch (error) {
    return `"${selector}" is not a valid CSS selector (${error instanceof Error ? error.message : String(error)})`;
  }
  const problem = problemIn(tokens);
  return problem ? `"${selector}" is not a usable CSS selector: ${problem}` : null;
}
