import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { localDateOf, PRACTICE_TIME_ZONE } from '../../../contract/working-days';
import type { MessageKey, Translate } from '../../shared/i18n';
import type { Locale } from '../../shared/locale';
import { PILOT_SEED, type ReportPeriod, type ReportView } from '../../shared/report';
import type { BackgroundClient } from '../background-client';
import { Chart } from './Chart';
import { reportCharts } from './charts';
import { isLocalDate, PERIOD_PRESETS, presetPeriod, type PeriodPreset } from './periods';
import { csvFileName, numberFormats, reportCsv, reportRows, type ReportRow } from './report-rows';

/** Everything the report page needs from outside: the browser's APIs in the extension, fakes in tests. */
export interface ReportDependencies {
  client: BackgroundClient;
  t: Translate;
  locale: Locale;
  now: () => Date;
  /** Saves text as a file in the browser's downloads. */
  download: (fileName: string, text: string, mediaType: string) => void;
  /** Opens the browser's print dialog. */
  print: () => void;
  /** The document Plot draws its charts in. */
  document: Document;
}

const PRESET_KEYS: Record<PeriodPreset, MessageKey> = {
  'last-15-months': 'report_preset_last_15_months',
  'this-year': 'report_preset_this_year',
  'last-quarter': 'report_preset_last_quarter',
};

type Status = { kind: 'info' | 'error'; text: string } | null;

/**
 * The practice report page: a period, its figures as a table, four charts with their tables, CSV
 * export, a print view, and the synthetic demo practice. The background computes every number
 * (report/get); this page only lays them out, so the table, the charts and the CSV cannot disagree.
 */
