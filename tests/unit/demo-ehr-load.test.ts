import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoEhr, type DemoEhrServer } from '../../demo-ehr/server';

// The benchmark's load modes of the demo HIS (`?journal=N`, `?storm=…`). The page itself runs only in a
// browser; its pure parts live in patients.js and are imported here as the browser gets them.

interface Entry {
  id: string;
  date: string;
  type: string;
  author: string;
  s: string;
  o: string;
  e: { code: string; text: string };
  p: string;
}

interface StormMode {
  kind: 'outside' | 'inside' | 'both';
  rate: number;
  ms: number;
  chunk: number;
}

interface PatientsModule {
  PATIENTS: ReadonlyArray<{ id: string; journal: Entry[] }>;
  MAX_JOURNAL_LINES: number;
  CONSULT_CONTEXT_NOTES: readonly string[];
  entryLineCount(entry: Entry): number;
  journalLineCount(journal: readonly Entry[]): number;
  journalSeed(patientId: string): number;
  resizeJournal(journal: readonly Entry[], lines: number, seed: number): Entry[];
  consultContextLines(render: number, count: number): string[];
  parseLoadModes(search: string): { journalLines: number | null; storm: StormMode | null };
}

interface IcpcModule {
  ICPC_BY_CODE: ReadonlyMap<string, { code: string; title: string }>;
}

// Imported by URL: the demo files are plain browser modules outside the TypeScript project.
const publicFile = (name: string) => new URL(`../../demo-ehr/public/${name}`, import.meta.url).href;
const demo = (await import(/* @vite-ignore */ publicFile('patients.js'))) as PatientsModule;
const { ICPC_BY_CODE } = (await import(/* @vite-ignore */ publicFile('icpc.js'))) as IcpcModule;

const RULES_DIR = new URL('../../rules/', import.meta.url);

interface RuleSetFile {
  triggers: {
    codes: Array<{ code: string; title?: Record<string, string>; names?: Record<string, string[]> }>;
    codePrefixes?: Array<{ prefix: string }>;
    codeRanges?: Array<{ range: string }>;
    terms: Array<{ term: string }>;
  };
}

/** Every code, complaint name, title and term that any shipped rule set reacts to, lower-cased. */
function signalWords(): { codes: string[]; words: string[] } {
  const codes: string[] = [];
  const words: string[] = [];
  for (const file of readdirSync(RULES_DIR).filter((name) => name.endsWith('.rules.json'))) {
    const { triggers } = JSON.parse(readFileSync(join(RULES_DIR.pathname, file), 'utf8')) as RuleSetFile;
    for (const code of triggers.codes) {
      codes.push(code.code);
      words.push(...Object.values(code.title ?? {}), ...Object.values(code.names ?? {}).flat());
    }
    words.push(...triggers.terms.map((term) => term.term));
  }
  return { codes, words: words.map((word) => word.toLowerCase()) };
}

/** The patient's journal as `?journal=N` makes it. */
function resized(patientId: string, lines: number): Entry[] {
  const patient = demo.PATIENTS.find((candidate) => candidate.id === patientId);
  if (!patient) throw new Error(`no ${patientId}`);
  return demo.resizeJournal(patient.journal, lines, demo.journalSeed(patientId));
}

/** DD-MM-YYYY → UTC date. */
function day(date: string): Date {
  const [d, m, y] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d));
}

