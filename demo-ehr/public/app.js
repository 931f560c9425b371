// @ts-check
/**
 * Demo HIS consult page. Plain ES module, no build step, no HTML-string parsing: DOM is built with
 * createElement/textContent only. Patient switching is client-side (history.pushState to /patient/<id>).
 *
 * DOM contract used by the Vroegsignaal page adapter (keep stable):
 *   #current-user[data-agb] > [data-field=practitioner-name]
 *   #patient-list button[data-patient-id]
 *   #patient-banner[data-patient-id] > [data-field=name|birth-date|phone|...]
 *   #episode-list li, #journal li
 *   form#consult-editor: #soep-s #soep-o #soep-e-code #soep-e-text #soep-p, listbox #icpc-suggestions
 *
 * Load modes for the performance benchmark (scripts/bench.ts), chosen by query parameters. Without them
 * the page is exactly the normal demo. They apply to every patient opened during the page load (switching
 * patients drops the query string from the URL, not the mode).
 *   ?journal=N  The open patient's journal gets N SOEP lines (0 ≤ N ≤ 100000): a shorter journal grows by
 *               generated, dated contacts before its first entry (seeded per patient: the same on every
 *               load), a longer one keeps its newest entries (at most N lines). Generated history carries
 *               ordinary ICPC codes, N01/P06/L03 among them; the consult editor stays empty.
 *               Page size (nodes() below) in Chromium is about 700 + 10.5 × N with P-1001 open (P-1005:
 *               900 + 10.5 × N): journal=20 → 0.9k nodes, 30 → 1.0k, 880 → 9.9k, 1000 → 11.2k,
 *               4700 → 50.0k, 5200 → 55.3k. The benchmark's "1k / 10k / 50k" scales are 20, 1000, 5200.
 *   ?storm=outside|inside|both [&stormRate=5 renders/s] [&stormMs=10000] [&stormChunk=20]
 *               After the first render, re-renders parts of the page stormRate times a second for stormMs,
 *               as single-page EHRs do. outside: the next stormChunk journal entries (rotating through the
 *               journal) are replaced by freshly built equal ones. inside: a list of stormChunk practice
 *               notes plus a status line, #consult-context inside form#consult-editor (created only in this
 *               mode; no codes or signal words), is rebuilt. both: both in one render. Work per render is
 *               proportional to stormChunk, not to the page. <html data-storm> is "running", then "done".
 *               Ranges: stormRate 0.1–250, stormMs 0–600000, stormChunk 1–10000 (integers but the rate);
 *               a malformed or out-of-range value means its default, an unknown storm no storm.
 *   window.__demoLoad = { nodes(): number, stormRenders: number }  (always present) nodes() counts the
 *               document's elements and text nodes (not inside shadow roots); stormRenders counts renders.
 */
import {
  AUTHORS, CURRENT_USER, PATIENTS, consultContextLines, findPatient, journalLineCount, journalSeed, parseLoadModes, resizeJournal,
} from './patients.js';
import { ICPC_BY_CODE, ICPC_CODES, searchIcpc } from './icpc.js';
// Served by the demo server from the referral contract, so the HIS and Vroegsignaal agree on codes.
import { ICPC_CODE_PATTERN } from './contract.js';

/** @typedef {import('./patients.js').Patient} Patient */
/** @typedef {import('./patients.js').Episode} Episode */
/** @typedef {import('./patients.js').JournalEntry} JournalEntry */
/** @typedef {import('./patients.js').ContactType} ContactType */
/** @typedef {import('./icpc.js').IcpcCode} IcpcCode */

/* ------------------------------------------------------------------------------------------------ */
/* Small DOM helpers                                                                                 */
/* ------------------------------------------------------------------------------------------------ */

/**
 * Creates an element. `attrs.class` sets className, `attrs.text` sets textContent, everything else is an
 * attribute. Children are nodes or strings (strings become text nodes).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | undefined>} [attrs]
 * @param {Array<Node | string>} children
 * @returns {HTMLElementTagNameMap[K]}
 */
function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    if (name === 'class') element.className = value;
    else if (name === 'text') element.textContent = value;
    else element.setAttribute(name, value);
  }
  for (const child of children) element.append(child);
  return element;
}

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new (...args: any[]) => T} type
 * @returns {T}
 */
function byId(id, type) {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`Element #${id} ontbreekt of heeft het verkeerde type`);
  return element;
}

/**
 * @param {ParentNode} root
 * @param {string} field
 * @returns {HTMLElement}
 */
function field(root, field) {
  const element = root.querySelector(`[data-field='${field}']`);
  if (!(element instanceof HTMLElement)) throw new Error(`[data-field=${field}] ontbreekt`);
  return element;
}

/* ------------------------------------------------------------------------------------------------ */
/* Dates                                                                                             */
/* ------------------------------------------------------------------------------------------------ */

const WEEKDAYS = ['zo', 'ma', 'di', 'wo', 'do', 'vr', 'za'];

/** @param {Date} date */
function formatDate(date) {
  return `${String(date.getDate()).padStart(2, '0')}-${String(date.getMonth() + 1).padStart(2, '0')}-${date.getFullYear()}`;
}

