// @ts-check
/**
 * Synthetic patients for the demo HIS. Every name, address, phone number and note is invented.
 * Phone numbers are in the 06-9999xxxx range; there are no BSNs.
 * P-1005 (Tess Verzinsel) gets a long, deterministically generated record (~3000 journal lines).
 * The load modes of the benchmark (`?journal=N`, `?storm=…`, see app.js) take their pure parts from here,
 * so that Node tests can check them without a browser.
 */
import { ICPC_CODES } from './icpc.js';

/** @typedef {'actief' | 'afgesloten'} EpisodeStatus */
/** @typedef {{ code: string, title: string, start: string, status: EpisodeStatus }} Episode start is MM-YYYY */
/** @typedef {'C' | 'T' | 'V' | 'E'} ContactType C consult, T telefonisch, V visite, E e-consult */
/**
 * @typedef {{
 *   id: string, date: string, type: ContactType, author: string,
 *   s: string, o: string, e: { code: string, text: string }, p: string
 * }} JournalEntry date is DD-MM-YYYY
 */
/** @typedef {{ name: string, dosage: string, since: string, prescriber: string }} Medication */
/** @typedef {{ date: string, test: string, value: string, unit: string, reference: string, flag?: 'H' | 'L' }} LabResult */
/** @typedef {{ date: string, direction: 'in' | 'uit', party: string, subject: string }} Letter */
/**
 * @typedef {{
 *   id: string, firstName: string, lastName: string, initials: string, sex: 'V' | 'M',
 *   birthDate: string, phone: string,
 *   address: { street: string, postcode: string, city: string },
 *   gp: string, insurer: string, registeredSince: string, appointment: string, reason: string,
 *   cave: string[], episodes: Episode[], journal: JournalEntry[],
 *   medication: Medication[], results: LabResult[], letters: Letter[]
 * }} Patient
 */

export const PRACTICE = Object.freeze({
  name: 'Huisartsenpraktijk De Verzonnen Maas',
  city: 'Maastricht',
});

export const CURRENT_USER = Object.freeze({
  name: 'dr. E. Denkbeeld',
  initials: 'ED',
  role: 'huisarts',
  agb: '01999001',
});

/** @type {Readonly<Record<string, string>>} */
export const AUTHORS = Object.freeze({
  ED: 'dr. E. Denkbeeld (huisarts)',
  HW: 'H. Wisselaar (waarnemend huisarts)',
  POH: 'L. Bedachtzaam (POH)',
  AS: 'S. Fantasie (doktersassistent)',
});

let entryCounter = 0;
/**
 * @param {string} date
 * @param {ContactType} type
 * @param {string} author
 * @param {string} s
 * @param {string} o
 * @param {string} code
 * @param {string} text
 * @param {string} p
 * @returns {JournalEntry}
 */
function entry(date, type, author, s, o, code, text, p) {
  entryCounter += 1;
  return { id: `J-${String(entryCounter).padStart(5, '0')}`, date, type, author, s, o, e: { code, text }, p };
}

/**
 * @param {string} code
 * @param {string} title
 * @param {string} start
 * @param {EpisodeStatus} status
 * @returns {Episode}
 */
function episode(code, title, start, status) {
  return { code, title, start, status };
}

/* ------------------------------------------------------------------------------------------------ */
/* Deterministic long record for P-1005                                                              */
/* ------------------------------------------------------------------------------------------------ */

/**
 * mulberry32: small seeded PRNG, same sequence on every load.
 * @param {number} seed
 * @returns {() => number}
 */
function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * @typedef {{ code: string, text: string, weight: number, chronic?: boolean, from?: number,
 *   s: string[], o: string[], p: string[], types?: ContactType[] }} Template
 */

