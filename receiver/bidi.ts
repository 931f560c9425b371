/**
 * Stored text must stay text for the bidirectional algorithm: a name ending in U+202E (RIGHT-TO-LEFT
 * OVERRIDE) would otherwise reverse the phone number printed after it, and the social team would call
 * the wrong number. The inbox renders every stored value in its own `<bdi>` isolate (views.tsx, where
 * Preact escapes it), with its bidi controls balanced by {@link balanceBidiControls} so none can close
 * that isolate early or outlive it.
 */

const EMBEDDING_OPENERS = new Set(['\u202A', '\u202B', '\u202D', '\u202E']); // LRE RLE LRO RLO
const ISOLATE_OPENERS = new Set(['\u2066', '\u2067', '\u2068']); // LRI RLI FSI
const PDF = '\u202C';
const PDI = '\u2069';
/** Characters that end a bidi paragraph, and with it every embedding and isolate (UAX #9, type B). */
const PARAGRAPH_SEPARATORS = new Set(['\n', '\r', '\u001C', '\u001D', '\u001E', '\u0085', '\u2029']);

/**
 * Makes a piece of text self-contained for the Unicode bidirectional algorithm: drops a PDF or PDI
 * that would close something opened outside the text, and closes whatever the text leaves open, at
 * each paragraph end and at its end. The bidi algorithm sees a `<bdi>` as if its text were wrapped in
 * FSI…PDI (browsers insert those very controls), so a stray PDI in a name could end the name's isolate
 * early and let an RLO after it act on the text that follows. Balanced text (e.g. a correctly marked
 * Arabic or Hebrew name) comes out unchanged.
 */
export function balanceBidiControls(text: string): string {
  const open: Array<typeof PDF | typeof PDI> = [];
  const closeAll = () => open.splice(0).reverse().join('');
  let out = '';
  for (const char of text) {
    if (EMBEDDING_OPENERS.has(char)) {
      open.push(PDF);
    } else if (ISOLATE_OPENERS.has(char)) {
      open.push(PDI);
    } else if (char === PDF) {
      // A PDF cannot close across an isolate (UAX #9 X7), so only an embedding on top counts.
      if (open.at(-1) !== PDF) continue;
      open.pop();
    } else if (char === PDI) {
      // A PDI also ends the embeddings opened inside its isolate (X6a).
      const isolate = open.lastIndexOf(PDI);
      if (isolate < 0) continue;
      open.length = isolate;
    } else if (PARAGRAPH_SEPARATORS.has(char)) {
      out += closeAll();
    }
    out += char;
  }
  return out + closeAll();
}