/** @param {Date} date */
function formatTime(date) {
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

/**
 * @param {string} ddmmyyyy
 * @returns {{ day: number, month: number, year: number }}
 */
function parseDate(ddmmyyyy) {
  const [day, month, year] = ddmmyyyy.split('-').map(Number);
  return { day: day ?? 1, month: month ?? 1, year: year ?? 1970 };
}

/**
 * Age in whole years on `today`.
 * @param {string} birthDate DD-MM-YYYY
 * @param {Date} today
 */
function ageOn(birthDate, today) {
  const { day, month, year } = parseDate(birthDate);
  let age = today.getFullYear() - year;
  const beforeBirthday = today.getMonth() + 1 < month || (today.getMonth() + 1 === month && today.getDate() < day);
  if (beforeBirthday) age -= 1;
  return age;
}

/** @param {number} years */
function ageLabel(years) {
  return `${years} jaar`;
}

/* ------------------------------------------------------------------------------------------------ */
/* State                                                                                             */
/* ------------------------------------------------------------------------------------------------ */

/** Journals and episodes are copied per patient so saved consults live in memory for this page load. */
/** @type {Map<string, JournalEntry[]>} */
const journals = new Map(PATIENTS.map((patient) => [patient.id, [...patient.journal]]));
/** @type {Map<string, Episode[]>} */
const episodes = new Map(PATIENTS.map((patient) => [patient.id, patient.episodes.map((ep) => ({ ...ep }))]));

/** Parsed once: patient switches use pushState without the query string, but the mode holds for the page load. */
const loadModes = parseLoadModes(location.search);
/** Patients whose journal `?journal=N` has already resized, so a revisit keeps consults saved since. */
const resizedJournals = new Set();

const state = {
  /** @type {string | null} */
  patientId: null,
  /** @type {string | null} */
  episodeFilter: null,
  savedCount: 0,
};

const CONTACT_LABELS = /** @type {Record<ContactType, string>} */ ({
  C: 'Consult',
  T: 'Telefonisch consult',
  V: 'Visite',
  E: 'E-consult',
});

const SOEP_LINES = /** @type {const} */ ([
  ['S', 's'],
  ['O', 'o'],
  ['E', 'e'],
  ['P', 'p'],
]);

/* ------------------------------------------------------------------------------------------------ */
/* Elements                                                                                          */
/* ------------------------------------------------------------------------------------------------ */

const els = {
  today: byId('today-date', HTMLElement),
  patientList: byId('patient-list', HTMLUListElement),
  patientListEmpty: byId('patient-list-empty', HTMLElement),
  patientCount: byId('patient-count', HTMLElement),
  patientFilter: byId('patient-filter', HTMLInputElement),
  workspace: byId('workspace', HTMLElement),
  emptyState: byId('empty-state', HTMLElement),
  emptyTitle: byId('empty-state-title', HTMLElement),
  emptyText: byId('empty-state-text', HTMLElement),
  banner: byId('patient-banner', HTMLElement),
  patientWorkspace: byId('patient-workspace', HTMLElement),
  episodeList: byId('episode-list', HTMLUListElement),
  episodeCount: byId('episode-count', HTMLElement),
  journal: byId('journal', HTMLOListElement),
  journalScroll: byId('journal-scroll', HTMLElement),
  journalCount: byId('journal-count', HTMLElement),
  journalFilter: byId('journal-filter', HTMLElement),
  journalFilterText: byId('journal-filter-text', HTMLElement),
  journalFilterClear: byId('journal-filter-clear', HTMLButtonElement),
  form: byId('consult-editor', HTMLFormElement),
  consultDate: byId('consult-date', HTMLElement),
  consultType: byId('consult-type', HTMLSelectElement),
  soepS: byId('soep-s', HTMLTextAreaElement),
  soepO: byId('soep-o', HTMLTextAreaElement),
  codeInput: byId('soep-e-code', HTMLInputElement),
  textInput: byId('soep-e-text', HTMLInputElement),
  soepP: byId('soep-p', HTMLTextAreaElement),
  suggestions: byId('icpc-suggestions', HTMLUListElement),
  status: byId('consult-status', HTMLElement),
  cancel: byId('consult-cancel', HTMLButtonElement),
  panels: {
    medicatie: byId('panel-medicatie', HTMLElement),
    uitslagen: byId('panel-uitslagen', HTMLElement),
    correspondentie: byId('panel-correspondentie', HTMLElement),
    personalia: byId('panel-personalia', HTMLElement),
  },
};

/* ------------------------------------------------------------------------------------------------ */
/* Patient list                                                                                      */
/* ------------------------------------------------------------------------------------------------ */

/** @param {Patient} patient */
function fullName(patient) {
  return `${patient.firstName} ${patient.lastName}`;
}

function renderPatientList() {
  const today = new Date();
  const items = [...PATIENTS]
    .sort((a, b) => a.appointment.localeCompare(b.appointment))
    .map((patient) => {
      const button = h(
        'button',
        { type: 'button', class: 'patient-item', 'data-patient-id': patient.id },
        h('span', { class: 'pl-time', text: patient.appointment }),
        ' ',
        h('span', { class: 'pl-name', text: fullName(patient) }),
        ' ',
        h(
          'span',
          { class: 'pl-meta' },
          h('span', { class: 'pl-dob', text: patient.birthDate }),
          ' ',
          h('span', { class: 'pl-agesex', text: `(${patient.sex}, ${ageOn(patient.birthDate, today)})` }),
        ),
        ' ',
        h('span', { class: 'pl-reason', text: patient.reason }),
      );
      return h('li', {}, button);
    });
  els.patientList.replaceChildren(...items);
  els.patientCount.textContent = `${PATIENTS.length} afspraken`;
}

function applyPatientFilter() {
  const query = els.patientFilter.value.trim().toLowerCase();
  let visible = 0;
  for (const button of els.patientList.querySelectorAll('button[data-patient-id]')) {
    const patient = findPatient(button.getAttribute('data-patient-id') ?? '');
    const item = button.parentElement;
    if (!patient || !item) continue;
    const haystack = `${fullName(patient)} ${patient.birthDate} ${patient.id}`.toLowerCase();
    const match = query === '' || haystack.includes(query);
    item.hidden = !match;
    if (match) visible += 1;
  }
  els.patientListEmpty.hidden = visible > 0;
}

function markSelectedInList() {
  for (const button of els.patientList.querySelectorAll('button[data-patient-id]')) {
    const selected = button.getAttribute('data-patient-id') === state.patientId;
    if (selected) button.setAttribute('aria-current', 'true');
    else button.removeAttribute('aria-current');
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* Banner                                                                                            */
/* ------------------------------------------------------------------------------------------------ */

/** @param {Patient} patient */
function renderBanner(patient) {
  const banner = els.banner;
  const today = new Date();
  banner.setAttribute('data-patient-id', patient.id);
  field(banner, 'name').textContent = fullName(patient);
  field(banner, 'age-sex').textContent = `${ageLabel(ageOn(patient.birthDate, today))}, ${patient.sex === 'V' ? 'vrouw' : 'man'}`;
  field(banner, 'birth-date').textContent = patient.birthDate;
  field(banner, 'phone').textContent = patient.phone;
  field(banner, 'address').textContent = `${patient.address.street}, ${patient.address.postcode} ${patient.address.city}`;
  field(banner, 'gp').textContent = patient.gp;
  field(banner, 'insurer').textContent = patient.insurer;
  field(banner, 'patient-number').textContent = patient.id;
  const flags = patient.cave.map((text) => h('li', { class: 'flag flag-cave' }, h('span', { class: 'flag-label', text: 'CAVE' }), ' ', text));
  field(banner, 'flags').replaceChildren(...flags);
  banner.hidden = false;
}

/* ------------------------------------------------------------------------------------------------ */
/* Episodes                                                                                          */
/* ------------------------------------------------------------------------------------------------ */

/** @param {string} mmyyyy */
function monthKey(mmyyyy) {
  const [month, year] = mmyyyy.split('-');
  return `${year ?? ''}${month ?? ''}`;
}

/**
 * Text split into text nodes with <wbr> after each slash, so "Cystitis/urineweginfectie" wraps nicely
 * in a narrow column without changing textContent.
 * @param {string} text
 * @returns {Array<Node | string>}
 */
function withWordBreaks(text) {
  /** @type {Array<Node | string>} */
  const parts = [];
  text.split('/').forEach((part, index, all) => {
    parts.push(index < all.length - 1 ? `${part}/` : part);
    if (index < all.length - 1) parts.push(document.createElement('wbr'));
  });
  return parts;
}

/** @param {string} patientId */
function renderEpisodes(patientId) {
  const list = [...(episodes.get(patientId) ?? [])].sort((a, b) => {
    if (a.status !== b.status) return a.status === 'actief' ? -1 : 1;
    return monthKey(b.start).localeCompare(monthKey(a.start));
  });
  const items = list.map((ep) => {
    const pressed = state.episodeFilter === ep.code;
    const button = h(
      'button',
      {
        type: 'button',
        class: 'episode-item',
        'data-code': ep.code,
        'aria-pressed': String(pressed),
        title: `Journaal filteren op ${ep.code} ${ep.title}`,
      },
      h('span', { class: 'icpc-code', text: ep.code }),
      ' ',
      h('span', { class: 'episode-title' }, ...withWordBreaks(ep.title)),
      '  ',
      h('span', { class: 'episode-since', text: `sinds ${ep.start}` }),
    );
    return h('li', { class: `episode episode-${ep.status}`, 'data-icpc': ep.code, 'data-status': ep.status }, button);
  });
  els.episodeList.replaceChildren(...items);
  const active = list.filter((ep) => ep.status === 'actief').length;
  els.episodeCount.textContent = `${active} actief · ${list.length} totaal`;
}

/* ------------------------------------------------------------------------------------------------ */
/* Journal                                                                                           */
/* ------------------------------------------------------------------------------------------------ */

/**
 * @param {JournalEntry} entry
 * @returns {HTMLLIElement}
 */
function journalEntryElement(entry) {
  /** @type {Array<HTMLElement | string>} */
  const lines = [];
  for (const [letter, key] of SOEP_LINES) {
    /** @type {HTMLElement} */
    let text;
    if (key === 'e') {
      if (entry.e.code === '' && entry.e.text === '') continue;
      text = h('span', { class: 'je-text' }, h('span', { class: 'icpc-code', text: entry.e.code }), ' ', entry.e.text);
    } else {
      if (entry[key] === '') continue;
      text = h('span', { class: 'je-text', text: entry[key] });
    }
    // Newlines between lines and a space after the meta column keep textContent readable for scanners.
    if (lines.length > 0) lines.push('\n');
    lines.push(h('div', { class: `je-line je-line-${key}`, 'data-soep': letter }, h('span', { class: 'je-letter', text: letter }), ' ', text));
  }
  return h(
    'li',
    { class: 'journal-entry', 'data-entry-id': entry.id, 'data-icpc': entry.e.code },
    h(
      'div',
      { class: 'je-meta' },
      h('time', { class: 'je-date', text: entry.date }),
      ' ',
      h('span', { class: 'je-type', title: CONTACT_LABELS[entry.type], text: entry.type }),
      ' ',
      h('span', { class: 'je-author', title: AUTHORS[entry.author] ?? entry.author, text: entry.author }),
    ),
    '\n',
    h('div', { class: 'je-lines' }, ...lines),
  );
}

/** @param {string} patientId */
function renderJournal(patientId) {
  const entries = journals.get(patientId) ?? [];
  const fragment = document.createDocumentFragment();
  // Newest first, like the HIS default view.
  for (let i = entries.length - 1; i >= 0; i -= 1) {
    const entry = entries[i];
    if (entry) fragment.append(journalEntryElement(entry));
  }
  // Reset the scroll position before swapping content, so it does not force a layout of the new journal.
  els.journalScroll.scrollTop = 0;
  els.journal.replaceChildren(fragment);
  applyJournalFilter();
}

/** @param {string} patientId */
function updateJournalCount(patientId) {
  const entries = journals.get(patientId) ?? [];
  els.journalCount.textContent = `${entries.length} contacten · ${journalLineCount(entries)} regels`;
}

/**
 * @param {string} entryCode
 * @param {string} filterCode
 */
function codeMatches(entryCode, filterCode) {
  return entryCode === filterCode || entryCode.startsWith(`${filterCode}.`);
}

function applyJournalFilter() {
  const filter = state.episodeFilter;
  for (const item of els.journal.children) {
    if (!(item instanceof HTMLElement)) continue;
    const hidden = filter !== null && !codeMatches(item.getAttribute('data-icpc') ?? '', filter);
    if (item.hidden !== hidden) item.hidden = hidden;
  }
  els.journalFilter.hidden = filter === null;
  if (filter !== null) {
    const ep = (episodes.get(state.patientId ?? '') ?? []).find((candidate) => candidate.code === filter);
    els.journalFilterText.textContent = `Gefilterd op ${filter}${ep ? ` ${ep.title}` : ''}`;
  }
  for (const button of els.episodeList.querySelectorAll('button[data-code]')) {
    button.setAttribute('aria-pressed', String(button.getAttribute('data-code') === filter));
  }
}

/** @param {string | null} code */
function setEpisodeFilter(code) {
  state.episodeFilter = code;
  applyJournalFilter();
  els.journalScroll.scrollTop = 0;
}

/* ------------------------------------------------------------------------------------------------ */
/* Other tabs                                                                                        */
/* ------------------------------------------------------------------------------------------------ */

/**
 * @param {string} caption
 * @param {string[]} headers
 * @param {string[][]} rows
 * @param {string} emptyText
 */
function dataTable(caption, headers, rows, emptyText) {
  if (rows.length === 0) return h('p', { class: 'muted panel-empty', text: emptyText });
  return h(
    'table',
    { class: 'data-table' },
    h('caption', { class: 'visually-hidden', text: caption }),
    h('thead', {}, h('tr', {}, ...headers.map((text) => h('th', { scope: 'col', text })))),
    h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((text) => h('td', { text }))))),
  );
}