/** @type {Template[]} */
const LONG_RECORD_TEMPLATES = [
  {
    code: 'R74', text: 'Acute infectie bovenste luchtwegen', weight: 10,
    s: ['Sinds 3 dgn verkouden, keelpijn en hoest.', 'Neusverstopping, loopneus, geen koorts.', 'Hoest sinds 1 wk, wat slijm, niet benauwd.', 'Keelpijn en spierpijn, temp max 38,2.'],
    o: ['Keel licht rood, geen beslag. Longen: VAG, geen bijgeluiden.', 'T 37,6. Trommelvliezen rustig. Pulm: normaal ademgeruis.', 'Niet ziek ogend, AH 16/min, sat 98%.'],
    p: ['Uitleg natuurlijk beloop, paracetamol zn.', 'Afwachten. Terug bij koorts > 3 dgn of benauwdheid.', 'Zelfzorgadvies, neusspray fysiologisch zout.'],
    types: ['C', 'T', 'T'],
  },
  {
    code: 'K86', text: 'Hypertensie zonder orgaanbeschadiging', weight: 9, chronic: true, from: 0.3,
    s: ['Controle bloeddruk. Geen klachten.', 'CVRM-controle POH. Gebruikt medicatie trouw.', 'Thuismetingen meegenomen, gemiddeld rond 140/85.'],
    o: ['RR 142/86, pols 72 regulair.', 'RR 136/84, gewicht 74 kg.', 'RR 148/90 li, 146/88 re. Lab: kreat normaal.', 'RR 132/80, BMI 26.'],
    p: ['Beleid continueren, controle 3 mnd.', 'Leefstijladvies herhaald, zoutbeperking. Controle 6 wk.', 'Dosering ongewijzigd, jaarcontrole met lab.'],
    types: ['C'],
  },
  {
    code: 'R96', text: 'Astma', weight: 6, chronic: true,
    s: ['Meer benauwd bij inspanning en in de kou.', 'Astmacontrole, weinig klachten, gebruikt salbutamol 1x/wk.', 'Nachtelijk hoesten laatste 2 wkn.'],
    o: ['Pulm: verlengd expirium, geen crepitaties. PEF 360 l/min.', 'Pulm: schoon. Inhalatietechniek goed.', 'Lichte piepende ademhaling bij geforceerde expiratie.'],
    p: ['Inhalatie-instructie, ICS continueren. Controle 3 mnd.', 'Beleid ongewijzigd.', 'Tijdelijk ICS ophogen, controle 2 wk.'],
  },
  {
    code: 'N89', text: 'Migraine', weight: 5, chronic: true,
    s: ['Aanval bonzende hoofdpijn re, misselijk, licht- en geluidsschuw.', 'Migraine 2-3x/mnd, sumatriptan helpt goed.', 'Vaker aanvallen rond menstruatie.'],
    o: ['Neurologisch onderzoek: geen afwijkingen.', 'RR 128/78. Fundi niet beoordeeld.', 'Geen nekstijfheid, pupillen isocoor.'],
    p: ['Hoofdpijndagboek, sumatriptan 50 mg zn herhaald.', 'Uitleg triggers, profylaxe besproken, nog niet gewenst.', 'Herhaalrecept sumatriptan.'],
  },
  {
    code: 'N01', text: 'Hoofdpijn', weight: 3,
    s: ['Drukkende hoofdpijn sinds 1 wk, hele dag.', 'Hoofdpijn na lang beeldschermwerk.'],
    o: ['Neurologisch: geen afwijkingen. RR 130/80.', 'Geen meningeale prikkeling.'],
    p: ['Uitleg, paracetamol, pauzes nemen.', 'Terug bij toename of neurologische uitval.'],
  },
  {
    code: 'N02', text: 'Spanningshoofdpijn', weight: 3, from: 0.5,
    s: ['Hoofdpijn als band om het hoofd, vooral middags. Drukke periode.', 'Hoofdpijn en stijve nek, veel spanning.'],
    o: ['Pericraniale spieren drukpijnlijk. Neurologisch normaal.', 'Nekmusculatuur gespannen, RR 134/82.'],
    p: ['Uitleg spanningshoofdpijn, ontspanningsoefeningen.', 'Geen dagelijkse pijnstillers, controle 4 wk.'],
  },
  {
    code: 'L02', text: 'Rugklachten', weight: 4,
    s: ['Pijn midden rug na tuinieren.', 'Stijve rug s ochtends, beter na bewegen.'],
    o: ['Drukpijn paravertebraal thoracaal, WK-bewegingen pijnlijk maar vrij.', 'Geen kloppijn wervels.'],
    p: ['Blijven bewegen, paracetamol zn.', 'Fysiotherapie zn.'],
  },
  {
    code: 'L03', text: 'Lage rugpijn', weight: 3,
    s: ['Lage rugpijn na tillen, geen uitstraling.', 'Lage rugpijn weer opgespeeld.'],
    o: ['Lumbaal paravertebrale drukpijn, SLR neg bdz.', 'Flexie beperkt door pijn, kracht en sens intact.'],
    p: ['Uitleg, in beweging blijven, NSAID kortdurend.', 'Oefentherapie, controle zn.'],
  },
  {
    code: 'L92', text: 'Schoudersyndroom', weight: 3, from: 0.6,
    s: ['Pijn li schouder bij heffen arm, s nachts erger.', 'Schouderpijn iets minder na fysio.'],
    o: ['Pijnlijke boog 70-120 gr, exorotatie vrij.', 'Abductie pijnlijk, geen krachtsverlies.'],
    p: ['Uitleg, paracetamol/NSAID, oefeningen.', 'Eventueel injectie bij onvoldoende herstel.'],
  },
  {
    code: 'X11', text: 'Menopauzale klachten', weight: 3, from: 0.35,
    s: ['Opvliegers en nachtzweten, slaapt daardoor slecht.', 'Overgangsklachten wisselend.'],
    o: ['RR 128/80. Geen afwijkingen.', 'Niet verricht.'],
    p: ['Uitleg, leefstijladviezen. Geen hormonen gewenst.', 'Controle zn.'],
  },
  {
    code: 'U71', text: 'Cystitis/urineweginfectie', weight: 3,
    s: ['Branderig plassen, vaak aandrang, geen koorts.', 'Sinds 2 dgn pijnlijke mictie.'],
    o: ['Urine: nitriet pos, leuco +.', 'Dipstick: leuco ++, nitriet neg. Geen slagpijn nieren.'],
    p: ['Nitrofurantoïne 100 mg 2dd 5 dgn.', 'Kweek ingezet, fosfomycine eenmalig.'],
    types: ['C', 'T'],
  },
  {
    code: 'S88', text: 'Contacteczeem', weight: 2,
    s: ['Jeukende rode plekken handen, werkt met schoonmaakmiddelen.', 'Eczeem handen weer opgekomen.'],
    o: ['Erythemateuze schilferende plekken handruggen.', 'Rhagaden vingertoppen.'],
    p: ['Handschoenen, vette crème, triamcinoloncrème 2 wk.', 'Indifferente therapie, controle 4 wk.'],
  },
  {
    code: 'P06', text: 'Slaapstoornis/slapeloosheid', weight: 2, from: 0.45,
    s: ['Slaapt slecht, wordt om 4 uur wakker, piekert.', 'Moeilijk inslapen, overdag moe.'],
    o: ['Rustig, geen aanwijzingen voor depressie.', 'Stemming redelijk, geen suïcidale gedachten.'],
    p: ['Slaaphygiëne besproken, slaapdagboek.', 'Geen slaapmiddel, controle 4 wk.'],
  },
  {
    code: 'P03', text: 'Neerslachtig/depressief gevoel', weight: 2, from: 0.55,
    s: ['Voelt zich somber sinds overlijden moeder.', 'Minder plezier in dingen, moe.'],
    o: ['Vlak affect, goed contact. Geen suïcidaliteit.', 'PHQ-9: 9.'],
    p: ['Steunende gesprekken, afspraak POH-GGZ.', 'Controle 2 wk.'],
  },
  {
    code: 'A04', text: 'Moeheid/zwakte', weight: 2,
    s: ['Al weken erg moe, geen andere klachten.', 'Moe, weinig energie, slaapt wel.'],
    o: ['Lab: Hb, TSH, glucose normaal.', 'Geen afwijkingen bij LO.'],
    p: ['Uitleg, dagstructuur, controle 6 wk.', 'Lab aangevraagd, uitslag telefonisch.'],
  },
  {
    code: 'A98', text: 'Gezondheidsbevordering/preventie', weight: 3, from: 0.3,
    s: ['Griepvaccinatie.', 'Jaarlijkse griepprik.'],
    o: ['Geen koorts.', 'Geen contra-indicaties.'],
    p: ['Influenzavaccin i.m. li bovenarm.', 'Vaccinatie gegeven, batchnr. geregistreerd.'],
  },
  {
    code: 'H81', text: 'Overmatig cerumen', weight: 2,
    s: ['Doof gevoel re oor sinds douchen.', 'Oor zit dicht.'],
    o: ['Cerumenprop re.', 'Beiderzijds cerumen, trommelvliezen niet zichtbaar.'],
    p: ['Oor uitgespoten door assistente, daarna vrij.', 'Olijfolie 1 wk, daarna uitspuiten.'],
  },
  {
    code: 'D12', text: 'Obstipatie', weight: 2,
    s: ['Moeizame ontlasting, 2x per wk.', 'Obstipatie sinds start nieuwe medicatie.'],
    o: ['Buik soepel, geen drukpijn, peristaltiek normaal.', 'Buik: wat gespannen, geen weerstanden.'],
    p: ['Vezels en vocht, macrogol zn.', 'Macrogol 1dd 1 sachet, controle zn.'],
  },
  {
    code: 'F70', text: 'Conjunctivitis infectieus', weight: 1,
    s: ['Rood oog re, plakt s ochtends.'],
    o: ['Conjunctivale injectie re, visus ongestoord.'],
    p: ['Uitleg, ogen schoonhouden, zn chlooramfenicolzalf.'],
  },
  {
    code: 'R78', text: 'Acute bronchitis/bronchiolitis', weight: 2,
    s: ['Hoest 2 wk met opgeven, lichte koorts gehad.'],
    o: ['Pulm: verspreid rhonchi, geen crepitaties. Sat 97%.'],
    p: ['Geen antibiotica, uitleg beloop, terug bij verslechtering.'],
  },
];

