import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { AuditBreak, AuditExportFormat, AuditVerification, Workstation } from '../../shared/audit';
import { DEFAULT_RETENTION, RETENTION_LIMITS, retentionSettings, type RetentionSettings } from '../../shared/configuration';
import type { MessageKey, Translate } from '../../shared/i18n';
import type { SectionProps } from './dependencies';
import { LockedNote, msg } from './ui';

const BREAK_KEYS: Record<AuditBreak, MessageKey> = {
  edited: 'options_audit_reason_edited',
  deleted: 'options_audit_reason_deleted',
  reordered: 'options_audit_reason_reordered',
  inserted: 'options_audit_reason_inserted',
};

/** What a chain check found, in words: "Keten gecontroleerd: N regels, onbroken" or where it breaks. */
export function describeVerification(t: Translate, verification: AuditVerification) {
  return verification.ok
    ? msg(t, 'options_audit_chainOk', String(verification.count))
    : msg(t, 'options_audit_chainBroken', String(verification.firstBad.seq), t(BREAK_KEYS[verification.firstBad.reason]));
}

/**
 * Section 7: the audit log (NEN 7513). This workstation's name, the export for the practice's
 * central log (the background checks the chain first and puts the result in the file), and the
 * retention terms, which are saved with the practice.
 */
export function AuditSection({ view, deps, actions }: SectionProps) {
  const { t } = deps;
  const [workstation, setWorkstation] = useState<Workstation | null>(null);
  const [entries, setEntries] = useState<number | null>(null);
  const [name, setName] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [verification, setVerification] = useState<AuditVerification | null>(null);
  const locked = view.lockedSections.includes('practice');

  useEffect(() => {
    void deps.client.send({ type: 'options/audit-info' }).then((reply) => {
      // An older background, or a stopped one: the section still exports when asked.
      if (!reply.ok || typeof reply.data?.workstation?.id !== 'string') return;
      setWorkstation(reply.data.workstation);
      setName(reply.data.workstation.name ?? '');
      setEntries(reply.data.entries);
    });
  }, [deps.client]);

  const saveName = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const reply = await deps.client.send({ type: 'options/name-workstation', name: name.trim() });
    setBusy(false);
    if (!reply.ok) {
      actions.refuse({ summary: t('options_refused'), problems: reply.error.problems?.length ? reply.error.problems : [{ path: '', message: reply.error.message }] });
      return;
    }
    setWorkstation(reply.data);
    setName(reply.data.name ?? '');
    actions.report(reply.data.name ? msg(t, 'options_audit_workstationSaved', <bdi>{reply.data.name}</bdi>) : t('options_audit_workstationCleared'));
  };

  const download = async (format: AuditExportFormat) => {
    setBusy(true);
    const reply = await deps.client.send({ type: 'options/export-audit', format, ...(from ? { from } : {}), ...(to ? { to } : {}) });
    setBusy(false);
    if (!reply.ok) {
      setVerification(null);
      actions.refuse({ summary: t('options_audit_exportFailed'), problems: reply.error.problems?.length ? reply.error.problems : [{ path: '', message: reply.error.message }] });
      return;
    }
    deps.download(reply.data.fileName, reply.data.text, reply.data.mediaType);
    setVerification(reply.data.verification);
    setEntries((count) => (count === null ? count : count + 1));
    actions.report(msg(t, 'options_audit_exported', reply.data.fileName, String(reply.data.exported)));
  };

  return (
    <section id="audit" class="vs-section" tabIndex={-1} aria-labelledby="audit-title">
      <h2 id="audit-title">{t('options_audit_title')}</h2>
      <p class="vs-section-intro">{t('options_audit_intro')}</p>
      {entries !== null && <p class="vs-hint">{msg(t, 'options_audit_entries', String(entries))}</p>}

      <div class="vs-subform">
        <h3>{t('options_audit_exportTitle')}</h3>
        <p class="vs-hint">{t('options_audit_exportIntro')}</p>
        <div class="vs-row">
          <div class="vs-field vs-field-short">
            <label for="audit-from">{t('options_audit_from')}</label>
            <input id="audit-from" type="date" value={from} max={to || undefined} onInput={(event) => setFrom(event.currentTarget.value)} />
          </div>
          <div class="vs-field vs-field-short">
            <label for="audit-to">{t('options_audit_to')}</label>
            <input id="audit-to" type="date" value={to} min={from || undefined} onInput={(event) => setTo(event.currentTarget.value)} />
          </div>
        </div>
        <div class="vs-actions">
          <button type="button" class="vs-secondary" disabled={busy} onClick={() => void download('jsonl')}>
            {t('options_audit_downloadJsonl')}
          </button>
          <button type="button" class="vs-secondary" disabled={busy} onClick={() => void download('csv')}>
            {t('options_audit_downloadCsv')}
          </button>
        </div>
        {/* Where the chain check is read: an unbroken chain is news, a broken one an alert. */}
        {verification && (
          <p class={verification.ok ? 'vs-hint' : 'vs-error'} role={verification.ok ? 'status' : 'alert'} data-audit-verification={verification.ok ? 'ok' : 'broken'}>
            {describeVerification(t, verification)}
          </p>
        )}
      </div>

      <form class="vs-subform" onSubmit={(event) => void saveName(event)} noValidate>
        <h3>{t('options_audit_workstationTitle')}</h3>
        <div class="vs-field">
          <label for="audit-workstation">{t('options_audit_workstationName')}</label>
          <input
            id="audit-workstation"
            type="text"
            maxLength={100}
            autocomplete="off"
            value={name}
            aria-describedby="audit-workstation-hint"
            onInput={(event) => setName(event.currentTarget.value)}
          />
          <p id="audit-workstation-hint" class="vs-hint">
            {msg(t, 'options_audit_workstationHint', <code>{workstation?.id ?? '…'}</code>)}
          </p>
        </div>
        <div class="vs-actions">
          <button type="submit" class="vs-secondary" disabled={busy || workstation === null}>
            {t('options_audit_workstationSave')}
          </button>
        </div>
      </form>

      {/* Keyed by the saved terms: after a save the form shows what the background kept. */}
      <RetentionForm key={JSON.stringify(view.practice.value.retention ?? null)} retention={retentionSettings(view.practice.value)} locked={locked} view={view} deps={deps} actions={actions} />
    </section>
  );
}