/** @param {Patient} patient */
function renderSidePanels(patient) {
  els.panels.medicatie.replaceChildren(
    h('div', { class: 'pane-head' }, h('h2', { text: 'Actuele medicatie' })),
    dataTable(
      'Actuele medicatie',
      ['Geneesmiddel', 'Dosering', 'Sinds', 'Voorschrijver'],
      patient.medication.map((med) => [med.name, med.dosage, med.since, med.prescriber]),
      'Geen actuele medicatie.',
    ),
  );
  els.panels.uitslagen.replaceChildren(
    h('div', { class: 'pane-head' }, h('h2', { text: 'Laboratoriumuitslagen' })),
    dataTable(
      'Laboratoriumuitslagen',
      ['Datum', 'Bepaling', 'Uitslag', 'Eenheid', 'Referentie', 'Vlag'],
      patient.results.map((r) => [r.date, r.test, r.value, r.unit, r.reference, r.flag ?? '']),
      'Geen uitslagen.',
    ),
  );
  els.panels.correspondentie.replaceChildren(
    h('div', { class: 'pane-head' }, h('h2', { text: 'Correspondentie' })),
    dataTable(
      'Correspondentie',
      ['Datum', 'In/uit', 'Van/aan', 'Onderwerp'],
      patient.letters.map((l) => [l.date, l.direction === 'in' ? 'Inkomend' : 'Uitgaand', l.party, l.subject]),
      'Geen correspondentie.',
    ),
  );
  /** @type {Array<[string, string]>} */
  const personalia = [
    ['Naam', `${patient.lastName}, ${patient.initials} (${patient.firstName})`],
    ['Geslacht', patient.sex === 'V' ? 'Vrouw' : 'Man'],
    ['Geboortedatum', patient.birthDate],
    ['Adres', `${patient.address.street}, ${patient.address.postcode} ${patient.address.city}`],
    ['Telefoon (mobiel)', patient.phone],
    ['Huisarts', patient.gp],
    ['Zorgverzekeraar', patient.insurer],
    ['Ingeschreven sinds', patient.registeredSince],
  ];
  els.panels.personalia.replaceChildren(
    h('div', { class: 'pane-head' }, h('h2', { text: 'Personalia' })),
    h('dl', { class: 'personalia' }, ...personalia.map(([term, value]) => h('div', {}, h('dt', { text: term }), h('dd', { text: value })))),
  );
}

