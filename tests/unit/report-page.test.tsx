// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { dutchHolidayTableCalendar } from '../../contract/dutch-holiday-table';
import { aggregateReport } from '../../extension/background/reporting';
import { generateSyntheticPractice } from '../../extension/background/synthetic-practice';
import type { BackgroundClient, PageRequest } from '../../extension/pages/background-client';
import { ReportApp } from '../../extension/pages/report/ReportApp';
import en from '../../extension/public/_locales/en/messages.json';
import nl from '../../extension/public/_locales/nl/messages.json';
import { translatorFromBundle } from '../../extension/shared/i18n';
import { PILOT_SEED, type ReportPeriod, type ReportView } from '../../extension/shared/report';
import { defaultRuleSet } from './helpers';

const money = defaultRuleSet();
const NOW = new Date('2026-11-26T10:00:00Z');
const practice = generateSyntheticPractice(PILOT_SEED, { now: NOW, ruleSet: money });

/** The background's answer for a period, from the pilot's synthetic practice. */
function viewFor(period: ReportPeriod, synthetic = true): ReportView {
  const report = aggregateReport(
    { prompts: practice.prompts, screenings: practice.screenings, referrals: practice.referrals, ruleSets: [money], calendar: dutchHolidayTableCalendar, now: NOW },
    period,
  );
  return { report, syntheticRecords: synthetic ? 546 : 0, generatedAt: NOW.toISOString() };
}

function mount(locale: 'nl' | 'en' = 'nl', synthetic = true) {
  const sent: PageRequest[] = [];
  const downloads: Array<{ fileName: string; text: string; mediaType: string }> = [];
  let printed = 0;
  const client: BackgroundClient = {
    send: (async (message: PageRequest) => {
      sent.push(message);
      if (message.type === 'report/get') return { ok: true, data: viewFor({ from: message.from, to: message.to }, synthetic) };
      if (message.type === 'report/seed-synthetic') return { ok: true, data: { records: 546 } };
      return { ok: false, error: { code: 'internal', message: 'unexpected' } };
    }) as BackgroundClient['send'],
  };
  render(
    <ReportApp
      deps={{
        client,
        t: translatorFromBundle(locale === 'nl' ? nl : en),
        locale,
        now: () => NOW,
        download: (fileName, text, mediaType) => downloads.push({ fileName, text, mediaType }),
        print: () => void printed++,
        document,
      }}
    />,
  );
  return { sent, downloads, printed: () => printed };
}

afterEach(cleanup);

/** The figures on screen: [section, figure] → value, as the CSV has them. */
function figuresOnScreen(): Map<string, string> {
  return new Map([...document.querySelectorAll<HTMLElement>('[data-figure]')].map((cell) => [`${cell.dataset.section};${cell.dataset.label}`, cell.textContent!.trim()]));
}

describe('report page', () => {
  it('shows the last 15 months first, with the pilot figures, the synthetic banner and four charts', async () => {
    const { sent } = mount();
    await screen.findByRole('table', { name: 'Alle cijfers van de gekozen periode' });
    expect(sent[0]).toEqual({ type: 'report/get', from: '2025-09-01', to: '2026-11-26' });
    expect(screen.getByRole('note').textContent).toBe('Bevat synthetische demogegevens — geen echte patiënten');
    const figure = (id: string) => document.querySelector(`[data-figure="${id}"]`)!.textContent;
    expect(figure('referralsSent')).toBe('46');
    expect(figure('outcome.handled-with-partners')).toBe('41');
    expect(figure('outcome.passed-to-credit-bank')).toBe('3');
    expect(figure('outcome.known-at-credit-bank')).toBe('1');
    expect(figure('outcome.declined')).toBe('1');
    await waitFor(() => expect(document.querySelectorAll('[data-chart] svg').length).toBeGreaterThanOrEqual(4));
    for (const id of ['referrals-per-month', 'outcomes', 'dismissals', 'positive-answers']) {
      const chart = document.querySelector(`[data-chart="${id}"]`)!;
      expect(chart.querySelector('figcaption')!.textContent).not.toBe('');
      expect(chart.querySelectorAll('svg rect').length, id).toBeGreaterThan(0);
      expect(chart.querySelector('details table')).not.toBeNull();
    }
    expect(document.querySelector('[data-chart="outcomes"] svg')!.getAttribute('aria-label')).toBe('Terugkoppeling van het sociaal team');
  });

  it('exports a CSV with exactly the numbers on screen', async () => {
    const { downloads } = mount();
    await screen.findByRole('table', { name: 'Alle cijfers van de gekozen periode' });
    fireEvent.click(screen.getByRole('button', { name: 'CSV exporteren' }));
    expect(downloads).toHaveLength(1);
    expect(downloads[0]!.fileName).toBe('vroegsignaal-rapportage-2025-09-01-2026-11-26.csv');
    expect(downloads[0]!.mediaType).toBe('text/csv;charset=utf-8');
    const lines = downloads[0]!.text.replace(/^\uFEFF/, '').trimEnd().split('\r\n').slice(1);
    const inCsv = new Map(lines.map((line) => [line.slice(0, line.lastIndexOf(';')), line.slice(line.lastIndexOf(';') + 1)]));
    expect(inCsv).toEqual(figuresOnScreen());
    expect(inCsv.get('Verwijzingen;Verwijzingen verstuurd')).toBe('46');
  });

  it('changes the period by preset and by dates, and prints', async () => {
    const { sent, printed } = mount();
    await screen.findByRole('table', { name: 'Alle cijfers van de gekozen periode' });
    fireEvent.click(screen.getByRole('button', { name: 'Vorig kwartaal' }));
    await waitFor(() => expect(sent.at(-1)).toEqual({ type: 'report/get', from: '2026-07-01', to: '2026-09-30' }));
    fireEvent.input(screen.getByLabelText('Van'), { target: { value: '2026-01-01' } });
    fireEvent.input(screen.getByLabelText('Tot en met'), { target: { value: '2026-03-31' } });
    fireEvent.click(screen.getByRole('button', { name: 'Toon rapportage' }));
    await waitFor(() => expect(sent.at(-1)).toEqual({ type: 'report/get', from: '2026-01-01', to: '2026-03-31' }));
    fireEvent.input(screen.getByLabelText('Tot en met'), { target: { value: '2025-12-31' } });
    expect((screen.getByRole('button', { name: 'Toon rapportage' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Afdrukken' }));
    expect(printed()).toBe(1);
  });

  it('loads the synthetic pilot on request, and shows no banner without synthetic data', async () => {
    const { sent } = mount('nl', false);
    await screen.findByRole('table', { name: 'Alle cijfers van de gekozen periode' });
    expect(screen.queryByRole('note')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Synthetische demogegevens laden' }));
    await waitFor(() => expect(sent).toContainEqual({ type: 'report/seed-synthetic', seed: 'maastricht-pilot' }));
    await screen.findByText('Synthetische demogegevens geladen (546 records).');
  });

  it('speaks English when the browser does', async () => {
    mount('en');
    await screen.findByRole('table', { name: 'Every figure of the chosen period' });
    expect(screen.getByRole('button', { name: 'Export CSV' })).toBeTruthy();
    expect(screen.getByRole('note').textContent).toBe('Contains synthetic demo data — no real patients');
  });
});