describe('demo HIS ?journal=N', () => {
  it('gives the same journal on every load, and another patient another history', () => {
    expect(resized('P-1001', 5200)).toEqual(resized('P-1001', 5200));
    const history = (journal: Entry[]) => journal.slice(0, 50).map((entry) => `${entry.date} ${entry.e.code} ${entry.s}`);
    expect(history(resized('P-1001', 5200))).not.toEqual(history(resized('P-1003', 5200)));
  });

  it.each([
    ['P-1001', 25],
    ['P-1001', 27],
    ['P-1001', 1000],
    ['P-1003', 5200],
    ['P-1001', 5203],
    ['P-1005', 5200],
  ])('grows %s to exactly %i lines, before and untouched the patient’s own contacts', (patientId, lines) => {
    const patient = demo.PATIENTS.find((candidate) => candidate.id === patientId)!;
    const own = structuredClone(patient.journal);
    const journal = resized(patientId, lines);
    expect(demo.journalLineCount(own)).toBeLessThan(lines);
    expect(demo.journalLineCount(journal)).toBe(lines);
    expect(patient.journal).toEqual(own);
    expect(journal.slice(journal.length - own.length)).toEqual(own);
  });

  it('dates the generated history on weekdays, oldest first, before the first own contact', () => {
    const own = demo.PATIENTS.find((candidate) => candidate.id === 'P-1001')!.journal;
    const journal = resized('P-1001', 5200);
    const generated = journal.slice(0, journal.length - own.length);
    const times = generated.map((entry) => day(entry.date));
    for (const [index, time] of times.entries()) {
      expect(time.getUTCDay(), generated[index]!.date).not.toBe(0);
      expect(time.getUTCDay(), generated[index]!.date).not.toBe(6);
      if (index > 0) expect(time.getTime()).toBeGreaterThan(times[index - 1]!.getTime());
    }
    expect(times.at(-1)!.getTime()).toBeLessThan(day(own[0]!.date).getTime());
    // About 16 years of contacts for 5200 lines: a long record, still within a lifetime.
    expect(times[0]!.getUTCFullYear()).toBeGreaterThan(1990);
  });

  it('fills the history with ordinary contacts: known ICPC codes, four SOEP lines, unique ids, many codes', () => {
    const journal = resized('P-1001', 5200);
    const generated = journal.slice(0, -6);
    for (const entry of generated) {
      expect(ICPC_BY_CODE.has(entry.e.code), entry.e.code).toBe(true);
      expect(entry.e.text).not.toBe('');
      expect(['C', 'T', 'V', 'E']).toContain(entry.type);
    }
    // Only the oldest contact may be cut short, to land on the exact line count.
    expect(generated.slice(1).every((entry) => demo.entryLineCount(entry) === 4)).toBe(true);
    expect(new Set(journal.map((entry) => entry.id)).size).toBe(journal.length);
    expect(new Set(generated.map((entry) => entry.e.code)).size).toBeGreaterThan(40);
    // History may hold the stress-complaint codes (the default rule set reads only the consult being written).
    expect(generated.some((entry) => entry.e.code === 'N01')).toBe(true);
  });

  it('keeps the history synthetic and free of money-worry terms and of the social chapter', () => {
    const generated = resized('P-1001', 5200).slice(0, -6);
    const text = generated.map((entry) => `${entry.s} ${entry.o} ${entry.e.text} ${entry.p}`).join('\n').toLowerCase();
    for (const term of ['geldzorgen', 'schulden', 'betalingsachterstand', 'deurwaarder', 'rondkomen', 'armoede']) {
      expect(text).not.toContain(term);
    }
    expect(generated.some((entry) => entry.e.code.startsWith('Z'))).toBe(false);
    // Nothing that could pass for a phone number or a BSN.
    expect(text).not.toMatch(/\d{8,}|06-\d/);
  });

  it('cuts a longer journal to its newest contacts that fit, and 0 to an empty journal', () => {
    const own = demo.PATIENTS.find((candidate) => candidate.id === 'P-1005')!.journal;
    expect(demo.journalLineCount(own)).toBeGreaterThan(1000);
    const journal = resized('P-1005', 1000);
    expect(demo.journalLineCount(journal)).toBeLessThanOrEqual(1000);
    expect(demo.journalLineCount(journal)).toBeGreaterThan(1000 - 4);
    expect(journal).toEqual(own.slice(own.length - journal.length));
    expect(resized('P-1001', 0)).toEqual([]);
  });
});

