// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileTriggers, type RuleSetMatch, type TriggerMatcher } from '../../extension/shared/rule-engine';
import { readHistory, readPatient, readPractitioner } from '../../extension/content/page-reader';
import type { PatientOnPage } from '../../extension/shared/sidebar-channel';
import { findAdapter, type PageAdapter } from '../../extension/shared/page-adapter';
import { startSignalScanner, type SignalScanner } from '../../extension/content/signal-scanner';
import { defaultRuleSet, demoHisAdapter, lonelinessRuleSet } from './helpers';

const adapter = demoHisAdapter();
const matcher = compileTriggers([defaultRuleSet()], ['nl']);

function page(patientId: string, episodes = 'L03 Lage rugpijn sinds 02-2024') {
  document.documentElement.lang = 'nl';
  document.body.replaceChildren();
  const header = document.createElement('header');
  header.innerHTML = `<div id="current-user" data-agb="01999001"><span data-field="practitioner-name">dr. E. Denkbeeld</span></div>`;
  const banner = document.createElement('section');
  banner.id = 'patient-banner';
  banner.setAttribute('data-patient-id', patientId);
  banner.innerHTML = `<span data-field="name">Mila Voorbeeld</span><span data-field="phone">06-99990001</span>`;
  const episodesList = document.createElement('ul');
  episodesList.id = 'episode-list';
  episodesList.textContent = episodes;
  const journal = document.createElement('ol');
  journal.id = 'journal';
  journal.innerHTML = `<li class="journal-entry"><time class="je-date">12-05-2026</time> E P03 Neerslachtig</li><li class="journal-entry"><time class="je-date">03-01-2019</time> E P03</li>`;
  const editor = document.createElement('form');
  editor.id = 'consult-editor';
  editor.innerHTML = `<textarea id="soep-s"></textarea><input id="soep-e-code"><ul id="icpc-suggestions" role="listbox"></ul><ul id="journal-today"></ul>`;
  document.body.append(header, banner, episodesList, journal, editor);
}

let scanner: SignalScanner | undefined;
let triggers: RuleSetMatch[][];
let patients: Array<PatientOnPage | null>;