/* Tabs: WAI-ARIA tabs with automatic activation and roving tabindex. */
function setupTabs() {
  const tabs = /** @type {HTMLButtonElement[]} */ ([...document.querySelectorAll('[role="tab"]')]);
  /** @param {HTMLButtonElement} tab */
  const select = (tab) => {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute('aria-selected', String(selected));
      other.tabIndex = selected ? 0 : -1;
      const panel = document.getElementById(other.getAttribute('aria-controls') ?? '');
      if (panel) panel.hidden = !selected;
    }
  };
  tabs.forEach((tab, index) => {
    tab.addEventListener('click', () => select(tab));
    tab.addEventListener('keydown', (event) => {
      let next = -1;
      if (event.key === 'ArrowRight') next = (index + 1) % tabs.length;
      else if (event.key === 'ArrowLeft') next = (index - 1 + tabs.length) % tabs.length;
      else if (event.key === 'Home') next = 0;
      else if (event.key === 'End') next = tabs.length - 1;
      const target = tabs[next];
      if (!target) return;
      event.preventDefault();
      target.focus();
      select(target);
    });
  });
}

/* ------------------------------------------------------------------------------------------------ */
/* Consult editor                                                                                    */
/* ------------------------------------------------------------------------------------------------ */

const editorFields = () => [els.soepS, els.soepO, els.codeInput, els.textInput, els.soepP];