describe('demo HIS load-mode parameters', () => {
  it('leaves the page as it is without parameters', () => {
    expect(demo.parseLoadModes('')).toEqual({ journalLines: null, storm: null });
    expect(demo.parseLoadModes('?x=1')).toEqual({ journalLines: null, storm: null });
  });

  it('reads journal and storm with their defaults', () => {
    expect(demo.parseLoadModes('?journal=5200')).toEqual({ journalLines: 5200, storm: null });
    expect(demo.parseLoadModes('?storm=both')).toEqual({ journalLines: null, storm: { kind: 'both', rate: 5, ms: 10_000, chunk: 20 } });
    expect(demo.parseLoadModes('?journal=0&storm=inside&stormRate=2.5&stormMs=3000&stormChunk=7')).toEqual({
      journalLines: 0,
      storm: { kind: 'inside', rate: 2.5, ms: 3000, chunk: 7 },
    });
  });

  it('treats malformed or out-of-range values as absent or default', () => {
    for (const journal of ['-1', '1e3', '12.5', 'abc', '', String(demo.MAX_JOURNAL_LINES + 1)]) {
      expect(demo.parseLoadModes(`?journal=${journal}`).journalLines, journal).toBeNull();
    }
    expect(demo.parseLoadModes('?storm=everywhere').storm).toBeNull();
    expect(demo.parseLoadModes('?storm=outside&stormRate=0&stormMs=-5&stormChunk=2.5').storm).toEqual({ kind: 'outside', rate: 5, ms: 10_000, chunk: 20 });
    expect(demo.parseLoadModes('?storm=outside&stormRate=abc&stormMs=&stormChunk=0').storm).toEqual({ kind: 'outside', rate: 5, ms: 10_000, chunk: 20 });
  });
});

describe('demo HIS ?storm=inside notes', () => {
  it('never put a code, a complaint name or a signal term of any rule set in the consult editor', () => {
    const { codes, words } = signalWords();
    expect(codes).toEqual(expect.arrayContaining(['N01', 'P06', 'L03']));
    expect(words).toEqual(expect.arrayContaining(['geldzorgen', 'schulden']));
    for (const note of demo.CONSULT_CONTEXT_NOTES) {
      // No ICPC-shaped token at all, so no code range or prefix of any rule set can match either.
      expect(note).not.toMatch(/[A-Z]\d{2}/i);
      for (const word of words) expect(note.toLowerCase(), `${note} / ${word}`).not.toContain(word);
    }
  });

  it('gives the asked number of notes and changes them every render', () => {
    expect(demo.consultContextLines(0, 20)).toHaveLength(20);
    expect(demo.consultContextLines(3, 1)).toHaveLength(1);
    expect(demo.consultContextLines(1, 5)).not.toEqual(demo.consultContextLines(0, 5));
    expect(demo.consultContextLines(0, 30).every((line) => demo.CONSULT_CONTEXT_NOTES.includes(line))).toBe(true);
  });
});

describe('demo HIS served load modes', () => {
  let server: DemoEhrServer;
  beforeAll(async () => {
    server = await startDemoEhr({ port: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('runs the tested functions and documents the modes where the benchmark looks', async () => {
    const js = await (await fetch(`${server.url}/app.js`)).text();
    for (const name of ['parseLoadModes', 'resizeJournal', 'journalSeed', 'consultContextLines']) expect(js).toContain(`${name}(`);
    const header = js.slice(0, js.indexOf('*/'));
    for (const documented of ['?journal=N', '?storm=outside|inside|both', 'stormRate', 'stormMs', 'stormChunk', 'data-storm', 'window.__demoLoad', 'nodes()', 'stormRenders']) {
      expect(header).toContain(documented);
    }
  });

  it('serves patients.js with the icpc.js import resolvable next to it', async () => {
    const source = await (await fetch(`${server.url}/patients.js`)).text();
    expect(source).toContain("from './icpc.js'");
    expect((await fetch(`${server.url}/icpc.js`)).status).toBe(200);
  });

  it('adds nothing to the page markup for the load modes', async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    expect(html).not.toContain('consult-context');
    expect(html).not.toMatch(/storm/i);
  });
});