/** @type {ReadonlyArray<ContactType>} */
const DEFAULT_CONTACT_TYPES = ['C', 'C', 'C', 'T'];
const LONG_RECORD_AUTHORS = ['ED', 'ED', 'ED', 'ED', 'HW', 'POH', 'AS'];

/**
 * @param {Date} date
 * @returns {string} DD-MM-YYYY
 */
function formatDate(date) {
  const dd = String(date.getUTCDate()).padStart(2, '0');
  const mm = String(date.getUTCMonth() + 1).padStart(2, '0');
  return `${dd}-${mm}-${date.getUTCFullYear()}`;
}

/**
 * One of `candidates`, each as likely as its weight (one draw of `random`).
 * @template {{ weight: number }} T
 * @param {() => number} random
 * @param {T[]} candidates
 * @param {number} totalWeight
 * @returns {T}
 */
function pickWeighted(random, candidates, totalWeight) {
  let roll = random() * totalWeight;
  for (const candidate of candidates) {
    roll -= candidate.weight;
    if (roll < 0) return candidate;
  }
  const first = candidates[0];
  if (first === undefined) throw new Error('no template');
  return first;
}

/**
 * @template T
 * @param {() => number} random
 * @param {ReadonlyArray<T>} items
 * @returns {T}
 */
function pick(random, items) {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('empty list');
  return item;
}

/**
 * Generates the long record: `entryCount` contacts of 4 lines each, from 2005 onwards, oldest first.
 * @param {number} seed
 * @param {number} entryCount
 * @returns {{ journal: JournalEntry[], episodes: Episode[] }}
 */
function generateLongRecord(seed, entryCount) {
  const random = mulberry32(seed);
  const journal = /** @type {JournalEntry[]} */ ([]);
  /** Per code: when the current (latest) episode started and when the code was last used. */
  /** @type {Map<string, { template: Template, start: Date, last: Date }>} */
  const seen = new Map();
  const dayMs = 24 * 3600 * 1000;
  const date = new Date(Date.UTC(2005, 0, 4));
  for (let i = 0; i < entryCount; i += 1) {
    date.setUTCDate(date.getUTCDate() + 4 + Math.floor(random() * 13));
    const weekday = date.getUTCDay();
    if (weekday === 6) date.setUTCDate(date.getUTCDate() + 2);
    if (weekday === 0) date.setUTCDate(date.getUTCDate() + 1);
    const progress = i / entryCount;
    const candidates = LONG_RECORD_TEMPLATES.filter((t) => (t.from ?? 0) <= progress);
    const template = pickWeighted(random, candidates, candidates.reduce((sum, t) => sum + t.weight, 0));
    const type = pick(random, template.types ?? DEFAULT_CONTACT_TYPES);
    const author = template.code === 'A98' || template.code === 'H81' ? 'AS' : pick(random, LONG_RECORD_AUTHORS);
    journal.push(entry(formatDate(date), type, author, pick(random, template.s), pick(random, template.o), template.code, template.text, pick(random, template.p)));
    const known = seen.get(template.code);
    const now = new Date(date.getTime());
    // Chronic problems keep one episode; an acute complaint after a quiet spell opens a new episode.
    if (known && (template.chronic === true || now.getTime() - known.last.getTime() < 120 * dayMs)) known.last = now;
    else seen.set(template.code, { template, start: now, last: now });
  }
  const lastDate = date.getTime();
  const episodes = [...seen.values()].map(({ template, start, last }) => {
    const since = `${String(start.getUTCMonth() + 1).padStart(2, '0')}-${start.getUTCFullYear()}`;
    const active = template.chronic === true || lastDate - last.getTime() < 90 * dayMs;
    return episode(template.code, template.text, since, active ? 'actief' : 'afgesloten');
  });
  return { journal, episodes };
}

/* ------------------------------------------------------------------------------------------------ */
/* Load modes for the performance benchmark (app.js reads the query parameters)                      */
/* ------------------------------------------------------------------------------------------------ */

/** `?journal=N` above this is ignored: a typo must not hang the tab for minutes. */
export const MAX_JOURNAL_LINES = 100_000;

/**
 * Lines an entry shows in the journal, counted the way the journal header counts them.
 * @param {JournalEntry} item
 * @returns {number}
 */
export function entryLineCount(item) {
  return [item.s, item.o, item.p].filter((text) => text !== '').length + (item.e.code || item.e.text ? 1 : 0);
}

/**
 * @param {ReadonlyArray<JournalEntry>} journal
 * @returns {number}
 */
export function journalLineCount(journal) {
  let lines = 0;
  for (const item of journal) lines += entryLineCount(item);
  return lines;
}

/**
 * Seed for a patient's generated history (FNV-1a of the patient number): every load of the same patient
 * gets the same record, different patients get different ones.
 * @param {string} patientId
 * @returns {number}
 */
