// @ts-check
/**
 * "Zorgportaal": a fake EHR front end for end-to-end tests, built on purpose unlike the demo HIS, the
 * way a React + CSS-modules app (OpenMRS 3 and the like) ends up in the DOM:
 *   - every class name is generated; the only stable hooks are a few data-testid attributes, the
 *     visit note's name and aria-labels;
 *   - ids are absent or React-style generated (":r4:");
 *   - client-side routes under /app/ (history.pushState), charts rendered late after a fake fetch;
 *   - this visit's diagnoses live in the open shadow root of a custom element;
 *   - <html lang="en"> although everything shown is Dutch;
 *   - no phone number and no BSN anywhere.
 * DOM is built with createElement/textContent only; no HTML strings.
 *
 * Keep in step with ../fixture.ts (patients, delay), which the end-to-end tests import.
 */

/**
 * @typedef {object} Patient
 * @property {string} uuid
 * @property {string} givenName
 * @property {string} familyName
 * @property {string} identifier
 * @property {string} birthDate ISO date, YYYY-MM-DD
 * @property {'female' | 'male'} sex
 * @property {string[]} problems diagnosis names only; this EHR shows no codes
 * @property {string[]} allergies
 * @property {Array<{ date: string, kind: string, clinician: string }>} recentVisits
 */

/** @typedef {{ name: 'home' } | { name: 'chart', patient: Patient } | { name: 'not-found' }} Route */

/** Delay between showing a chart route and its data "arriving". */
const RENDER_DELAY_MS = 700;

const CURRENT_CLINICIAN = 'dr. T. Testarts';

/** @type {readonly Patient[]} */
const PATIENTS = [
  {
    uuid: '3f2a9c1e-0000-4000-8000-000000000001',
    givenName: 'Noor',
    familyName: 'Fictief',
    identifier: 'VS-900001',
    birthDate: '1986-04-17',
    sex: 'female',
    problems: ['Hoofdpijn', 'Slapeloosheid'],
    allergies: [],
    recentVisits: [
      { date: '2025-01-14', kind: 'Spreekuur', clinician: CURRENT_CLINICIAN },
      { date: '2024-09-02', kind: 'Telefonisch contact', clinician: 'Praktijkondersteuner' },
    ],
  },
  {
    uuid: '3f2a9c1e-0000-4000-8000-000000000002',
    givenName: 'Bram',
    familyName: 'Verzonnen',
    identifier: 'VS-900002',
    birthDate: '1971-11-03',
    sex: 'male',
    problems: ['Hypertensie'],
    allergies: ['Penicilline'],
    recentVisits: [{ date: '2024-11-20', kind: 'Controle', clinician: 'Praktijkondersteuner' }],
  },
  {
    uuid: '3f2a9c1e-0000-4000-8000-000000000003',
    givenName: 'Sanne',
    familyName: 'Proefpersoon',
    identifier: 'VS-900003',
    birthDate: '1999-08-25',
    sex: 'female',
    problems: [],
    allergies: [],
    recentVisits: [],
  },
];

/**
 * Generated class names, as a CSS-modules build would emit them. Nothing outside this page may
 * depend on them; styles.css uses the same strings.
 */