/**
 * Fires bubbling input + change events, as a real HIS does after setting values programmatically.
 * @param {HTMLInputElement | HTMLTextAreaElement} input
 */
function notifyValueChanged(input) {
  input.dispatchEvent(new Event('input', { bubbles: true }));
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

/** Guards our own input handler while we dispatch synthetic events. */
let settingProgrammatically = false;

/**
 * Empties the editor. Fields that had a value get input/change events so listeners see them empty.
 * @param {{ keepStatus?: boolean }} [options]
 */
function clearEditor(options = {}) {
  closeSuggestions();
  settingProgrammatically = true;
  try {
    for (const input of editorFields()) {
      if (input.value === '') continue;
      input.value = '';
      notifyValueChanged(input);
    }
  } finally {
    settingProgrammatically = false;
  }
  els.consultType.value = 'C';
  els.codeInput.removeAttribute('aria-invalid');
  if (!options.keepStatus) setStatus('', 'info');
}

/**
 * @param {string} text
 * @param {'info' | 'ok' | 'error'} kind
 */
function setStatus(text, kind) {
  els.status.textContent = text;
  els.status.setAttribute('data-kind', kind);
}

/** @param {SubmitEvent} event */
function onSave(event) {
  event.preventDefault();
  const patientId = state.patientId;
  if (patientId === null) return;
  const code = els.codeInput.value.trim().toUpperCase();
  const known = ICPC_BY_CODE.get(code);
  const text = els.textInput.value.trim() || known?.title || '';
  const s = els.soepS.value.trim();
  const o = els.soepO.value.trim();
  const p = els.soepP.value.trim();
  if (!s && !o && !code && !text && !p) {
    setStatus('Leeg consult: er is niets opgeslagen.', 'error');
    els.soepS.focus();
    return;
  }
  if (code !== '' && !ICPC_CODE_PATTERN.test(code)) {
    els.codeInput.setAttribute('aria-invalid', 'true');
    setStatus(`Ongeldige ICPC-code "${code}". Gebruik bijvoorbeeld N01 of L03.01.`, 'error');
    els.codeInput.focus();
    return;
  }
  els.codeInput.removeAttribute('aria-invalid');
  const now = new Date();
  state.savedCount += 1;
  /** @type {JournalEntry} */
  const entry = {
    id: `J-NIEUW-${state.savedCount}`,
    date: formatDate(now),
    type: /** @type {ContactType} */ (els.consultType.value),
    author: CURRENT_USER.initials,
    s,
    o,
    e: { code, text },
    p,
  };
  const journal = journals.get(patientId) ?? [];
  journal.push(entry);
  journals.set(patientId, journal);

  // A new code opens a new episode; an existing closed episode is reopened.
  if (code !== '') {
    const list = episodes.get(patientId) ?? [];
    const episodeCode = known || !code.includes('.') ? code : code.slice(0, 3);
    const existing = list.find((ep) => ep.code === episodeCode || codeMatches(code, ep.code));
    if (existing) existing.status = 'actief';
    else {
      const start = `${String(now.getMonth() + 1).padStart(2, '0')}-${now.getFullYear()}`;
      list.push({ code: episodeCode, title: text || episodeCode, start, status: 'actief' });
    }
    episodes.set(patientId, list);
    renderEpisodes(patientId);
  }

  const element = journalEntryElement(entry);
  element.classList.add('journal-entry-new');
  els.journal.prepend(element);
  applyJournalFilter();
  updateJournalCount(patientId);
  els.journalScroll.scrollTop = 0;

  clearEditor({ keepStatus: true });
  setStatus(`Consult opgeslagen in het journaal (${formatTime(now)}).`, 'ok');
  els.soepS.focus();
  document.dispatchEvent(new CustomEvent('demo-his:consult-saved', { detail: { patientId, entryId: entry.id } }));
}

/* ------------------------------------------------------------------------------------------------ */
/* ICPC combobox (WAI-ARIA combobox with listbox popup, list autocomplete)                            */
/* ------------------------------------------------------------------------------------------------ */

/** @type {IcpcCode[]} */
let suggestionItems = [];
let activeIndex = -1;

/** @param {string} code */
function optionId(code) {
  return `icpc-option-${code.replace(/\./g, '-')}`;
}

function suggestionsOpen() {
  return !els.suggestions.hidden;
}

/** @param {IcpcCode[]} items */
function openSuggestions(items) {
  suggestionItems = items;
  activeIndex = -1;
  els.codeInput.removeAttribute('aria-activedescendant');
  if (items.length === 0) {
    closeSuggestions();
    return;
  }
  const options = items.map((item) =>
    h(
      'li',
      { id: optionId(item.code), role: 'option', class: 'suggestion', 'aria-selected': 'false', 'data-code': item.code },
      h('span', { class: 'icpc-code', text: item.code }),
      ' ',
      h('span', { class: 'suggestion-title', text: item.title }),
    ),
  );
  els.suggestions.replaceChildren(...options);
  els.suggestions.hidden = false;
  els.codeInput.setAttribute('aria-expanded', 'true');
}

function closeSuggestions() {
  suggestionItems = [];
  activeIndex = -1;
  els.suggestions.hidden = true;
  els.suggestions.replaceChildren();
  els.codeInput.setAttribute('aria-expanded', 'false');
  els.codeInput.removeAttribute('aria-activedescendant');
}

/** @param {number} index */
function setActive(index) {
  const options = els.suggestions.children;
  activeIndex = index;
  for (let i = 0; i < options.length; i += 1) {
    options[i]?.setAttribute('aria-selected', String(i === index));
  }
  const active = options[index];
  if (active) {
    els.codeInput.setAttribute('aria-activedescendant', active.id);
    active.scrollIntoView({ block: 'nearest' });
  } else {
    els.codeInput.removeAttribute('aria-activedescendant');
  }
}

/**
 * Applies a chosen code: code input gets the code, E text gets the title, then both inputs get bubbling
 * input and change events (the way real HIS autocompletes set values programmatically).
 * @param {IcpcCode} item
 */
function pickSuggestion(item) {
  closeSuggestions();
  settingProgrammatically = true;
  try {
    els.codeInput.value = item.code;
    els.textInput.value = item.title;
    els.codeInput.removeAttribute('aria-invalid');
    notifyValueChanged(els.codeInput);
    notifyValueChanged(els.textInput);
  } finally {
    settingProgrammatically = false;
  }
}

function setupCombobox() {
  const input = els.codeInput;

  input.addEventListener('input', () => {
    if (settingProgrammatically) return;
    input.removeAttribute('aria-invalid');
    openSuggestions(searchIcpc(input.value));
  });

  input.addEventListener('keydown', (event) => {
    if (event.isComposing) return;
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        event.preventDefault();
        if (!suggestionsOpen()) {
          const query = input.value.trim();
          openSuggestions(query === '' ? [...ICPC_CODES] : searchIcpc(query));
          if (!suggestionsOpen()) return;
          setActive(event.key === 'ArrowDown' ? 0 : suggestionItems.length - 1);
          return;
        }
        const count = suggestionItems.length;
        const next = event.key === 'ArrowDown'
          ? (activeIndex + 1) % count
          : activeIndex <= 0 ? count - 1 : activeIndex - 1;
        setActive(next);
        break;
      }
      case 'Enter': {
        // Enter in the code field never submits the consult; it confirms a code.
        event.preventDefault();
        const active = suggestionItems[activeIndex];
        if (suggestionsOpen() && active) {
          pickSuggestion(active);
          return;
        }
        const exact = ICPC_BY_CODE.get(input.value.trim().toUpperCase());
        if (exact) pickSuggestion(exact);
        else closeSuggestions();
        break;
      }
      case 'Escape':
        if (suggestionsOpen()) {
          event.preventDefault();
          closeSuggestions();
        }
        break;
      case 'Tab':
        closeSuggestions();
        break;
      default:
        break;
    }
  });

  // A code typed in full and left with Tab: fill in the title when the E text is still empty.
  input.addEventListener('change', () => {
    if (settingProgrammatically) return;
    const exact = ICPC_BY_CODE.get(input.value.trim().toUpperCase());
    if (exact && els.textInput.value.trim() === '') {
      settingProgrammatically = true;
      try {
        els.textInput.value = exact.title;
        notifyValueChanged(els.textInput);
      } finally {
        settingProgrammatically = false;
      }
    }
  });

  input.addEventListener('blur', () => closeSuggestions());

  // Enter in the E text moves on to the plan instead of saving the consult half-way.
  els.textInput.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.isComposing) return;
    event.preventDefault();
    els.soepP.focus();
  });

  // Mouse: keep focus in the input while clicking an option.
  els.suggestions.addEventListener('mousedown', (event) => event.preventDefault());
  els.suggestions.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target.closest('[role="option"]') : null;
    const item = target ? ICPC_BY_CODE.get(target.getAttribute('data-code') ?? '') : undefined;
    if (item) pickSuggestion(item);
  });
  els.suggestions.addEventListener('mousemove', (event) => {
    const target = event.target instanceof Element ? event.target.closest('[role="option"]') : null;
    if (!target) return;
    const index = [...els.suggestions.children].indexOf(target);
    if (index >= 0 && index !== activeIndex) setActive(index);
  });
}

