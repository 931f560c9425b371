// @vitest-environment happy-dom
import { cleanup, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { PageAdapter } from '../../extension/shared/page-adapter';
import type { RuleSet } from '../../extension/shared/rule-set';
import { baseView, EHR, endpoint, geldzorgen, mount, RECEIVER } from '../unit/options-harness';

// Names in configuration are text, never layout: a right-to-left override (U+202E) in a user's,
// endpoint's, rule set's or adapter's name must stay inside that name, so it cannot make the page show
// another AGB code, role or address next to it than the one there (a "‮" name can make "01999001"
// read as "10099910"). Each name is in an isolate of its own; the data beside it is outside.

const RLO = '\u202E';
const PDF = '\u202C';

afterEach(cleanup);

/** Text nodes under `root` that contain `text`. */
function textNodesWith(text: string, root: Node = document.body): Text[] {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const found: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) if ((node as Text).data.includes(text)) found.push(node as Text);
  return found;
}

/**
 * The bidi isolate a node is in: a <bdi>, or an element with dir="auto" whose style isolates it
 * (`unicode-bidi: isolate`), the nearest one up from the node. Null when there is none.
 */
function isolateOf(node: Node): Element | null {
  for (let element = node.parentElement; element; element = element.parentElement) {
    if (element.localName === 'bdi') return element;
    if (element.getAttribute('dir') === 'auto' && /unicode-bidi:\s*(isolate|plaintext)/.test(element.getAttribute('style') ?? '')) return element;
  }
  return null;
}

/**
 * Asserts that `name` is rendered, every time, in an isolate that holds the name and nothing else,
 * and that each of `beside` is shown near it (in `container(name)`) but outside that isolate.
 */
function expectIsolated(name: string, container: (isolate: Element) => Element, beside: readonly string[]) {
  const nodes = textNodesWith(name);
  expect(nodes.length, `${JSON.stringify(name)} is on the page`).toBeGreaterThan(0);
  for (const node of nodes) {
    const isolate = isolateOf(node);
    expect(isolate, `${JSON.stringify(name)} is in an isolate`).not.toBeNull();
    expect(isolate!.textContent).toBe(name);
  }
  const around = container(isolateOf(nodes[0]!)!);
  const isolate = isolateOf(nodes.find((node) => around.contains(node)) ?? nodes[0]!)!;
  for (const text of beside) {
    expect(around.textContent, `${JSON.stringify(text)} is shown next to ${JSON.stringify(name)}`).toContain(text);
    for (const node of textNodesWith(text, around)) expect(isolate.contains(node), `${JSON.stringify(text)} is outside the name's isolate`).toBe(false);
  }
}

const closest = (selector: string) => (isolate: Element) => {
  const found = isolate.closest(selector);
  if (!found) throw new Error(`no ${selector} around the isolate`);
  return found;
};

describe('names with bidirectional overrides stay inside their own isolate on the options page', () => {
  it('a user: the name is isolated, the role and AGB code beside it are not', async () => {
    const name = `${RLO}dr. E. Denkbeeld`;
    await mount(baseView({ users: [{ value: { id: 'e-denkbeeld', name, role: 'gp', agb: '01999001' }, source: 'saved' }] }));
    expectIsolated(name, closest('tr'), ['Huisarts', '01999001']);
    // The cells after the name are cells of their own, in the order written.
    const row = screen.getByRole('rowheader', { name }).closest('tr')!;
    expect([...row.querySelectorAll('td')].slice(0, 2).map((cell) => cell.textContent)).toEqual(['Huisarts', '01999001']);
  });

  it('a user whose name closes the override early (U+202C) still cannot reach the AGB code', async () => {
    const name = `${RLO}Test${PDF}${RLO}`;
    await mount(baseView({ users: [{ value: { id: 'test', name, role: 'assistant', agb: '01999002' }, source: 'saved' }] }));
    expectIsolated(name, closest('tr'), ['Doktersassistent of POH', '01999002']);
  });

  it('an endpoint: the name and the URL each in their own isolate', async () => {
    const name = `${RLO}Sociaal wijkteam Proef`;
    await mount(baseView({ endpoints: [{ value: endpoint({ name }), source: 'saved' }] }));
    expectIsolated(name, closest('article'), [`${RECEIVER}/r4`, 'sociaal-wijkteam']);
    const url = textNodesWith(`${RECEIVER}/r4`)[0]!;
    expect(isolateOf(url)?.textContent).toBe(`${RECEIVER}/r4`);
  });

  it('a rule set: the name is isolated, its id, version and endpoint are not inside it', async () => {
    const name = `${RLO}Geldzorgen (proef)`;
    const ruleSet: RuleSet = { ...geldzorgen, id: 'proef-geldzorgen', name: { nl: name, en: name } };
    await mount(baseView({ ruleSets: [{ value: ruleSet, source: 'saved', enabled: true }], endpoints: [{ value: endpoint(), source: 'saved' }] }));
    // The name is on the endpoint's card too (which rule sets send there): the rule set's own card counts here.
    expectIsolated(name, () => screen.getByRole('article', { name }), ['proef-geldzorgen', '1.0.0', endpoint().name]);
  });

  it('an adapter: the name is isolated, the EHR origin beside it is not inside it', async () => {
    const name = `${RLO}EHR van de proefpraktijk`;
    const adapter: PageAdapter = { id: 'proef', name, pages: [{ origin: EHR, pathPrefix: '/' }], scan: { include: ['#consult'], exclude: [] } };
    await mount(baseView({ adapters: [{ value: adapter, source: 'saved' }] }));
    expectIsolated(name, closest('article'), [EHR]);
  });

  it('a problem: a path that carries a field name with an override is isolated from its message', async () => {
    const path = `ruleSets[0].${RLO}naam`;
    await mount(baseView({ problems: [{ layer: 'policy', section: 'ruleSets', path, message: 'is not a known field (a typo?)' }] }));
    expectIsolated(path, closest('li'), ['is not a known field (a typo?)', 'beleid']);
  });
});