const cls = {
  shell: 'css-1q2w3e4',
  topNav: '-esm-primary-navigation__topNav___Qw8rT',
  brand: '-esm-primary-navigation__brand___p0L5k',
  brandMark: '-esm-primary-navigation__brandMark___Zt4uV',
  brandName: '-esm-primary-navigation__brandName___c9Dd1',
  practiceName: '-esm-primary-navigation__practice___H2mQa',
  currentUser: '-esm-primary-navigation__user___m7Hc2',
  currentUserLabel: 'css-4r5t6y',
  currentUserName: 'css-7u8i9o',
  body: 'css-0p9o8i',
  sideNav: '-esm-primary-navigation__sideNav___x8Rb1',
  sideNavSection: '_section_9f3kq_1',
  sideNavHeading: '_heading_9f3kq_8',
  sideNavLink: '_link_9f3kq_14',
  sideNavLinkMeta: '_meta_9f3kq_31',
  main: 'css-8k2p0z',
  page: '-esm-home__page___V3bn7',
  pageTitle: '-esm-home__title___Ee4Rw',
  pageLead: '-esm-home__lead___K1xs0',
  table: '_table_2m8s1_7',
  tableLink: '_rowLink_2m8s1_22',
  loading: '-esm-patient-chart__loading___Lr8s2',
  loadingText: '_label_5t1x0_3',
  skeletonBanner: '_banner_5t1x0_9',
  skeletonBar: '_bar_5t1x0_17',
  skeletonGrid: '_grid_5t1x0_26',
  skeletonCard: '_card_5t1x0_33',
  chart: '-esm-patient-chart__chart___d4Fg5',
  banner: '-esm-patient-chart__banner___a1B2c',
  avatar: '-esm-patient-chart__avatar___Mn3Bv',
  bannerMain: '-esm-patient-chart__bannerMain___q8Wz2',
  name: '-esm-patient-chart__name___Xy9Qz',
  demographics: '-esm-patient-chart__demographics___T6yU1',
  separator: 'css-2w3e4r',
  identifiers: '-esm-patient-chart__identifiers___Jk7Lp',
  chartGrid: '-esm-patient-chart__grid___Rt5Yh',
  sideColumn: '-esm-patient-chart__side___Np2Vc',
  card: '_card_7yq2e_1',
  cardHeader: '_header_7yq2e_12',
  cardTitle: '_title_7yq2e_19',
  cardBody: '_body_7yq2e_27',
  tagList: '_tagList_1k2j3_3',
  tag: '_tag_1k2j3_12',
  tagProblem: '_problem_1k2j3_27',
  tagAllergy: '_allergy_1k2j3_33',
  emptyText: 'css-9i8u7y',
  visitLayout: '-esm-visit__layout___Fh6Ts',
  addRow: '-esm-visit__addRow___Bq1Xe',
  fieldLabel: '-esm-visit__label___Wc2Np',
  textInput: 'css-5t6y7u',
  textArea: 'css-3e4r5t',
  buttonPrimary: '_primary_8d7f6_4',
  buttonSecondary: '_secondary_8d7f6_19',
  actions: '-esm-visit__actions___Ur4Zm',
  status: '-esm-visit__status___Gy0Ko',
  visitList: '_visits_3n4m5_2',
  notFound: '-esm-home__notFound___P5oLi',
};

/* ---------------------------------------------------------------------------------------------- */
/* DOM helpers                                                                                     */
/* ---------------------------------------------------------------------------------------------- */

/**
 * Creates an element. `class` sets className, `text` sets textContent, everything else is an
 * attribute; undefined values are skipped. Strings among the children become text nodes.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | undefined>} [props]
 * @param {Array<Node | string>} children
 * @returns {HTMLElementTagNameMap[K]}
 */
function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined) continue;
    if (name === 'class') element.className = value;
    else if (name === 'text') element.textContent = value;
    else element.setAttribute(name, value);
  }
  element.append(...children);
  return element;
}

let idCounter = 0;

/** A React-`useId`-style id (":r0:", ":r1:", …): unique, but meaningless and not stable between loads. */
function generatedId() {
  const id = `:r${idCounter.toString(36)}:`;
  idCounter += 1;
  return id;
}

/* ---------------------------------------------------------------------------------------------- */
/* Formatting                                                                                      */
/* ---------------------------------------------------------------------------------------------- */

const MONTHS = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'];

/**
 * @param {string} isoDate YYYY-MM-DD
 * @returns {{ year: number, month: number, day: number }}
 */
function parseIsoDate(isoDate) {
  const [year, month, day] = isoDate.split('-').map(Number);
  return { year: year ?? 1970, month: month ?? 1, day: day ?? 1 };
}

/** @param {string} isoDate */
function formatDutchDate(isoDate) {
  const { year, month, day } = parseIsoDate(isoDate);
  return `${day} ${MONTHS[month - 1] ?? ''} ${year}`;
}

/**
 * Whole years on `today`.
 * @param {string} isoBirthDate
 * @param {Date} today
 */
function ageInYears(isoBirthDate, today) {
  const { year, month, day } = parseIsoDate(isoBirthDate);
  const beforeBirthday = today.getMonth() + 1 < month || (today.getMonth() + 1 === month && today.getDate() < day);
  return today.getFullYear() - year - (beforeBirthday ? 1 : 0);
}