export function journalSeed(patientId) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < patientId.length; i += 1) {
    hash ^= patientId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

const GROWTH_TEMPLATE_CODES = new Set(LONG_RECORD_TEMPLATES.map((template) => template.code));
/**
 * Codes of the autocomplete without a hand-written template get generic consult text, so long histories
 * use more of the code table than the long record does. The social chapter (Z) stays out: a history full
 * of social problems would make every benchmark patient look like a case for the social team.
 */
const GROWTH_GENERIC_CODES = ICPC_CODES.filter((item) => !item.code.startsWith('Z') && !item.code.includes('.') && !GROWTH_TEMPLATE_CODES.has(item.code));
const GROWTH_TEMPLATE_WEIGHT = LONG_RECORD_TEMPLATES.reduce((sum, template) => sum + template.weight, 0);
const GENERIC_O = ['Niet ziek ogend, LO: geen bijzonderheden.', 'RR 128/80, pols 70 regulair.', 'Gericht onderzoek: geen afwijkingen.', 'T 37,1. Verder geen bijzonderheden.'];
const GENERIC_P = ['Uitleg en adviezen, controle zn.', 'Afwachtend beleid, terug bij verergering.', 'Recept meegegeven, controle over 4 wk.', 'Verwijzing besproken, patiënt denkt erover na.'];

/**
 * One generated history contact.
 * @param {() => number} random
 * @param {Date} date
 * @param {string} id
 * @returns {JournalEntry}
 */
function generatedEntry(random, date, id) {
  // Three in four contacts come from the hand-written templates (weighted), one in four from the code table.
  if (random() < 0.75 || GROWTH_GENERIC_CODES.length === 0) {
    const template = pickWeighted(random, LONG_RECORD_TEMPLATES, GROWTH_TEMPLATE_WEIGHT);
    const type = pick(random, template.types ?? DEFAULT_CONTACT_TYPES);
    const author = template.code === 'A98' || template.code === 'H81' ? 'AS' : pick(random, LONG_RECORD_AUTHORS);
    return { id, date: formatDate(date), type, author, s: pick(random, template.s), o: pick(random, template.o), e: { code: template.code, text: template.text }, p: pick(random, template.p) };
  }
  const code = pick(random, GROWTH_GENERIC_CODES);
  // "COPD" stays capitalised; "Acne" reads as "acne" inside a sentence.
  const topic = /^[A-Z][a-zë]/.test(code.title) ? `${code.title.charAt(0).toLowerCase()}${code.title.slice(1)}` : code.title;
  const s = pick(random, [`Spreekuur i.v.m. ${topic}.`, `Vraag over ${topic}, klachten sinds ca. 1 wk.`, `Vervolgcontact ${topic}, gaat iets beter.`]);
  return {
    id, date: formatDate(date), type: pick(random, DEFAULT_CONTACT_TYPES), author: pick(random, LONG_RECORD_AUTHORS),
    s, o: pick(random, GENERIC_O), e: { code: code.code, text: code.title }, p: pick(random, GENERIC_P),
  };
}

/**
 * The journal resized to `lines` SOEP lines, for `?journal=N`. A shorter journal grows by generated
 * contacts dated before its first entry (so the patient's own recent contacts stay on top); the result then
 * has exactly `lines` lines. A longer journal keeps its newest entries that fit, so the result has at most
 * `lines` lines (short of it by less than one entry). Same journal, `lines` and `seed` → same result.
 * The input is not changed.
 * @param {ReadonlyArray<JournalEntry>} journal oldest first
 * @param {number} lines non-negative integer
 * @param {number} seed
 * @returns {JournalEntry[]} oldest first
 */
export function resizeJournal(journal, lines, seed) {
  const current = journalLineCount(journal);
  if (current >= lines) {
    let kept = 0;
    let start = journal.length;
    while (start > 0) {
      const previous = journal[start - 1];
      if (previous === undefined || kept + entryLineCount(previous) > lines) break;
      kept += entryLineCount(previous);
      start -= 1;
    }
    return journal.slice(start);
  }
  const random = mulberry32(seed);
  const first = journal[0];
  const { day, month, year } = first ? parseDayMonthYear(first.date) : { day: 5, month: 1, year: 2026 };
  const date = new Date(Date.UTC(year, month - 1, day));
  const prefix = `J-G${seed.toString(36)}-`;
  /** @type {JournalEntry[]} */
  const older = [];
  let missing = lines - current;
  while (missing > 0) {
    date.setUTCDate(date.getUTCDate() - 2 - Math.floor(random() * 7));
    // Practices are closed at the weekend: move back to the Friday.
    const weekday = date.getUTCDay();
    if (weekday === 6) date.setUTCDate(date.getUTCDate() - 1);
    if (weekday === 0) date.setUTCDate(date.getUTCDate() - 2);
    const item = generatedEntry(random, date, `${prefix}${older.length + 1}`);
    // The oldest contact is cut short so the total comes out exact; the E line with its code always stays.
    if (missing < 4) item.o = '';
    if (missing < 3) item.p = '';
    if (missing < 2) item.s = '';
    missing -= entryLineCount(item);
    older.push(item);
  }
  older.reverse();
  return [...older, ...journal];
}

/**
 * @param {string} ddmmyyyy
 * @returns {{ day: number, month: number, year: number }}
 */
function parseDayMonthYear(ddmmyyyy) {
  const [day, month, year] = ddmmyyyy.split('-').map(Number);
  return { day: day || 1, month: month || 1, year: year || 2026 };
}

/**
 * Practice-management notes for the `inside` storm: plain administration, so that re-rendering them inside
 * the consult editor changes the scanned region without ever holding a code, a complaint name or a
 * money-worry term of any rule set (the unit tests check this against rules/).
 */
export const CONSULT_CONTEXT_NOTES = Object.freeze([
  'Herhaalrecepten klaargezet voor akkoord',
  'Thuismetingen bloeddruk ontvangen via het portaal',
  'Griepvaccinatie dit seizoen nog niet geregistreerd',
  'Labformulier klaar om af te drukken',
  'Brief van de fysiotherapeut ongelezen in de post',
  'Volgende controle bij de POH over zes weken',
  'Medicatieoverzicht gesynchroniseerd met de apotheek',
  'Concept verwijsbrief opgeslagen',
  'Uitslag urinekweek nog niet binnen',
  'Telefoonnotitie van de assistente bijgevoegd',
  'Adreswijziging doorgegeven aan de zorgverzekeraar',
  'Afspraak oogarts bevestigd',
]);

/**
 * The notes shown after `render` renders: `count` of them, rotated each render so the text really changes.
 * @param {number} render
 * @param {number} count
 * @returns {string[]}
 */
export function consultContextLines(render, count) {
  /** @type {string[]} */
  const lines = [];
  for (let i = 0; i < count; i += 1) lines.push(CONSULT_CONTEXT_NOTES[(render + i) % CONSULT_CONTEXT_NOTES.length] ?? '');
  return lines;
}

/** @typedef {'outside' | 'inside' | 'both'} StormKind */
/** @typedef {{ kind: StormKind, rate: number, ms: number, chunk: number }} StormMode rate in renders per second */
/** @typedef {{ journalLines: number | null, storm: StormMode | null }} LoadModes */

/**
 * @param {string | null} value
 * @param {number} fallback
 * @param {number} min
 * @param {number} max
 * @param {boolean} integer
 */
function numberParam(value, fallback, min, max, integer) {
  if (value === null || value.trim() === '') return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number < min || number > max || (integer && !Number.isInteger(number))) return fallback;
  return number;
}