/* ------------------------------------------------------------------------------------------------ */
/* Routing                                                                                           */
/* ------------------------------------------------------------------------------------------------ */

/** @param {string} pathname */
function patientIdFromPath(pathname) {
  const match = /^\/patient\/([^/]+)\/?$/.exec(pathname);
  if (!match || match[1] === undefined) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

/**
 * @param {string} title
 * @param {string} text
 */
function showEmptyState(title, text) {
  state.patientId = null;
  els.emptyTitle.textContent = title;
  els.emptyText.textContent = text;
  els.emptyState.hidden = false;
  els.banner.hidden = true;
  els.banner.removeAttribute('data-patient-id');
  els.patientWorkspace.hidden = true;
  markSelectedInList();
  document.title = 'Consult — Demo-HIS';
}

/** @param {string | null} patientId */
function showPatient(patientId) {
  if (patientId === state.patientId && patientId !== null) return;
  clearEditor();
  state.episodeFilter = null;
  if (patientId === null) {
    showEmptyState('Kies een patiënt', 'Kies een patiënt in de lijst links om het dossier te openen.');
    return;
  }
  const patient = findPatient(patientId);
  if (!patient) {
    showEmptyState('Patiënt niet gevonden', `Er is geen patiënt met nummer ${patientId}. Kies een patiënt in de lijst links.`);
    return;
  }
  state.patientId = patient.id;
  els.emptyState.hidden = true;
  renderBanner(patient);
  renderEpisodes(patient.id);
  resizeJournalForLoadMode(patient.id);
  renderJournal(patient.id);
  updateJournalCount(patient.id);
  renderSidePanels(patient);
  els.patientWorkspace.hidden = false;
  markSelectedInList();
  document.title = `${fullName(patient)} — Consult — Demo-HIS`;
}

/** @param {string} patientId */
function navigateToPatient(patientId) {
  const path = `/patient/${encodeURIComponent(patientId)}`;
  if (location.pathname !== path) history.pushState({ patientId }, '', path);
  showPatient(patientId);
}

/* ------------------------------------------------------------------------------------------------ */
/* Load modes for the benchmark (see the header comment)                                             */
/* ------------------------------------------------------------------------------------------------ */

/** @param {string} patientId */
function resizeJournalForLoadMode(patientId) {
  const lines = loadModes.journalLines;
  if (lines === null || resizedJournals.has(patientId)) return;
  resizedJournals.add(patientId);
  journals.set(patientId, resizeJournal(journals.get(patientId) ?? [], lines, journalSeed(patientId)));
}

const demoLoad = {
  /** Elements plus text nodes in the document, the page size the benchmark reports. */
  nodes() {
    const walker = document.createTreeWalker(document, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    let count = 0;
    while (walker.nextNode()) count += 1;
    return count;
  },
  stormRenders: 0,
};

/** First journal item of the next `outside` chunk; null starts again at the top. */
/** @type {Element | null} */
let stormCursor = null;
/** Entry per journal id of the open patient, so a storm render finds its data without scanning the journal. */
/** @type {{ patientId: string | null, byId: Map<string, JournalEntry> }} */
const stormEntries = { patientId: null, byId: new Map() };

/** @param {string} id */
function stormEntry(id) {
  const patientId = state.patientId;
  if (patientId === null) return undefined;
  // Rebuilt only when the patient changed or a consult was saved since, not per render.
  if (stormEntries.patientId !== patientId || !stormEntries.byId.has(id)) {
    stormEntries.patientId = patientId;
    stormEntries.byId = new Map((journals.get(patientId) ?? []).map((entry) => [entry.id, entry]));
  }
  return stormEntries.byId.get(id);
}

/**
 * Replaces the next `count` journal items by newly built equal ones, the way a list component re-renders
 * a slice. Walks siblings from a kept cursor, so the cost does not grow with the journal.
 * @param {number} count
 */
function stormOutside(count) {
  const list = els.journal;
  const first = stormCursor !== null && stormCursor.parentNode === list ? stormCursor : list.firstElementChild;
  if (first === null) return;
  /** @type {Element[]} */
  const old = [];
  /** @type {Element | null} */
  let next = first;
  while (next !== null && old.length < count) {
    old.push(next);
    next = next.nextElementSibling;
  }
  const fragment = document.createDocumentFragment();
  for (const item of old) {
    const entry = stormEntry(item.getAttribute('data-entry-id') ?? '');
    const fresh = entry ? journalEntryElement(entry) : /** @type {Element} */ (item.cloneNode(true));
    // Keep what the page did to the item since: the episode filter and the highlight of a new consult.
    fresh.className = item.className;
    if (fresh instanceof HTMLElement && item instanceof HTMLElement) fresh.hidden = item.hidden;
    fragment.append(fresh);
  }
  for (const item of old) item.remove();
  list.insertBefore(fragment, next);
  stormCursor = next;
}

/** @type {{ status: HTMLElement, list: HTMLUListElement } | null} */
let consultContext = null;

/**
 * Rebuilds the practice notes inside the consult editor: a region the extension scans, but no field the
 * GP types in.
 * @param {number} count
 */
function stormInside(count) {
  if (consultContext === null) {
    const status = h('p', { class: 'consult-context-status' });
    const list = h('ul', { class: 'consult-context-list' });
    const region = h('div', { id: 'consult-context', class: 'consult-context', role: 'note', 'aria-label': 'Dossiercontext' }, status, list);
    const actions = els.form.querySelector('.editor-actions');
    if (actions) actions.before(region);
    else els.form.append(region);
    consultContext = { status, list };
  }
  const fragment = document.createDocumentFragment();
  for (const line of consultContextLines(demoLoad.stormRenders, count)) fragment.append(h('li', { text: line }));
  consultContext.list.replaceChildren(fragment);
  consultContext.status.textContent = `Dossiercontext bijgewerkt om ${formatTime(new Date())} (ronde ${demoLoad.stormRenders + 1})`;
}

/** @param {import('./patients.js').StormMode} mode */
function startStorm(mode) {
  const root = document.documentElement;
  root.dataset.storm = 'running';
  const startedAt = performance.now();
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let interval;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timeout;
  const stop = () => {
    clearInterval(interval);
    clearTimeout(timeout);
    root.dataset.storm = 'done';
  };
  const render = () => {
    // A timer delayed by a busy page must not render after the storm's end.
    if (performance.now() - startedAt >= mode.ms) {
      stop();
      return;
    }
    if (mode.kind !== 'inside') stormOutside(mode.chunk);
    if (mode.kind !== 'outside') stormInside(mode.chunk);
    demoLoad.stormRenders += 1;
  };
  interval = setInterval(render, 1000 / mode.rate);
  timeout = setTimeout(stop, mode.ms);
}

/* ------------------------------------------------------------------------------------------------ */
/* Start                                                                                             */
/* ------------------------------------------------------------------------------------------------ */

function start() {
  const now = new Date();
  els.today.textContent = `${WEEKDAYS[now.getDay()] ?? ''} ${formatDate(now)}`;
  els.consultDate.replaceChildren(formatDate(now), h('span', { class: 'consult-author', text: ` · ${CURRENT_USER.name}` }));

  renderPatientList();
  setupTabs();
  setupCombobox();

  els.patientList.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button[data-patient-id]') : null;
    const id = button?.getAttribute('data-patient-id');
    if (id) navigateToPatient(id);
  });
  els.patientFilter.addEventListener('input', applyPatientFilter);
  els.episodeList.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button[data-code]') : null;
    const code = button?.getAttribute('data-code');
    if (code) setEpisodeFilter(state.episodeFilter === code ? null : code);
  });
  els.journalFilterClear.addEventListener('click', () => setEpisodeFilter(null));
  els.form.addEventListener('submit', onSave);
  els.cancel.addEventListener('click', () => {
    clearEditor();
    setStatus('Consult geannuleerd.', 'info');
    els.soepS.focus();
  });

  window.addEventListener('popstate', () => showPatient(patientIdFromPath(location.pathname)));

  Object.assign(window, { __demoLoad: demoLoad });
  showPatient(patientIdFromPath(location.pathname));
  document.body.setAttribute('data-his-ready', 'true');
  if (loadModes.storm) startStorm(loadModes.storm);
}

start();