/** @param {Patient} patient */
function fullName(patient) {
  return `${patient.givenName} ${patient.familyName}`;
}

/** @param {Patient} patient */
function sexLabel(patient) {
  return patient.sex === 'female' ? 'Vrouw' : 'Man';
}

/** @param {Patient} patient */
function initials(patient) {
  return `${patient.givenName[0] ?? ''}${patient.familyName[0] ?? ''}`;
}

/** A letter and two digits, optionally a dot and two more: what this EHR treats as an ICPC code. */
const ICPC_CODE_LIKE = /^[a-z]\d{2}(\.\d{2})?$/i;

/**
 * What a typed diagnosis becomes as a tag: trimmed, and upper-cased when it looks like an ICPC code.
 * @param {string} typed
 */
function normaliseDiagnosis(typed) {
  const text = typed.trim();
  return ICPC_CODE_LIKE.test(text) ? text.toUpperCase() : text;
}

/* ---------------------------------------------------------------------------------------------- */
/* <visit-diagnoses>: this visit's diagnoses, rendered in an open shadow root                      */
/* ---------------------------------------------------------------------------------------------- */

const VISIT_DIAGNOSES_CSS = `
:host { display: block; }
[hidden] { display: none !important; }
h3 { margin: 0 0 8px; font-size: 14px; font-weight: 600; color: #1b2a2f; }
p { margin: 0; color: #5b6b70; font-style: italic; }
ul { display: flex; flex-wrap: wrap; gap: 6px; margin: 0; padding: 0; list-style: none; }
li {
  padding: 3px 10px; border-radius: 12px; font-size: 13px; font-weight: 600;
  background: #e3f1ef; color: #004d48; border: 1px solid #a7d3cd;
}
`;

class VisitDiagnosesElement extends HTMLElement {
  /** @type {string[]} */
  #diagnoses = [];
  /** @type {HTMLUListElement} */
  #list;
  /** @type {HTMLParagraphElement} */
  #emptyText;

  constructor() {
    super();
    const shadow = this.attachShadow({ mode: 'open' });
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(VISIT_DIAGNOSES_CSS);
    // A constructed sheet, as component libraries use, keeps CSS text out of the shadow root's text.
    shadow.adoptedStyleSheets = [sheet];
    this.#emptyText = h('p', { text: 'Nog geen diagnoses' });
    this.#list = h('ul', { part: 'list' });
    shadow.append(h('h3', { text: 'Diagnoses dit bezoek' }), this.#emptyText, this.#list);
    this.#render();
  }

  /** @returns {string[]} */
  get diagnoses() {
    return [...this.#diagnoses];
  }

  /** @param {string} diagnosis */
  add(diagnosis) {
    this.#diagnoses.push(diagnosis);
    this.#render();
    this.#announceChange();
  }

  clear() {
    this.#diagnoses = [];
    this.#render();
    this.#announceChange();
  }

  #render() {
    this.#list.replaceChildren(...this.#diagnoses.map((text) => h('li', { part: 'tag', text })));
    this.#list.hidden = this.#diagnoses.length === 0;
    this.#emptyText.hidden = this.#diagnoses.length > 0;
  }

  /** Component libraries announce changes with a composed event, not with DOM the page can see. */
  #announceChange() {
    this.dispatchEvent(new CustomEvent('diagnoses-change', { bubbles: true, composed: true, detail: { diagnoses: this.diagnoses } }));
  }
}

if (!customElements.get('visit-diagnoses')) customElements.define('visit-diagnoses', VisitDiagnosesElement);

/* ---------------------------------------------------------------------------------------------- */
/* Routing                                                                                         */
/* ---------------------------------------------------------------------------------------------- */

const HOME_PATH = '/app/home';
const CHART_PATH = /^\/app\/patients\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/chart\/?$/i;

/** @param {Patient} patient */
function chartPath(patient) {
  return `/app/patients/${patient.uuid}/chart`;
}

/**
 * @param {string} pathname
 * @returns {Route}
 */