export function ReportApp({ deps }: { deps: ReportDependencies }) {
  const { t, locale, client } = deps;
  const today = useMemo(() => localDateOf(deps.now()), [deps]);
  const [period, setPeriod] = useState<ReportPeriod>(() => presetPeriod('last-15-months', today));
  const [draft, setDraft] = useState<ReportPeriod>(period);
  const [view, setView] = useState<ReportView | null>(null);
  const [loading, setLoading] = useState(true);
  const [status, setStatus] = useState<Status>(null);
  const [busy, setBusy] = useState(false);
  const requests = useRef(0);

  async function load(next: ReportPeriod): Promise<void> {
    const request = ++requests.current;
    setLoading(true);
    const response = await client.send({ type: 'report/get', from: next.from, to: next.to });
    // A slower answer for an earlier period must not replace a later one.
    if (request !== requests.current) return;
    setLoading(false);
    if (response.ok) {
      setView(response.data);
    } else {
      setStatus({ kind: 'error', text: t('report_loadFailed', [response.error.message]) });
    }
  }

  useEffect(() => {
    void load(period);
  }, [period]);

  const choose = (next: ReportPeriod) => {
    setStatus(null);
    setDraft(next);
    setPeriod(next);
  };
  const draftValid = isLocalDate(draft.from) && isLocalDate(draft.to) && draft.from <= draft.to;

  const rows = useMemo(() => (view ? reportRows(view.report, t, locale) : []), [view, t, locale]);
  const charts = useMemo(() => (view ? reportCharts(view.report, t, locale) : []), [view, t, locale]);
  const format = numberFormats(locale);

  const exportCsv = () => {
    if (!view) return;
    deps.download(csvFileName(view.report), reportCsv(rows, t), 'text/csv;charset=utf-8');
  };

  async function synthetic(kind: 'seed' | 'clear'): Promise<void> {
    setBusy(true);
    setStatus(null);
    const response = kind === 'seed' ? await client.send({ type: 'report/seed-synthetic', seed: PILOT_SEED }) : await client.send({ type: 'report/clear-synthetic' });
    setBusy(false);
    if (!response.ok) {
      setStatus({ kind: 'error', text: t('report_synthetic_failed', [response.error.message]) });
      return;
    }
    const count = 'records' in response.data ? response.data.records : response.data.removed;
    // The demo practice covers the last 15 months: show exactly that after loading it.
    if (kind === 'seed') choose(presetPeriod('last-15-months', today));
    else void load(period);
    setStatus({ kind: 'info', text: t(kind === 'seed' ? 'report_synthetic_loaded' : 'report_synthetic_cleared', [format.count(count)]) });
  }

  const generated = view
    ? new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: PRACTICE_TIME_ZONE }).format(new Date(view.generatedAt))
    : '';
  const summaryRows = rows.filter((row) => !row.id.startsWith('month.'));
  const sections = [...new Set(summaryRows.map((row) => row.section))];

  return (
    <main class="report" aria-busy={loading}>
      <header class="report-header">
        <h1>{t('report_title')}</h1>
        <p class="report-intro">{t('report_intro')}</p>
        {view && view.syntheticRecords > 0 && (
          <p class="report-synthetic-banner" role="note" data-synthetic-banner>
            {t('report_synthetic_banner')}
          </p>
        )}
        {view && (
          <p class="report-period-line" data-period={`${view.report.period.from}/${view.report.period.to}`}>
            {t('report_periodLine', [format.day(view.report.period.from), format.day(view.report.period.to), generated])}
          </p>
        )}
      </header>

      <form
        class="report-controls no-print"
        onSubmit={(event) => {
          event.preventDefault();
          if (draftValid) choose({ ...draft });
        }}
      >
        <fieldset>
          <legend>{t('report_period_legend')}</legend>
          <div class="report-presets">
            {PERIOD_PRESETS.map((preset) => (
              <button key={preset} type="button" class="report-secondary" data-preset={preset} onClick={() => choose(presetPeriod(preset, today))}>
                {t(PRESET_KEYS[preset])}
              </button>
            ))}
          </div>
          <div class="report-dates">
            <label>
              {t('report_from')}
              <input type="date" name="from" value={draft.from} max={draft.to || undefined} onInput={(event) => setDraft({ ...draft, from: event.currentTarget.value })} required />
            </label>
            <label>
              {t('report_to')}
              <input type="date" name="to" value={draft.to} min={draft.from || undefined} onInput={(event) => setDraft({ ...draft, to: event.currentTarget.value })} required />
            </label>
            <button type="submit" class="report-primary" disabled={!draftValid}>
              {t('report_show')}
            </button>
          </div>
          {!draftValid && <p class="report-error">{t('report_period_invalid')}</p>}
        </fieldset>
      </form>

      <div class="report-actions no-print" role="group" aria-label={t('report_actions')}>
        <button type="button" class="report-primary" onClick={exportCsv} disabled={!view}>
          {t('report_export_csv')}
        </button>
        <button type="button" class="report-secondary" onClick={() => deps.print()} disabled={!view}>
          {t('report_print')}
        </button>
      </div>

      <div role="status" class={status?.kind === 'error' ? 'report-status report-error' : 'report-status'}>
        {loading && !view ? t('report_loading') : status?.text}
      </div>

      {view && (
        <>
          <section class="report-section" aria-labelledby="report-figures-heading">
            <h2 id="report-figures-heading">{t('report_table_heading')}</h2>
            <table class="report-figures">
              <caption>{t('report_table_caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('report_col_figure')}</th>
                  <th scope="col" class="report-value">
                    {t('report_col_value')}
                  </th>
                </tr>
              </thead>
              {sections.map((section) => (
                <tbody key={section}>
                  <tr class="report-rowgroup">
                    <th scope="rowgroup" colSpan={2}>
                      {section}
                    </th>
                  </tr>
                  {summaryRows
                    .filter((row) => row.section === section)
                    .map((row) => (
                      <tr key={row.id}>
                        <th scope="row">{row.figure}</th>
                        <FigureCell row={row} />
                      </tr>
                    ))}
                </tbody>
              ))}
            </table>
          </section>

          <section class="report-section report-charts" aria-labelledby="report-charts-heading">
            <h2 id="report-charts-heading">{t('report_charts_heading')}</h2>
            {charts.map((spec) => (
              <Chart key={spec.id} spec={spec} t={t} doc={deps.document} />
            ))}
          </section>

          <section class="report-section" aria-labelledby="report-months-heading">
            <h2 id="report-months-heading">{t('report_months_heading')}</h2>
            <MonthTable rows={rows.filter((row) => row.id.startsWith('month.'))} t={t} locale={locale} />
          </section>

          <section class="report-section" aria-labelledby="report-definitions-heading">
            <h2 id="report-definitions-heading">{t('report_definitions_heading')}</h2>
            <p>{t('report_definitions')}</p>
          </section>
        </>
      )}

      <section class="report-section report-demo no-print" aria-labelledby="report-demo-heading">
        <h2 id="report-demo-heading">{t('report_synthetic_heading')}</h2>
        <p>{t('report_synthetic_hint')}</p>
        <div class="report-actions">
          <button type="button" class="report-secondary" disabled={busy} onClick={() => void synthetic('seed')}>
            {t('report_synthetic_load')}
          </button>
          {view && view.syntheticRecords > 0 && (
            <button type="button" class="report-secondary" disabled={busy} onClick={() => void synthetic('clear')}>
              {t('report_synthetic_clear')}
            </button>
          )}
        </div>
      </section>
    </main>
  );
}

/** A value cell that says which figure it holds, so the CSV can be checked against the screen. */
function FigureCell({ row }: { row: ReportRow }) {
  return (
    <td class="report-value" data-figure={row.id} data-section={row.section} data-label={row.figure}>
      {row.value}
    </td>
  );
}

/** The monthly figures as one table: a row per month, a column per figure. */
function MonthTable({ rows, t, locale }: { rows: ReportRow[]; t: Translate; locale: Locale }) {
  const format = numberFormats(locale);
  const months = [...new Set(rows.map((row) => row.id.split('.')[1]!))];
  const figureIds = [...new Set(rows.map((row) => row.id.split('.').slice(2).join('.')))];
  const header = (figureId: string) => rows.find((row) => row.id.endsWith(`.${figureId}`))!.figure;
  return (
    // Scrolls sideways on a narrow screen: reachable and named for the keyboard.
    <div class="report-scroll" tabIndex={0} role="region" aria-label={t('report_months_caption')}>
      <table class="report-months">
        <caption>{t('report_months_caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('report_col_month')}</th>
            {figureIds.map((figureId) => (
              <th key={figureId} scope="col" class="report-value">
                {header(figureId)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {months.map((month) => {
            const ofMonth = rows.filter((row) => row.id.startsWith(`month.${month}.`));
            return (
              <tr key={month}>
                <th scope="row">{format.month(month)}</th>
                {ofMonth.map((row) => (
                  <FigureCell key={row.id} row={row} />
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
