// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { cssEscape, isGeneratedName, proposeKeyFromUrl, proposeSelector, type SelectorProposal } from '../../extension/content/builder/selector-proposal';
import { keyFromUrlPath } from '../../extension/shared/page-adapter';

const PATIENT_KEY = '3f2a9c1e-0000-4000-8000-000000000001';

function render(html: string) {
  document.body.innerHTML = html;
}

function el(selector: string, root: ParentNode = document): Element {
  const found = root.querySelector(selector);
  if (!found) throw new Error(`test page has no ${selector}`);
  return found;
}

/** Runs the proposal as the adapter will: valid, counted as reported, and (when unique) selecting the clicked element. */
function propose(target: Element, avoidValues?: string[], root: ParentNode = document): SelectorProposal {
  const proposal = proposeSelector(target, avoidValues ? { avoidValues } : {});
  const found = Array.from(root.querySelectorAll(proposal.selector));
  expect(found).toHaveLength(proposal.matches);
  expect(found).toContain(target);
  if (proposal.unique) expect(found).toEqual([target]);
  return proposal;
}

beforeEach(() => render(''));

describe('proposeSelector', () => {
  it('uses data-testid on a React page whose classes and ids are all generated', () => {
    render(`
      <div id=":r3:" class="App_root__d3Fo2">
        <header class="_banner_1k2j3_12 -esm-patient-chart__banner___a1B2c" data-testid="patient-banner">
          <span class="css-1q2w3e4 sc-bdVaJa kHqnYT" data-testid="patient-name" aria-label="Noor Fictief">Noor Fictief</span>
          <span class="css-9z8y7x6" data-testid="patient-number">${PATIENT_KEY}</span>
        </header>
      </div>`);
    const proposal = propose(el('[data-testid="patient-name"]'), ['Noor Fictief', PATIENT_KEY]);
    expect(proposal).toEqual({ selector: '[data-testid="patient-name"]', matches: 1, unique: true, basis: 'attribute' });
  });

  it('uses a stable id', () => {
    render(`
      <section id="patient-banner" data-patient-id="P-1001"><span data-field="name">Mila Voorbeeld</span></section>
      <form id="consult-editor"><textarea id="soep-s"></textarea><input id="soep-e-code"></form>`);
    expect(propose(el('section'))).toEqual({ selector: '#patient-banner', matches: 1, unique: true, basis: 'id' });
    expect(propose(el('textarea')).selector).toBe('#soep-s');
    expect(propose(el('input')).selector).toBe('#soep-e-code');
  });

  it('escapes an id that is not a plain identifier, and the selector still finds the element', () => {
    render(`<div id="1e-lijn">a</div><div id="soep.s">b</div><div id="x:veld">c</div>`);
    for (const id of ['1e-lijn', 'soep.s', 'x:veld']) {
      const proposal = propose(document.getElementById(id)!);
      expect(proposal.unique).toBe(true);
      expect(proposal.basis).toBe('id');
    }
    expect(propose(document.getElementById('soep.s')!).selector).toBe('#soep\\.s');
  });

  it('never uses a generated id or class, even when it is the only unique thing on the element', () => {
    const generated = [':r3:', 'ember123', 'mat-input-4', 'ng-tns-c12-3', 'css-1q2w3e4', 'sc-bdVaJa', 'kHqnYT', '_tag_1k2j3_12', 'jsx-123456'];
    render(`
      <main id="consult-editor">
        <section class="is-open">
          <p>uitleg</p>
          <p id="ember123" class="css-1q2w3e4 sc-bdVaJa kHqnYT _tag_1k2j3_12 jsx-123456">tekst</p>
        </section>
        <span id=":r3:"></span><input id="mat-input-4"><div class="ng-tns-c12-3"></div>
      </main>`);
    for (const target of [el('#ember123'), el('[id=":r3:"]'), el('#mat-input-4'), el('.ng-tns-c12-3')]) {
      const proposal = propose(target);
      expect(proposal.unique).toBe(true);
      for (const name of generated) expect(proposal.selector).not.toContain(name);
      expect(proposal.selector.startsWith('#consult-editor ')).toBe(true);
    }
    expect(propose(el('#ember123')).selector).toBe('#consult-editor > section > p:nth-of-type(2)');
    expect(propose(el('#mat-input-4')).selector).toBe('#consult-editor input');
  });

  it("never uses an attribute holding the patient's name or number", () => {
    render(`
      <div data-testid="patient-banner" data-patient-id="P-1001">
        <span aria-label="Noor Fictief">Noor Fictief</span>
        <img aria-label="Foto van Noor Fictief" src="/foto.png">
        <span aria-label="Noor">N.</span>
      </div>`);
    // The clicked element's own text is avoided without being told.
    const name = propose(el('span'));
    expect(name.selector).not.toContain('Noor');
    expect(name.selector).toBe('[data-testid="patient-banner"] > span:nth-of-type(1)');
    // Elsewhere the builder passes the patient data it knows; part of the name is patient data too.
    expect(propose(el('img'), ['Noor Fictief']).selector).toBe('[data-testid="patient-banner"] img');
    expect(propose(el('span:nth-of-type(2)'), ['Noor Fictief']).selector).not.toContain('Noor');
    // The banner is found by what it is, not by this patient's number; without the hint, the number is just a value.
    expect(propose(el('[data-testid]'), ['P-1001']).selector).toBe('[data-testid="patient-banner"]');
    render(`<div data-patient-id="P-1001" class="x-1"><span>Noor Fictief</span></div>`);
    expect(propose(el('div'), ['Noor Fictief', 'P-1001'])).toEqual({ selector: '[data-patient-id]', matches: 1, unique: true, basis: 'attribute' });
  });

  it('falls back to a path from the nearest stable ancestor when the element has nothing stable', () => {
    render(`
      <div data-testid="patient-banner">
        <span class="css-1a2b3c4">Noor Fictief</span>
        <span class="css-5d6e7f8">${PATIENT_KEY}</span>
        <span class="css-9g0h1i2">06-12345678</span>
      </div>
      <div><span>elders</span></div>`);
    const target = el('[data-testid="patient-banner"] > span:nth-of-type(2)');
    const proposal = propose(target, ['Noor Fictief', PATIENT_KEY, '06-12345678']);
    expect(proposal).toEqual({ selector: '[data-testid="patient-banner"] > span:nth-of-type(2)', matches: 1, unique: true, basis: 'path' });
    expect(document.querySelector(proposal.selector)?.textContent).toBe(PATIENT_KEY);
  });

  it('keeps the path short when the anchor and the tag are enough', () => {
    render(`<form id="consult-editor"><div class="css-x1y2z3a"><div><textarea></textarea></div></div></form><textarea></textarea>`);
    expect(propose(el('#consult-editor textarea'))).toEqual({ selector: '#consult-editor textarea', matches: 1, unique: true, basis: 'path' });
  });

  it('uses a role or an input type only together with the tag or another attribute', () => {
    render(`
      <ul role="listbox"></ul>
      <input type="tel"><input type="text" name="q">
      <div role="textbox" aria-label="Consulttekst"></div><div role="textbox" aria-label="Zoeken"></div>`);
    expect(propose(el('ul')).selector).toBe('ul[role="listbox"]');
    expect(propose(el('input')).selector).toBe('input[type="tel"]');
    expect(propose(el('[aria-label="Consulttekst"]')).selector).toBe('[aria-label="Consulttekst"]');
  });

  it('prefers test hooks over other attributes, and a stable class when there is no attribute', () => {
    render(`
      <div name="visit" data-field="visit-note" data-qa="visit-note-qa"></div>
      <div class="is-active visit-note"></div><div class="visit-note-list"></div>
      <div class="ProseMirror ProseMirror-focused consult-text"></div><div class="ProseMirror"></div>`);
    expect(propose(el('[name="visit"]')).selector).toBe('[data-qa="visit-note-qa"]');
    const byClass = propose(el('.is-active'));
    expect(byClass).toEqual({ selector: '.visit-note', matches: 1, unique: true, basis: 'class' });
    // State classes come and go with focus and selection, so the editor is found by what it is.
    expect(propose(el('.ProseMirror-focused')).selector).toBe('.consult-text');
  });

  it('quotes attribute values that hold quotes or backslashes', () => {
    render(`<div data-field='say "hi"'></div><div data-field="a\\b"></div><div data-field="it's"></div>`);
    for (const target of Array.from(document.querySelectorAll('div'))) expect(propose(target).unique).toBe(true);
  });

  it('reports unique: false and the count when nothing stable singles the element out', () => {
    render(`
      <div class="journal-row"><span class="journal-cell">a</span></div>
      <div class="journal-row"><span class="journal-cell">b</span></div>
      <div class="journal-row"><span class="journal-cell">c</span></div>`);
    const proposal = propose(document.querySelectorAll('span')[1]!);
    expect(proposal).toEqual({ selector: '.journal-cell', matches: 3, unique: false, basis: 'class' });
  });

  it('proposes a selector for the shadow root an element lives in', () => {
    render(`<his-banner id="host"></his-banner><input name="phone" data-field="elders">`);
    const shadow = el('#host').attachShadow({ mode: 'open' });
    shadow.innerHTML = `<div class="banner"><span>Noor Fictief</span><input name="phone"></div>`;
    const phone = el('input', shadow);
    const proposal = propose(phone, [], shadow);
    expect(proposal).toEqual({ selector: '[name="phone"]', matches: 1, unique: true, basis: 'attribute' });
    // The document has its own `[name="phone"]`: the count is the shadow root's, where the builder applies it.
    expect(document.querySelector(proposal.selector)).not.toBe(phone);
    // Stays within the shadow tree: no path through the host.
    const name = propose(el('span', shadow), [], shadow);
    expect(name.selector).toBe('.banner span');
  });
});