/**
 * Reads the benchmark's load modes from a query string. A value that is missing, malformed or out of range
 * counts as absent (`journal`, `storm`) or as its default (`stormRate` 5, `stormMs` 10000, `stormChunk` 20),
 * so a page without valid parameters behaves as it always did.
 * @param {string} search e.g. location.search
 * @returns {LoadModes}
 */
export function parseLoadModes(search) {
  const params = new URLSearchParams(search);
  const journalValue = params.get('journal');
  const journalLines = journalValue !== null && /^\d+$/.test(journalValue) && Number(journalValue) <= MAX_JOURNAL_LINES ? Number(journalValue) : null;
  const kind = params.get('storm');
  /** @type {StormMode | null} */
  let storm = null;
  if (kind === 'outside' || kind === 'inside' || kind === 'both') {
    storm = {
      kind,
      rate: numberParam(params.get('stormRate'), 5, 0.1, 250, false),
      ms: numberParam(params.get('stormMs'), 10_000, 0, 600_000, true),
      chunk: numberParam(params.get('stormChunk'), 20, 1, 10_000, true),
    };
  }
  return { journalLines, storm };
}

/* ------------------------------------------------------------------------------------------------ */
/* Patients                                                                                          */
/* ------------------------------------------------------------------------------------------------ */

const longRecord = generateLongRecord(1005, 760);