function routeFor(pathname) {
  if (pathname === HOME_PATH || pathname === `${HOME_PATH}/`) return { name: 'home' };
  const uuid = CHART_PATH.exec(pathname)?.[1]?.toLowerCase();
  const patient = PATIENTS.find((candidate) => candidate.uuid === uuid);
  if (patient) return { name: 'chart', patient };
  return { name: 'not-found' };
}

/* ---------------------------------------------------------------------------------------------- */
/* Application frame: top bar and left navigation stay; only <main> changes                        */
/* ---------------------------------------------------------------------------------------------- */

function topNavigation() {
  return h(
    'header',
    { class: cls.topNav },
    h(
      'div',
      { class: cls.brand },
      h('span', { class: cls.brandMark, 'aria-hidden': 'true', text: 'Zp' }),
      h('span', { class: cls.brandName, text: 'Zorgportaal' }),
      h('span', { class: cls.practiceName, text: 'Huisartsenpraktijk De Proefhoeve · synthetische gegevens' }),
    ),
    h(
      'div',
      { class: cls.currentUser, 'data-testid': 'current-user' },
      h('span', { class: cls.currentUserLabel, text: 'Ingelogd als: ' }),
      h('span', { class: cls.currentUserName, text: CURRENT_CLINICIAN }),
    ),
  );
}

/** @type {HTMLAnchorElement[]} */
const navigationLinks = [];

function sideNavigation() {
  const headingId = generatedId();
  const homeLink = h('a', { class: cls.sideNavLink, href: HOME_PATH, text: 'Startpagina' });
  const patientLinks = PATIENTS.map((patient) =>
    h(
      'li',
      {},
      h(
        'a',
        { class: cls.sideNavLink, href: chartPath(patient) },
        fullName(patient),
        h('span', { class: cls.sideNavLinkMeta, text: patient.identifier }),
      ),
    ),
  );
  navigationLinks.push(homeLink, ...patientLinks.map((item) => /** @type {HTMLAnchorElement} */ (item.firstElementChild)));
  return h(
    'nav',
    { class: cls.sideNav, 'aria-label': 'Navigatie' },
    h('div', { class: cls.sideNavSection }, homeLink),
    h(
      'div',
      { class: cls.sideNavSection },
      h('h2', { class: cls.sideNavHeading, id: headingId, text: 'Patiënten' }),
      h('ul', { 'aria-labelledby': headingId }, ...patientLinks),
    ),
  );
}