describe('isGeneratedName', () => {
  const generated = [
    '-esm-patient-chart__form___a1B2c',
    '_tag_1k2j3_12',
    'Home_container__d3Fo2',
    'css-1q2w3e4',
    'css-1q2w3e4-Button',
    'sc-bdVaJa',
    'kHqnYT',
    'jsx-123456',
    'svelte-12qhfyh',
    'jss123',
    ':r3:',
    ':R1b6:',
    'radix-:r3:',
    '«r3»',
    '_r_3_',
    'ember123',
    'ng-tns-c12-3',
    '_ngcontent-ng-c1234567',
    'mat-input-4',
    'cdk-overlay-0',
    'react-select-3-input',
    'downshift-0-label',
    'j_idt12',
    'input-4',
    PATIENT_KEY,
    'a8f5f167f44f4964e6c998dee827110c',
    'row-20240115',
    'patient-1234567',
    '42',
  ];
  const stable = [
    'patient-banner',
    'consult-editor',
    'soep-e-code',
    'soep-s',
    'visit-note',
    'patient-name',
    'episode-list',
    'icpc-suggestions',
    'icpc2-code',
    'h1',
    'col-md-6',
    'btn-primary',
    'MuiButton-root',
    'mat-form-field',
    'patientBanner',
    'txtPatientName',
    'ctl00_MainContent_txtName',
    'l10n',
    'Zoek patiënt op BSN',
    'Consulttekst',
  ];
  it.each(generated)('%s is generated', (name) => expect(isGeneratedName(name)).toBe(true));
  it.each(stable)('%s is stable', (name) => expect(isGeneratedName(name)).toBe(false));
});

