// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileTriggers, type Trigger } from '../../extension/shared/rule-engine';
import { readPatient, readPractitioner, type PatientOnPage } from '../../extension/content/page-reader';
import { findAdapter, type PageAdapter } from '../../extension/shared/page-adapter';
import { startSignalScanner, type SignalScanner } from '../../extension/content/signal-scanner';
import { parsePageAdapters } from '../../extension/background/page-adapter-schema';
import pageAdapters from '../../rules/page-adapters.json';
import { defaultRuleSet } from './helpers';

const adapter = pageAdapters.adapters[0] as PageAdapter;
const matcher = compileTriggers(defaultRuleSet(), 'nl');

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
  const editor = document.createElement('form');
  editor.id = 'consult-editor';
  editor.innerHTML = `<textarea id="soep-s"></textarea><input id="soep-e-code"><ul id="icpc-suggestions" role="listbox"></ul><ul id="journal-today"></ul>`;
  document.body.append(header, banner, episodesList, editor);
}

let scanner: SignalScanner | undefined;
let triggers: Trigger[][];
let patients: Array<PatientOnPage | null>;

function start(options: { ignore?: (node: Node) => boolean } = {}) {
  scanner = startSignalScanner({
    document,
    adapter,
    matcher,
    ignore: options.ignore ?? (() => false),
    onPatientChanged: (patient) => patients.push(patient),
    onTriggers: (found) => triggers.push(found),
  });
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const codes = () => triggers.flat().map((t) => (t.kind === 'code' ? t.code : t.term));

beforeEach(() => {
  triggers = [];
  patients = [];
  page('P-1001');
});
afterEach(() => scanner?.stop());

describe('page adapter', () => {
  it('ships a valid configuration, and a broken one is refused with its paths', () => {
    expect(parsePageAdapters(pageAdapters)).toHaveLength(1);
    const broken = structuredClone(pageAdapters) as { adapters: Array<Record<string, any>> };
    broken.adapters[0]!.pages[0].origin = 'http://127.0.0.1:4310/his';
    delete broken.adapters[0]!.patient.keyAttribute;
    expect(() => parsePageAdapters(broken)).toThrow(/adapters\[0\]\.pages\[0\]\.origin: must be an origin.*adapters\[0\]\.patient: needs keyAttribute or key/);
  });

  it('applies to the demo HIS origin and port only', () => {
    expect(findAdapter([adapter], 'http://127.0.0.1:4310/patient/P-1001')?.id).toBe('demo-his');
    expect(findAdapter([adapter], 'http://127.0.0.1:4320/')).toBeUndefined();
    expect(findAdapter([adapter], 'https://example.org/')).toBeUndefined();
  });

  it('reads patient and GP from the page', () => {
    expect(readPatient(document, adapter)).toEqual({ key: 'P-1001', name: 'Mila Voorbeeld', phone: '06-99990001' });
    expect(readPractitioner(document, adapter)).toEqual({ name: 'dr. E. Denkbeeld', agb: '01999001' });
  });
});

describe('signal scanner', () => {
  it('reports the open patient, and ignores codes outside the consult (history, banner)', () => {
    start();
    expect(patients).toEqual([{ key: 'P-1001', name: 'Mila Voorbeeld', phone: '06-99990001' }]);
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
    text.value = 'Hoofdpijn (N01) sinds weken, veel geldzorgen';
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
});