function start(options: { ignore?: (node: Node) => boolean; adapter?: PageAdapter; matcher?: TriggerMatcher; historyMatcher?: TriggerMatcher | null } = {}) {
  scanner = startSignalScanner({
    document,
    adapter: options.adapter ?? adapter,
    matcher: options.matcher ?? matcher,
    historyMatcher: options.historyMatcher ?? null,
    ignore: options.ignore ?? (() => false),
    onPatientChanged: (patient) => patients.push(patient),
    onTriggers: (found) => triggers.push(found),
  });
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const codes = () => triggers.flat().map(({ trigger }) => (trigger.kind === 'code' ? (trigger.name ? `${trigger.code} (${trigger.name})` : trigger.code) : trigger.term));

beforeEach(() => {
  triggers = [];
  patients = [];
  page('P-1001');
});
afterEach(() => scanner?.stop());

describe('page adapter', () => {
  it('applies to the demo HIS origin and port only', () => {
    expect(findAdapter([adapter], 'http://127.0.0.1:4310/patient/P-1001')?.id).toBe('demo-his');
    expect(findAdapter([adapter], 'http://127.0.0.1:4320/')).toBeUndefined();
    expect(findAdapter([adapter], 'https://example.org/')).toBeUndefined();
  });

  it('reads patient and GP from the page', () => {
    expect(readPatient(document, adapter)).toEqual({ key: 'P-1001', name: 'Mila Voorbeeld', phone: '06-99990001', birthDate: '' });
    expect(readPractitioner(document, adapter)).toEqual({ name: 'dr. E. Denkbeeld', agb: '01999001' });
  });
});

describe('signal scanner', () => {
  it('reports the open patient, and ignores codes outside the consult (history, banner)', () => {
    start();
    expect(patients).toEqual([{ key: 'P-1001', name: 'Mila Voorbeeld', phone: '06-99990001', birthDate: '' }]);
    expect(triggers).toEqual([]);
  });

  it('sees a code typed into the E-line field', () => {
    start();
    const field = document.querySelector<HTMLInputElement>('#soep-e-code')!;
    field.value = 'L03.01';
    field.dispatchEvent(new Event('input', { bubbles: true }));
    expect(codes()).toEqual(['L03.01']);
  });

  it('sees codes and terms in consult text, and text added as list items', async () => {
    start();
    const text = document.querySelector<HTMLTextAreaElement>('#soep-s')!;
    text.value = 'Hoofdpijn (N01) sinds weken';
    text.dispatchEvent(new Event('input', { bubbles: true }));
    text.value = 'veel geldzorgen';
    text.dispatchEvent(new Event('input', { bubbles: true }));
    const item = document.createElement('li');
    item.textContent = 'E P06 Slaapstoornis';
    document.querySelector('#journal-today')!.append(item);
    await flush();
    expect(codes()).toEqual(['N01', 'geldzorgen', 'P06']);
  });

  it('finds a code already in the consult when it starts', () => {
    document.querySelector<HTMLInputElement>('#soep-e-code')!.value = 'D01';
    start();
    expect(codes()).toEqual(['D01']);
  });

  it('ignores autocomplete suggestions until one is picked', async () => {
    start();
    const option = document.createElement('li');
    option.setAttribute('role', 'option');
    option.textContent = 'L01 Nekklachten';
    document.querySelector('#icpc-suggestions')!.append(option);
    await flush();
    expect(triggers).toEqual([]);
  });

  it('never reads its own sidebar', async () => {
    const host = document.createElement('vroegsignaal-sidebar');
    document.querySelector('#consult-editor')!.append(host);
    start({ ignore: (node) => node === host || host.contains(node) });
    host.textContent = 'Aanleiding: N01 Hoofdpijn';
    await flush();
    expect(triggers).toEqual([]);
  });

  it('notices a patient switch without reload and scans what the new patient shows', async () => {
    start();
    const banner = document.querySelector('#patient-banner')!;
    banner.setAttribute('data-patient-id', 'P-1002');
    banner.querySelector('[data-field="name"]')!.textContent = 'Henk Proefhuis';
    await flush();
    expect(patients.map((p) => p?.key)).toEqual(['P-1001', 'P-1002']);
    expect(patients[1]?.name).toBe('Henk Proefhuis');
  });

  it('stops listening when stopped', async () => {
    start();
    scanner!.stop();
    const field = document.querySelector<HTMLInputElement>('#soep-e-code')!;
    field.value = 'N01';
    field.dispatchEvent(new Event('input', { bubbles: true }));
    document.querySelector('#patient-banner')!.setAttribute('data-patient-id', 'P-1009');
    await flush();
    expect(triggers).toEqual([]);
    expect(patients).toHaveLength(1);
  });

  it('counts a diagnosis name as a code only where the adapter says diagnoses are shown', () => {
    start();
    const text = document.querySelector<HTMLTextAreaElement>('#soep-s')!;
    text.value = 'al weken hoofdpijn';
    text.dispatchEvent(new Event('input', { bubbles: true }));
    expect(triggers).toEqual([]);
    const eText = document.createElement('input');
    eText.id = 'soep-e-text';
    document.querySelector('#consult-editor')!.append(eText);
    eText.value = 'Hoofdpijn';
    eText.dispatchEvent(new Event('input', { bubbles: true }));
    expect(codes()).toEqual(['N01 (hoofdpijn)']);
  });

  it('reads the history only for rule sets that look there', async () => {
    const both = [defaultRuleSet(), lonelinessRuleSet()];
    start({ matcher: compileTriggers(both, ['nl']), historyMatcher: compileTriggers([lonelinessRuleSet()], ['nl']) });
    expect(triggers.flat().map((m) => `${m.ruleSetId}:${m.trigger.kind === 'code' ? m.trigger.code : ''}`)).toEqual([
      'vroegsignaal-eenzaamheid:P03',
      'vroegsignaal-eenzaamheid:P03',
    ]);
  });

  it('reads dated history entries for recurrence', () => {
    expect(readHistory(document, adapter).map((item) => [item.date?.getFullYear(), item.text.includes('P03')])).toEqual([
      [2026, true],
      [2019, true],
    ]);
  });
});

describe('on an EHR built differently', () => {
  const spa: PageAdapter = {
    id: 'zorgportaal',
    name: 'Zorgportaal',
    pages: [{ origin: 'http://localhost:3000', pathPrefix: '/app/patients/' }],
    patient: { banner: '[data-testid="patient-banner"]', keyFromUrl: '/app/patients/{key}/chart', name: '[data-testid="patient-name"]' },
    scan: { include: ['visit-diagnoses', '[name="visit-note"]'], exclude: [], diagnoses: ['visit-diagnoses'], attributes: ['data-icpc'] },
  };

  beforeEach(() => {
    document.body.replaceChildren();
    history.replaceState(null, '', '/app/patients/3f2a9c1e-0000-4000-8000-000000000001/chart');
  });

  it('reads the patient key from the URL once the banner has rendered late', async () => {
    start({ adapter: spa });
    expect(patients).toEqual([null]);
    const banner = document.createElement('header');
    banner.setAttribute('data-testid', 'patient-banner');
    banner.innerHTML = '<h1 data-testid="patient-name">Noor Fictief</h1>';
    document.body.append(banner);
    await flush();
    expect(patients[1]).toEqual({ key: '3f2a9c1e-0000-4000-8000-000000000001', name: 'Noor Fictief', phone: '', birthDate: '' });
  });

  it('sees codes and names as tags inside an open shadow root, also added later', async () => {
    const host = document.createElement('visit-diagnoses');
    const shadow = host.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<ul><li>hoofdpijn</li></ul>';
    document.body.append(host);
    start({ adapter: spa });
    expect(codes()).toEqual(['N01 (hoofdpijn)']);
    const tag = document.createElement('li');
    tag.textContent = 'p06';
    shadow.querySelector('ul')!.append(tag);
    await flush();
    expect(codes()).toEqual(['N01 (hoofdpijn)', 'P06']);
  });

  it('reads codes from the attributes the adapter names', async () => {
    start({ adapter: spa });
    const host = document.createElement('visit-diagnoses');
    host.innerHTML = '<span data-icpc="L02">Rug</span>';
    document.body.append(host);
    await flush();
    expect(codes()).toEqual(['L02']);
  });

  it('keeps working when a configured selector is one the page cannot use', () => {
    expect(() => start({ adapter: { ...spa, scan: { include: ['visit-diagnoses'], exclude: ['!!!'] } } })).not.toThrow();
  });
});