describe('cssEscape', () => {
  it('escapes as CSS.escape does', () => {
    const samples = ['patient-banner', '1e-lijn', '-1x', '-', 'soep.s', 'x:veld', 'a b', 'é-ß', '_x', '\u0001a', 'md:w-1/2'];
    const expected = ['patient-banner', '\\31 e-lijn', '-\\31 x', '\\-', 'soep\\.s', 'x\\:veld', 'a\\ b', 'é-ß', '_x', '\\1 a', 'md\\:w-1\\/2'];
    expect(samples.map(cssEscape)).toEqual(expected);
    if (typeof CSS !== 'undefined' && typeof CSS.escape === 'function') expect(samples.map(cssEscape)).toEqual(samples.map((s) => CSS.escape(s)));
  });
});

describe('proposeKeyFromUrl', () => {
  it('turns the path segment that is the patient number into {key}', () => {
    const url = `https://his.example/app/patients/${PATIENT_KEY}/chart`;
    const template = proposeKeyFromUrl(url, PATIENT_KEY);
    expect(template).toBe('/app/patients/{key}/chart');
    expect(keyFromUrlPath(template!, new URL(url).pathname)).toBe(PATIENT_KEY);
    // Read back on another patient's page, the template gives that patient's number.
    expect(keyFromUrlPath(template!, '/app/patients/P-2002/chart')).toBe('P-2002');
  });

  it('accepts the number with surrounding whitespace, and a percent-encoded segment', () => {
    expect(proposeKeyFromUrl('http://127.0.0.1:4310/patient/P-1001', '  P-1001\n')).toBe('/patient/{key}');
    const template = proposeKeyFromUrl('https://his.example/dossier/P%201001/overzicht', 'P 1001');
    expect(template).toBe('/dossier/{key}/overzicht');
    expect(keyFromUrlPath(template!, '/dossier/P%201001/overzicht')).toBe('P 1001');
  });

  it('replaces other generated segments with *', () => {
    const url = `https://his.example/s/8f3a9c1e-1111-4000-8000-000000000002/patients/${PATIENT_KEY}/episodes`;
    const template = proposeKeyFromUrl(url, PATIENT_KEY);
    expect(template).toBe('/s/*/patients/{key}/episodes');
    expect(keyFromUrlPath(template!, new URL(url).pathname)).toBe(PATIENT_KEY);
  });

  it('returns null when the number is not a whole path segment', () => {
    expect(proposeKeyFromUrl(`https://his.example/app/patients/${PATIENT_KEY}-x/chart`, PATIENT_KEY)).toBeNull();
    expect(proposeKeyFromUrl('https://his.example/app/patients/P-10011/chart', 'P-1001')).toBeNull();
    expect(proposeKeyFromUrl(`https://his.example/app/chart?patient=${PATIENT_KEY}`, PATIENT_KEY)).toBeNull();
    expect(proposeKeyFromUrl(`https://his.example/app/#/patients/${PATIENT_KEY}`, PATIENT_KEY)).toBeNull();
    expect(proposeKeyFromUrl('https://his.example/app/patients/P-1001', '')).toBeNull();
    expect(proposeKeyFromUrl('not a url', 'P-1001')).toBeNull();
  });
});