function markCurrentLink() {
  for (const link of navigationLinks) {
    if (link.pathname === location.pathname) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

/* ---------------------------------------------------------------------------------------------- */
/* Views                                                                                           */
/* ---------------------------------------------------------------------------------------------- */

function homeView() {
  const today = new Date();
  const titleId = generatedId();
  const rows = PATIENTS.map((patient) =>
    h(
      'tr',
      {},
      h('td', {}, h('a', { class: cls.tableLink, href: chartPath(patient), text: fullName(patient) })),
      h('td', { text: patient.identifier }),
      h('td', { text: formatDutchDate(patient.birthDate) }),
      h('td', { text: `${ageInYears(patient.birthDate, today)} jaar` }),
      h('td', { text: sexLabel(patient) }),
    ),
  );
  return h(
    'section',
    { class: cls.page, 'aria-labelledby': titleId },
    h('h1', { class: cls.pageTitle, id: titleId, text: 'Patiëntenlijst' }),
    h('p', { class: cls.pageLead, text: 'Kies een patiënt om het dossier te openen.' }),
    h(
      'table',
      { class: cls.table },
      h('thead', {}, h('tr', {}, ...['Naam', 'Patiëntnummer', 'Geboortedatum', 'Leeftijd', 'Geslacht'].map((text) => h('th', { scope: 'col', text })))),
      h('tbody', {}, ...rows),
    ),
  );
}

function notFoundView() {
  const titleId = generatedId();
  return h(
    'section',
    { class: cls.notFound, 'aria-labelledby': titleId },
    h('h1', { class: cls.pageTitle, id: titleId, text: 'Pagina niet gevonden' }),
    h('p', { class: cls.pageLead, text: 'Deze pagina bestaat niet (meer).' }),
    h('a', { class: cls.tableLink, href: HOME_PATH, text: 'Naar de patiëntenlijst' }),
  );
}

function loadingView() {
  const bar = () => h('span', { class: cls.skeletonBar });
  return h(
    'div',
    { class: cls.loading, role: 'status', 'aria-busy': 'true' },
    h('span', { class: cls.loadingText, text: 'Laden…' }),
    h('div', { class: cls.skeletonBanner, 'aria-hidden': 'true' }, bar(), bar()),
    h(
      'div',
      { class: cls.skeletonGrid, 'aria-hidden': 'true' },
      h('div', { class: cls.skeletonCard }, bar(), bar(), bar()),
      h('div', { class: cls.skeletonCard }, bar(), bar(), bar()),
    ),
  );
}

/** @param {Patient} patient */
function patientBanner(patient) {
  const nameId = generatedId();
  return h(
    'section',
    { class: cls.banner, 'data-testid': 'patient-banner', 'aria-labelledby': nameId },
    h('span', { class: cls.avatar, 'aria-hidden': 'true', text: initials(patient) }),
    h(
      'div',
      { class: cls.bannerMain },
      h('h1', { class: cls.name, id: nameId, 'data-testid': 'patient-name', text: fullName(patient) }),
      h(
        'div',
        { class: cls.demographics },
        h('span', { text: sexLabel(patient) }),
        h('span', { class: cls.separator, 'aria-hidden': 'true', text: '·' }),
        h('span', { text: `${ageInYears(patient.birthDate, new Date())} jaar` }),
        h('span', { class: cls.separator, 'aria-hidden': 'true', text: '·' }),
        h(
          'span',
          {},
          'Geboren ',
          h('time', { 'data-testid': 'date-of-birth', datetime: patient.birthDate, text: formatDutchDate(patient.birthDate) }),
        ),
      ),
    ),
    h(
      'dl',
      { class: cls.identifiers },
      h('dt', { text: 'Patiëntnummer' }),
      h('dd', { 'data-testid': 'patient-identifier', text: patient.identifier }),
    ),
  );
}

/**
 * A titled card.
 * @param {string} title
 * @param {Node[]} content
 */
function card(title, content) {
  const titleId = generatedId();
  return h(
    'section',
    { class: cls.card, 'aria-labelledby': titleId },
    h('div', { class: cls.cardHeader }, h('h2', { class: cls.cardTitle, id: titleId, text: title })),
    h('div', { class: cls.cardBody }, ...content),
  );
}

/**
 * @param {string[]} texts
 * @param {string} tagClass
 * @param {string} emptyText
 */
function tagsOrEmpty(texts, tagClass, emptyText) {
  if (texts.length === 0) return h('p', { class: cls.emptyText, text: emptyText });
  return h('ul', { class: cls.tagList }, ...texts.map((text) => h('li', { class: `${cls.tag} ${tagClass}`, text })));
}

/** @param {Patient} patient */
function problemListCard(patient) {
  return card('Probleemlijst', [
    h('div', { 'data-testid': 'problem-list' }, tagsOrEmpty(patient.problems, cls.tagProblem, 'Geen problemen geregistreerd')),
  ]);
}

/** @param {Patient} patient */
function allergiesCard(patient) {
  return card('Allergieën', [tagsOrEmpty(patient.allergies, cls.tagAllergy, 'Geen bekende allergieën')]);
}

/** @param {Patient} patient */
function recentVisitsCard(patient) {
  if (patient.recentVisits.length === 0) {
    return card('Eerdere bezoeken', [h('p', { class: cls.emptyText, text: 'Geen eerdere bezoeken' })]);
  }
  const items = patient.recentVisits.map((visit) =>
    h('li', {}, h('time', { datetime: visit.date, text: formatDutchDate(visit.date) }), h('span', { text: `${visit.kind} · ${visit.clinician}` })),
  );
  return card('Eerdere bezoeken', [h('ul', { class: cls.visitList }, ...items)]);
}

/** The current visit: diagnoses (shadow DOM), the field to add one, the note and saving. */
function currentVisitCard() {
  const diagnoses = new VisitDiagnosesElement();
  diagnoses.setAttribute('data-testid', 'visit-diagnoses');

  const diagnosisInput = h('input', {
    class: cls.textInput,
    type: 'text',
    'aria-label': 'Diagnose toevoegen',
    placeholder: 'ICPC-code of omschrijving',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const addButton = h('button', { class: cls.buttonSecondary, type: 'button', text: 'Toevoegen' });
  const note = h('textarea', {
    class: cls.textArea,
    name: 'visit-note',
    'aria-label': 'Bezoeknotitie',
    rows: '7',
    placeholder: 'Klacht, bevindingen en beleid',
  });
  const saveButton = h('button', { class: cls.buttonPrimary, type: 'button', text: 'Bezoek opslaan' });
  const status = h('p', { class: cls.status, role: 'status' });

  const addDiagnosis = () => {
    const diagnosis = normaliseDiagnosis(diagnosisInput.value);
    if (diagnosis === '') return;
    diagnoses.add(diagnosis);
    // Like a controlled React input being reset: the value changes without input or change events.
    diagnosisInput.value = '';
    status.textContent = '';
  };
  addButton.addEventListener('click', addDiagnosis);
  diagnosisInput.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.isComposing) return;
    event.preventDefault();
    addDiagnosis();
  });
  saveButton.addEventListener('click', () => {
    diagnoses.clear();
    note.value = '';
    status.textContent = 'Bezoek opgeslagen (demo, niets wordt bewaard)';
  });

  return card('Huidig bezoek', [
    h(
      'div',
      { class: cls.visitLayout },
      diagnoses,
      h('div', { class: cls.addRow }, diagnosisInput, addButton),
      h('span', { class: cls.fieldLabel, 'aria-hidden': 'true', text: 'Bezoeknotitie' }),
      note,
      h('div', { class: cls.actions }, saveButton, status),
    ),
  ]);
}

/** @param {Patient} patient */
function chartView(patient) {
  return h(
    'div',
    { class: cls.chart },
    patientBanner(patient),
    h(
      'div',
      { class: cls.chartGrid },
      currentVisitCard(),
      h('div', { class: cls.sideColumn }, problemListCard(patient), allergiesCard(patient), recentVisitsCard(patient)),
    ),
  );
}

/* ---------------------------------------------------------------------------------------------- */
/* Rendering                                                                                       */
/* ---------------------------------------------------------------------------------------------- */

const main = h('main', { class: cls.main });

/** The fake fetch of the chart being shown; cancelled when the user moves on before it finished. */
/** @type {ReturnType<typeof setTimeout> | null} */
let pendingChart = null;

function render() {
  if (pendingChart !== null) {
    clearTimeout(pendingChart);
    pendingChart = null;
  }
  markCurrentLink();
  const route = routeFor(location.pathname);
  switch (route.name) {
    case 'home':
      document.title = 'Patiëntenlijst · Zorgportaal';
      main.replaceChildren(homeView());
      break;
    case 'chart': {
      const { patient } = route;
      document.title = 'Laden… · Zorgportaal';
      main.replaceChildren(loadingView());
      pendingChart = setTimeout(() => {
        pendingChart = null;
        document.title = `${fullName(patient)} · Zorgportaal`;
        main.replaceChildren(chartView(patient));
      }, RENDER_DELAY_MS);
      break;
    }
    default:
      document.title = 'Pagina niet gevonden · Zorgportaal';
      main.replaceChildren(notFoundView());
      break;
  }
}

/** @param {string} path */
function navigate(path) {
  if (path === location.pathname) return;
  history.pushState(null, '', path);
  render();
}

/**
 * In-app links move with pushState, like a router's <Link>; modified clicks keep the browser's
 * meaning (new tab, new window).
 * @param {MouseEvent} event
 */
function onLinkClick(event) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!(link instanceof HTMLAnchorElement) || link.origin !== location.origin || !link.pathname.startsWith('/app/')) return;
  event.preventDefault();
  navigate(link.pathname);
}

function start() {
  document.body.append(
    h('div', { class: cls.shell }, topNavigation(), h('div', { class: cls.body }, sideNavigation(), main)),
  );
  document.addEventListener('click', onLinkClick);
  window.addEventListener('popstate', render);
  // index.html is also what "/" serves: the app's real start is the patient list.
  if (!location.pathname.startsWith('/app/') || location.pathname === '/app/') history.replaceState(null, '', HOME_PATH);
  render();
}

start();