function RetentionForm({ retention, locked, view, deps, actions }: { retention: RetentionSettings; locked: boolean } & SectionProps) {
  const { t } = deps;
  const [days, setDays] = useState(String(retention.personalDataDays));
  const [years, setYears] = useState(String(retention.auditLogYears));
  const [busy, setBusy] = useState(false);
  const wrong = (value: string, limits: { min: number; max: number }) => {
    const number = Number(value);
    return !/^\d+$/.test(value.trim()) || number < limits.min || number > limits.max;
  };
  const daysWrong = wrong(days, RETENTION_LIMITS.personalDataDays);
  const yearsWrong = wrong(years, RETENTION_LIMITS.auditLogYears);

  const save = async (event: Event) => {
    event.preventDefault();
    const unchanged = t('options_audit_retentionUnchanged');
    if (daysWrong || yearsWrong) {
      actions.refuse({
        summary: t('options_refused'),
        problems: [
          ...(daysWrong ? [{ path: t('options_audit_personalDataDays'), message: `${RETENTION_LIMITS.personalDataDays.min}–${RETENTION_LIMITS.personalDataDays.max}` }] : []),
          ...(yearsWrong ? [{ path: t('options_audit_auditLogYears'), message: `${RETENTION_LIMITS.auditLogYears.min}–${RETENTION_LIMITS.auditLogYears.max}` }] : []),
        ],
        unchanged,
      });
      return;
    }
    const next: RetentionSettings = { personalDataDays: Number(days), auditLogYears: Number(years) };
    // Terms equal to the defaults are left out, so a later change of the defaults reaches this practice.
    const saved = Object.fromEntries(Object.entries(next).filter(([key, value]) => DEFAULT_RETENTION[key as keyof RetentionSettings] !== value));
    const { retention: _old, ...practice } = view.practice.value;
    setBusy(true);
    await actions.change(
      { type: 'options/save-practice', practice: { ...practice, ...(Object.keys(saved).length > 0 ? { retention: saved } : {}) } },
      { done: t('options_audit_retentionSaved'), unchanged },
    );
    setBusy(false);
  };

  return (
    <form class="vs-subform" onSubmit={(event) => void save(event)} noValidate>
      <h3>{t('options_audit_retentionTitle')}</h3>
      {locked && <LockedNote t={t} />}
      <p class="vs-hint">{t('options_audit_retentionIntro')}</p>
      <fieldset class="vs-plain" disabled={locked}>
        <div class="vs-row">
          <RetentionField id="retention-days" label={t('options_audit_personalDataDays')} limits={RETENTION_LIMITS.personalDataDays} value={days} onInput={setDays} wrong={daysWrong} t={t}
            hint={msg(t, 'options_audit_personalDataDaysHint', String(RETENTION_LIMITS.personalDataDays.min), String(RETENTION_LIMITS.personalDataDays.max))} />
          <RetentionField id="retention-years" label={t('options_audit_auditLogYears')} limits={RETENTION_LIMITS.auditLogYears} value={years} onInput={setYears} wrong={yearsWrong} t={t}
            hint={msg(t, 'options_audit_auditLogYearsHint', String(RETENTION_LIMITS.auditLogYears.min), String(RETENTION_LIMITS.auditLogYears.max))} />
        </div>
        <div class="vs-actions">
          <button type="submit" class="vs-primary" disabled={busy}>
            {t('options_audit_retentionSave')}
          </button>
        </div>
      </fieldset>
    </form>
  );
}

/** One retention term: a number within `limits`, with its hint, or what is wrong with it. */
function RetentionField(props: { id: string; label: string; hint: ComponentChildren; limits: { min: number; max: number }; value: string; onInput(value: string): void; wrong: boolean; t: Translate }) {
  const { id, limits, wrong, t } = props;
  return (
    <div class="vs-field vs-field-short">
      <label for={id}>{props.label}</label>
      <input id={id} type="number" inputMode="numeric" min={limits.min} max={limits.max} value={props.value} aria-invalid={wrong} aria-describedby={`${id}-hint`} onInput={(event) => props.onInput(event.currentTarget.value)} />
      <p id={`${id}-hint`} class={wrong ? 'vs-error' : 'vs-hint'}>
        {wrong ? msg(t, 'options_audit_retentionInvalid', String(limits.min), String(limits.max)) : props.hint}
      </p>
    </div>
  );
}