/** @type {ReadonlyArray<Patient>} */
export const PATIENTS = [
  {
    id: 'P-1001', firstName: 'Mila', lastName: 'Voorbeeld', initials: 'M.', sex: 'V',
    birthDate: '12-03-1984', phone: '06-99990001',
    address: { street: 'Fictieweg 12', postcode: '6211 ZX', city: 'Maastricht' },
    gp: 'dr. E. Denkbeeld', insurer: 'Zorgverzekeraar Voorbeeld', registeredSince: '01-09-2008',
    appointment: '08:10', reason: 'hoofdpijn, slaapt slecht',
    cave: [],
    episodes: [
      episode('L03', 'Lage rugpijn', '02-2024', 'actief'),
      episode('P06', 'Slaapstoornis/slapeloosheid', '05-2026', 'actief'),
      episode('W11', 'Orale anticonceptie', '09-2008', 'actief'),
      episode('R74', 'Acute infectie bovenste luchtwegen', '01-2025', 'afgesloten'),
      episode('S18', 'Laceratie/snijwond', '07-2019', 'afgesloten'),
    ],
    journal: [
      entry('15-07-2019', 'C', 'HW', 'Snijwond li wijsvinger bij koken, 1 uur geleden.', 'Wond 1,5 cm, schone randen, geen peesletsel, sensibiliteit intact.', 'S18', 'Laceratie/snijwond', 'Gehecht 3x Ethilon 5-0. Hechtingen verwijderen over 10 dgn bij assistente.'),
      entry('05-02-2024', 'C', 'ED', 'Sinds 1 wk pijn onderrug na verhuizen dozen. Geen uitstraling benen, geen mictieklachten.', 'Lumbale WK: paravertebrale drukpijn L4-L5 bdz, flexie beperkt door pijn. SLR neg bdz. Kracht en sensibiliteit intact.', 'L03.01', 'Lage rugpijn zonder uitstraling', 'Uitleg goed beloop, in beweging blijven. Paracetamol 1 g max 4dd. Controle zn over 3 wk.'),
      entry('11-03-2024', 'C', 'ED', 'Rugpijn wisselend, erger na lang zitten op werk (klantenservice, fulltime).', 'Geen nieuwe bevindingen, geen rode vlaggen.', 'L03', 'Lage rugpijn', 'Verwijzing oefentherapie, werkplekadvies besproken.'),
      entry('20-01-2025', 'T', 'AS', 'Sinds 4 dgn verkouden, keelpijn, geen koorts.', 'Telefonisch: niet benauwd, drinkt goed.', 'R74', 'Acute infectie bovenste luchtwegen', 'Zelfzorgadvies, paracetamol zn. Terug bij koorts > 3 dgn of benauwdheid.'),
      entry('14-05-2026', 'C', 'ED', 'Slaapt sinds paar mnd slecht, ligt uren wakker en piekert. Overdag moe. Partner sinds januari zonder werk.', 'Wat vermoeid ogend, goed contact. Stemming redelijk, geen suïcidale gedachten.', 'P06', 'Slaapstoornis/slapeloosheid', 'Slaaphygiëne besproken, slaapdagboek meegegeven. Geen slaapmiddel. Controle 4 wk.'),
      entry('22-09-2026', 'T', 'ED', 'Rugpijn weer opgespeeld, veel spanning thuis.', 'Telefonisch, geen rode vlaggen.', 'L03', 'Lage rugpijn', 'Consult ingepland.'),
    ],
    medication: [
      { name: 'Ethinylestradiol/levonorgestrel 30/150 µg', dosage: '1dd 1 tablet', since: '09-2008', prescriber: 'ED' },
      { name: 'Paracetamol 500 mg', dosage: 'zo nodig max 6dd 1', since: '02-2024', prescriber: 'ED' },
    ],
    results: [
      { date: '14-05-2026', test: 'Hemoglobine', value: '8,1', unit: 'mmol/l', reference: '7,5 - 10,0' },
      { date: '14-05-2026', test: 'TSH', value: '2,1', unit: 'mU/l', reference: '0,4 - 4,0' },
    ],
    letters: [
      { date: '18-03-2024', direction: 'uit', party: 'Oefentherapie Verzonnen Maas', subject: 'Verwijzing oefentherapie lage rugpijn' },
      { date: '30-05-2024', direction: 'in', party: 'Oefentherapie Verzonnen Maas', subject: 'Eindverslag behandeling' },
    ],
  },
  {
    id: 'P-1002', firstName: 'Henk', lastName: 'Proefhuis', initials: 'H.', sex: 'M',
    birthDate: '05-07-1958', phone: '06-99990002',
    address: { street: 'Proefstraat 8', postcode: '6221 ZZ', city: 'Maastricht' },
    gp: 'dr. E. Denkbeeld', insurer: 'Zorgverzekeraar Fictief', registeredSince: '15-04-1990',
    appointment: '08:20', reason: 'DM-controle',
    cave: ['Allergie: penicilline'],
    episodes: [
      episode('T90', 'Diabetes mellitus type 2', '10-2019', 'actief'),
      episode('K86', 'Hypertensie zonder orgaanbeschadiging', '03-2015', 'actief'),
      episode('T93', 'Lipidenstofwisselingsstoornis', '06-2016', 'actief'),
      episode('L90', 'Artrose knie', '02-2022', 'actief'),
      episode('R74', 'Acute infectie bovenste luchtwegen', '03-2026', 'afgesloten'),
    ],
    journal: [
      entry('12-03-2015', 'C', 'ED', 'Bij meting apotheek RR 165/95. Geen klachten.', 'RR 162/96 li, 158/94 re. Gewicht 92 kg, lengte 1,80 m.', 'K86', 'Hypertensie zonder orgaanbeschadiging', 'Leefstijladvies, thuismeting 1 wk. Lab nuchter glucose, lipiden, kreatinine.'),
      entry('20-06-2016', 'C', 'POH', 'CVRM-controle. Rookt niet, beweegt 3x/wk.', 'RR 142/88. LDL 4,1 mmol/l.', 'T93', 'Lipidenstofwisselingsstoornis', 'Start simvastatine 40 mg, controle lipiden over 3 mnd.'),
      entry('02-10-2019', 'C', 'POH', 'Jaarcontrole. Meer dorst laatste maanden.', 'Nuchter glucose 8,4 mmol/l, HbA1c 58 mmol/mol. RR 138/84.', 'T90', 'Diabetes mellitus type 2', 'Diagnose DM2 besproken. Start metformine 500 mg 2dd, verwijzing diëtist, ketenzorg DM.'),
      entry('14-02-2022', 'C', 'ED', 'Pijn re knie bij traplopen, ochtendstijfheid < 30 min.', 'Re knie: crepitaties, geen hydrops, stabiel.', 'L90', 'Artrose knie', 'Uitleg, beweegadvies, paracetamol. Fysiotherapie zn.'),
      entry('08-03-2026', 'T', 'AS', 'Verkouden, hoest, geen koorts.', 'Telefonisch niet benauwd.', 'R74', 'Acute infectie bovenste luchtwegen', 'Zelfzorgadvies.'),
      entry('09-10-2026', 'C', 'POH', 'Kwartaalcontrole DM. Voelt zich goed, wandelt dagelijks.', 'RR 134/82, gewicht 88 kg, HbA1c 52 mmol/mol. Voeten: sensibiliteit intact.', 'T90', 'Diabetes mellitus type 2', 'Beleid continueren. Volgende controle 3 mnd, jaarcontrole met lab.'),
    ],
    medication: [
      { name: 'Metformine 1000 mg', dosage: '2dd 1 tablet', since: '10-2019', prescriber: 'ED' },
      { name: 'Amlodipine 5 mg', dosage: '1dd 1 tablet', since: '04-2015', prescriber: 'ED' },
      { name: 'Simvastatine 40 mg', dosage: '1dd 1 tablet a.n.', since: '06-2016', prescriber: 'ED' },
      { name: 'Paracetamol 500 mg', dosage: 'zo nodig max 6dd 1', since: '02-2022', prescriber: 'ED' },
    ],
    results: [
      { date: '09-10-2026', test: 'HbA1c', value: '52', unit: 'mmol/mol', reference: '< 53' },
      { date: '09-10-2026', test: 'Glucose nuchter', value: '7,2', unit: 'mmol/l', reference: '4,0 - 6,0', flag: 'H' },
      { date: '09-10-2026', test: 'eGFR (CKD-EPI)', value: '78', unit: 'ml/min/1,73m²', reference: '> 60' },
      { date: '09-10-2026', test: 'LDL-cholesterol', value: '2,3', unit: 'mmol/l', reference: '< 2,6' },
    ],
    letters: [
      { date: '15-10-2019', direction: 'uit', party: 'Diëtistenpraktijk Fictief', subject: 'Verwijzing dieetadvies DM2' },
      { date: '04-11-2025', direction: 'in', party: 'Oogartsenmaatschap Denkbeeldig', subject: 'Fundusscreening: geen retinopathie' },
    ],
  },
  {
    id: 'P-1003', firstName: 'Samira', lastName: 'El Fictief', initials: 'S.', sex: 'V',
    birthDate: '23-09-1997', phone: '06-99990003',
    address: { street: 'Verzinlaan 31', postcode: '6216 ZY', city: 'Maastricht' },
    gp: 'dr. E. Denkbeeld', insurer: 'Zorgverzekeraar Voorbeeld', registeredSince: '23-09-1997',
    appointment: '08:30', reason: 'huiduitslag handen',
    cave: [],
    episodes: [
      episode('S88', 'Contacteczeem', '06-2023', 'actief'),
      episode('R97', 'Hooikoorts/allergische rhinitis', '04-2015', 'actief'),
      episode('W11', 'Orale anticonceptie', '09-2016', 'actief'),
      episode('R74', 'Acute infectie bovenste luchtwegen', '02-2026', 'afgesloten'),
    ],
    journal: [
      entry('21-04-2015', 'C', 'ED', 'Niezen, jeukende ogen en loopneus in voorjaar.', 'Neusslijmvlies gezwollen, conjunctivae licht rood.', 'R97', 'Hooikoorts/allergische rhinitis', 'Levocetirizine zn, uitleg allergeenvermijding.'),
      entry('12-06-2023', 'C', 'ED', 'Jeukende rode plekken handen sinds start werk in kapsalon.', 'Erythemateuze schilferende plekken handruggen en vingers.', 'S88', 'Contacteczeem', 'Handschoenen, vette crème, triamcinoloncrème 0,1% 2 wk. Controle 4 wk.'),
      entry('10-07-2023', 'C', 'ED', 'Eczeem duidelijk beter.', 'Nog lichte schilfering.', 'S88', 'Contacteczeem', 'Afbouwen corticosteroïd, indifferente therapie continueren.'),
      entry('16-02-2026', 'E', 'HW', 'E-consult: keelpijn en verkouden sinds 3 dgn, geen koorts.', 'Niet verricht (e-consult).', 'R74', 'Acute infectie bovenste luchtwegen', 'Zelfzorgadvies via e-consult, terug bij koorts.'),
    ],
    medication: [
      { name: 'Levocetirizine 5 mg', dosage: 'zo nodig 1dd 1', since: '04-2015', prescriber: 'ED' },
      { name: 'Cetomacrogolcrème', dosage: '2dd aanbrengen', since: '06-2023', prescriber: 'ED' },
    ],
    results: [],
    letters: [],
  },
  {
    id: 'P-1004', firstName: 'Johan', lastName: 'Denkbeeld', initials: 'J.', sex: 'M',
    birthDate: '30-01-1971', phone: '06-99990004',
    address: { street: 'Denkbeeldsingel 4A', postcode: '6229 ZV', city: 'Maastricht' },
    gp: 'dr. E. Denkbeeld', insurer: 'Zorgverzekeraar Fictief', registeredSince: '01-02-2002',
    appointment: '08:50', reason: 'buikpijn',
    cave: [],
    episodes: [
      episode('D01', 'Gegeneraliseerde buikpijn', '08-2026', 'actief'),
      episode('A04', 'Moeheid/zwakte', '06-2026', 'actief'),
      episode('K85', 'Verhoogde bloeddruk', '11-2021', 'actief'),
      episode('P01', 'Angstig/nerveus/gespannen gevoel', '03-2025', 'afgesloten'),
      episode('L01', 'Nekklachten', '09-2018', 'afgesloten'),
    ],
    journal: [
      entry('17-09-2018', 'C', 'HW', 'Stijve nek na lange autorit.', 'Cervicale WK: rotatie li beperkt, drukpijn m. trapezius.', 'L01', 'Nekklachten', 'Uitleg, warmte, oefeningen.'),
      entry('22-11-2021', 'C', 'POH', 'Preventieconsult.', 'RR 146/92, herhaald 144/90. BMI 27.', 'K85', 'Verhoogde bloeddruk', 'Thuismetingen, leefstijladvies, controle 3 mnd.'),
      entry('10-03-2025', 'C', 'ED', 'Sinds reorganisatie op werk gespannen, hartkloppingen, prikkelbaar thuis.', 'Gespannen, RR 148/90, pols 88 regulair. Geen aanwijzingen voor depressie.', 'P01', 'Angstig/nerveus/gespannen gevoel', 'Uitleg stress en lichamelijke klachten, afspraak POH-GGZ.'),
      entry('16-06-2026', 'C', 'ED', 'Al weken moe, weinig energie, slaapt onrustig.', 'Geen afwijkingen bij LO. Lab: Hb, TSH, glucose, ferritine normaal.', 'A04', 'Moeheid/zwakte', 'Uitslagen besproken, dagstructuur, controle 6 wk.'),
      entry('24-08-2026', 'C', 'ED', 'Wisselende buikpijn hele buik, vooral na eten, geen gewichtsverlies, ontlasting normaal.', 'Buik: soepel, diffuse lichte drukpijn, geen weerstanden, peristaltiek normaal.', 'D01', 'Gegeneraliseerde buikpijn', 'Uitleg, regelmatig eten, dagboek. Controle 3 wk.'),
    ],
    medication: [],
    results: [
      { date: '16-06-2026', test: 'Hemoglobine', value: '9,1', unit: 'mmol/l', reference: '8,5 - 11,0' },
      { date: '16-06-2026', test: 'TSH', value: '1,8', unit: 'mU/l', reference: '0,4 - 4,0' },
      { date: '16-06-2026', test: 'Ferritine', value: '120', unit: 'µg/l', reference: '30 - 400' },
    ],
    letters: [],
  },
  {
    id: 'P-1005', firstName: 'Tess', lastName: 'Verzinsel', initials: 'T.', sex: 'V',
    birthDate: '17-11-1962', phone: '06-99990005',
    address: { street: 'Nepstraat 77', postcode: '6224 ZW', city: 'Maastricht' },
    gp: 'dr. E. Denkbeeld', insurer: 'Zorgverzekeraar Verzonnen', registeredSince: '01-01-1995',
    appointment: '09:00', reason: 'controle + rugpijn',
    cave: ['Intolerantie: NSAID (maagklachten)'],
    episodes: longRecord.episodes,
    journal: longRecord.journal,
    medication: [
      { name: 'Losartan 50 mg', dosage: '1dd 1 tablet', since: '03-2012', prescriber: 'ED' },
      { name: 'Beclometason/formoterol 100/6 µg', dosage: '2dd 1 inhalatie', since: '05-2006', prescriber: 'ED' },
      { name: 'Salbutamol 100 µg/dosis', dosage: 'zo nodig 1-2 inhalaties', since: '05-2006', prescriber: 'ED' },
      { name: 'Sumatriptan 50 mg', dosage: 'zo nodig 1 tablet', since: '02-2009', prescriber: 'ED' },
    ],
    results: [
      { date: '02-06-2025', test: 'Kreatinine', value: '71', unit: 'µmol/l', reference: '49 - 90' },
      { date: '02-06-2025', test: 'Kalium', value: '4,3', unit: 'mmol/l', reference: '3,5 - 5,0' },
      { date: '02-06-2025', test: 'LDL-cholesterol', value: '3,4', unit: 'mmol/l', reference: '< 2,6', flag: 'H' },
    ],
    letters: [
      { date: '12-04-2013', direction: 'in', party: 'Longarts, Ziekenhuis Verzonnen Maas', subject: 'Longfunctie: astma, goed reversibel' },
      { date: '03-10-2021', direction: 'uit', party: 'Fysiotherapie Proefhuis', subject: 'Verwijzing schouderklachten' },
    ],
  },
  {
    id: 'P-1006', firstName: 'Ruud', lastName: 'de Testmaker', initials: 'R.', sex: 'M',
    birthDate: '02-05-1989', phone: '06-99990006',
    address: { street: 'Bedachtstraat 15', postcode: '6212 ZT', city: 'Maastricht' },
    gp: 'dr. E. Denkbeeld', insurer: 'Zorgverzekeraar Voorbeeld', registeredSince: '14-08-2014',
    appointment: '09:10', reason: 'hoofdpijn',
    cave: [],
    episodes: [
      episode('N01', 'Hoofdpijn', '10-2026', 'actief'),
      episode('P17', 'Tabaksmisbruik', '03-2012', 'actief'),
      episode('Z01', 'Armoede/financiële problemen', '06-2025', 'afgesloten'),
      episode('P02', 'Acute stressreactie', '05-2025', 'afgesloten'),
    ],
    journal: [
      entry('05-03-2012', 'C', 'ED', 'Wil stoppen met roken, rookt 20 sig/dag.', 'RR 128/78.', 'P17', 'Tabaksmisbruik', 'Stoppen-met-rokenbegeleiding POH, nicotinepleister.'),
      entry('12-05-2025', 'C', 'ED', 'Sinds ontslag 2 mnd geleden gespannen, slaapt slecht, hartkloppingen.', 'Gespannen, RR 142/88, pols 92 regulair. Geen suïcidale gedachten.', 'P02', 'Acute stressreactie', 'Uitleg, ademhalingsoefeningen, vervolgafspraak 3 wk.'),
      entry('03-06-2025', 'C', 'ED', 'Vervolg. Vertelt dat rekeningen zich opstapelen, post blijft ongeopend liggen.', 'Gespannen, emotioneel bij bespreken.', 'Z01', 'Armoede/financiële problemen', 'Met toestemming aangemeld bij sociaal wijkteam (warme overdracht), wijkteam belt binnen 2 werkdagen.'),
      entry('30-06-2025', 'T', 'AS', 'Terugkoppeling sociaal wijkteam: contact gelegd, budgetcoaching gestart, aanvraag bijzondere bijstand loopt.', 'N.v.t.', 'Z01', 'Armoede/financiële problemen', 'Ter kennisname, episode afgesloten na bericht wijkteam.'),
      entry('19-10-2026', 'C', 'HW', 'Hoofdpijn sinds 3 wk, drukkend, hele dag. Weinig slaap.', 'Neurologisch: geen afwijkingen. RR 138/86.', 'N01', 'Hoofdpijn', 'Uitleg, hoofdpijndagboek, paracetamol max 3 dgn/wk. Controle 2 wk.'),
    ],
    medication: [
      { name: 'Nicotinepleister 21 mg/24 uur', dosage: '1dd 1 pleister', since: '03-2012', prescriber: 'ED' },
    ],
    results: [],
    letters: [
      { date: '03-06-2025', direction: 'uit', party: 'Sociaal wijkteam Maastricht-Fictief', subject: 'Aanmelding (met toestemming patiënt)' },
      { date: '30-06-2025', direction: 'in', party: 'Sociaal wijkteam Maastricht-Fictief', subject: 'Terugkoppeling: contact gelegd, budgetcoaching' },
    ],
  },
  {
    id: 'P-1007', firstName: 'Noor', lastName: 'Bedenkers', initials: 'N.', sex: 'V',
    birthDate: '14-08-2018', phone: '06-99990007',
    address: { street: 'Speelweide 9', postcode: '6218 ZR', city: 'Maastricht' },
    gp: 'dr. E. Denkbeeld', insurer: 'Zorgverzekeraar Fictief', registeredSince: '14-08-2018',
    appointment: '09:20', reason: 'oorpijn',
    cave: [],
    episodes: [
      episode('H71', 'Otitis media acuta', '10-2026', 'actief'),
      episode('S87', 'Constitutioneel eczeem', '03-2019', 'actief'),
      episode('R74', 'Acute infectie bovenste luchtwegen', '01-2026', 'afgesloten'),
    ],
    journal: [
      entry('11-03-2019', 'C', 'ED', 'Moeder: droge rode plekjes wangen en elleboogplooien, jeuk.', 'Eczeem wangen en flexoren, niet geïnfecteerd.', 'S87', 'Constitutioneel eczeem', 'Vette zalf 2dd, zn hydrocortisoncrème 1%.'),
      entry('08-01-2026', 'T', 'AS', 'Moeder belt: verkouden, hoest, drinkt goed, koorts 38,3.', 'Telefonisch: speelt, niet suf.', 'R74', 'Acute infectie bovenste luchtwegen', 'Paracetamol zetpil zn, terugbellen bij alarmsymptomen.'),
      entry('28-10-2026', 'C', 'HW', 'Oorpijn li sinds gisteren, koorts 38,5.', 'Li trommelvlies rood en bomberend. Re rustig.', 'H71', 'Otitis media acuta', 'Pijnstilling, controle over 3 dgn bij aanhouden koorts.'),
    ],
    medication: [
      { name: 'Vaselinecetomacrogolcrème', dosage: '2dd aanbrengen', since: '03-2019', prescriber: 'ED' },
    ],
    results: [],
    letters: [],
  },
  {
    id: 'P-1008', firstName: 'Bram', lastName: 'Schijnvoet', initials: 'B.', sex: 'M',
    birthDate: '09-12-1949', phone: '06-99990008',
    address: { street: 'Fantasiehof 3', postcode: '6228 ZX', city: 'Maastricht' },
    gp: 'dr. E. Denkbeeld', insurer: 'Zorgverzekeraar Verzonnen', registeredSince: '01-06-1981',
    appointment: '09:40', reason: 'controle COPD',
    cave: ['Anticoagulantia (apixaban)'],
    episodes: [
      episode('K78', 'Atriumfibrilleren/-fladderen', '04-2017', 'actief'),
      episode('R95', 'COPD', '11-2012', 'actief'),
      episode('Y85', 'Benigne prostaathypertrofie', '02-2016', 'actief'),
      episode('A98', 'Gezondheidsbevordering/preventie', '10-2025', 'afgesloten'),
    ],
    journal: [
      entry('19-11-2012', 'C', 'ED', 'Kortademig bij traplopen, hoest s ochtends. Rookte 40 jaar.', 'Spirometrie: FEV1/FVC 0,62, FEV1 68% voorspeld.', 'R95', 'COPD', 'Diagnose besproken, start tiotropium, ketenzorg COPD.'),
      entry('03-04-2017', 'C', 'ED', 'Hartkloppingen en minder inspanningstolerantie.', 'Pols 104 irregulair. ECG: atriumfibrilleren.', 'K78', 'Atriumfibrilleren/-fladderen', 'CHA2DS2-VASc 2, start apixaban 5 mg 2dd en metoprolol.'),
      entry('13-10-2025', 'C', 'AS', 'Griepvaccinatie.', 'Geen koorts.', 'A98', 'Gezondheidsbevordering/preventie', 'Influenzavaccin i.m. li bovenarm.'),
      entry('02-11-2026', 'C', 'POH', 'COPD-controle. Benauwdheid stabiel, 1 exacerbatie dit jaar.', 'Sat 95%, AH 18/min, pulm: verlengd expirium. CCQ 1,6.', 'R95', 'COPD', 'Inhalatietechniek gecontroleerd, beleid continueren.'),
    ],
    medication: [
      { name: 'Apixaban 5 mg', dosage: '2dd 1 tablet', since: '04-2017', prescriber: 'ED' },
      { name: 'Metoprolol retard 50 mg', dosage: '1dd 1 tablet', since: '04-2017', prescriber: 'ED' },
      { name: 'Tiotropium 2,5 µg/dosis', dosage: '1dd 2 inhalaties', since: '11-2012', prescriber: 'ED' },
      { name: 'Tamsulosine 0,4 mg', dosage: '1dd 1 capsule', since: '02-2016', prescriber: 'ED' },
    ],
    results: [
      { date: '02-11-2026', test: 'eGFR (CKD-EPI)', value: '58', unit: 'ml/min/1,73m²', reference: '> 60', flag: 'L' },
      { date: '02-11-2026', test: 'Hemoglobine', value: '8,4', unit: 'mmol/l', reference: '8,5 - 11,0', flag: 'L' },
    ],
    letters: [
      { date: '20-04-2017', direction: 'in', party: 'Cardiologie, Ziekenhuis Verzonnen Maas', subject: 'Echo cor: goede LV-functie' },
    ],
  },
];

/**
 * @param {string} id
 * @returns {Patient | undefined}
 */
export function findPatient(id) {
  return PATIENTS.find((patient) => patient.id === id);
}
