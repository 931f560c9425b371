import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { CALL_MOMENTS, type CallMoment } from '../../../contract/referral-contract';
import type { Practitioner } from '../../../contract/referral-bundle';
import type { MessageKey, Translate } from '../../shared/i18n';
import type { Locale } from '../../shared/locale';
import type { ErrorCode, Problem } from '../../shared/messages';
import { WORK_LIST_KINDS, type WorkListDetails, type WorkListItem, type WorkListKind, type WorkListView } from '../../shared/work-list';
import type { BackgroundClient } from '../background-client';
import { nextListIndex } from './list-navigation';

/** Everything the work list needs from outside: the browser's APIs in the side panel, fakes in tests. */
export interface WorkListDependencies {
  client: BackgroundClient;
  t: Translate;
  locale: Locale;
  /** The clipboard (`navigator.clipboard`): journal lines are copied, never written into the EHR. */
  clipboard: { writeText(text: string): Promise<void> };
}

const KIND_KEYS: Record<WorkListKind, MessageKey> = {
  'needs-attention': 'worklist_kind_needs_attention',
  draft: 'worklist_kind_draft',
  overdue: 'worklist_kind_overdue',
  'outcome-unseen': 'worklist_kind_outcome_unseen',
  'dismissed-today': 'worklist_kind_dismissed_today',
};

type Status = { kind: 'info' | 'error'; text: string } | null;

function describeFailure(error: { code: ErrorCode; message: string; problems?: Problem[] }): string {
  return error.problems?.length ? error.problems.map((problem) => problem.message).join('; ') : error.message;
}

/**
 * The practice assistant's work list in the browser's side panel: filters by kind with counts, a
 * search by name, a list the keyboard walks (arrows, Home/End, Enter opens, Escape closes) and the
 * details of one item with its actions. The background builds the list and audits every opening; this
 * page only shows and asks. All text is rendered as text, never as HTML.
 */
export function WorkListApp({ deps }: { deps: WorkListDependencies }) {
  const { t, client, locale } = deps;
  const [filter, setFilter] = useState<WorkListKind | null>(null);
  const [search, setSearch] = useState('');
  const [view, setView] = useState<WorkListView | null>(null);
  const [status, setStatus] = useState<Status>(null);
  const [active, setActive] = useState(0);
  const [details, setDetails] = useState<WorkListDetails | null>(null);
  const [userId, setUserId] = useState<string | null>(null);
  const itemRefs = useRef<Array<HTMLButtonElement | null>>([]);
  const requests = useRef(0);
  const when = useMemo(() => new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' }), [locale]);
  const format = (iso: string | undefined) => (iso ? when.format(new Date(iso)) : '');

  async function load(): Promise<void> {
    const request = ++requests.current;
    const response = await client.send({ type: 'worklist/get', ...(filter ? { filter } : {}), ...(search.trim() ? { search: search.trim() } : {}) });
    // A slower answer for an earlier search must not replace a later one.
    if (request !== requests.current) return;
    if (!response.ok) {
      setStatus({ kind: 'error', text: t('worklist_unavailable', [response.error.message]) });
      return;
    }
    setView(response.data);
    setActive((index) => Math.min(index, Math.max(0, response.data.items.length - 1)));
    // Who works here: the only assistant configured, unless someone was chosen.
    if (userId === null) {
      const assistants = response.data.users.filter((user) => user.role === 'assistant');
      if (assistants.length === 1) setUserId(assistants[0]!.id);
    }
  }

  useEffect(() => {
    void load();
  }, [filter, search]);

  const actor = (): Practitioner | undefined => {
    const user = view?.users.find((candidate) => candidate.id === userId);
    return user ? { name: user.name, ...(user.agb ? { agb: user.agb } : {}) } : undefined;
  };

  async function open(item: WorkListItem): Promise<void> {
    const who = actor();
    const response = await client.send({ type: 'worklist/open', itemId: item.id, ...(who ? { actor: who } : {}) });
    if (!response.ok) {
      setStatus({ kind: 'error', text: t('worklist_open_failed', [describeFailure(response.error)]) });
      void load();
      return;
    }
    setStatus(null);
    setDetails(response.data);
    void load();
  }

  function close(): void {
    setDetails(null);
    // Back to where the assistant was in the list.
    queueMicrotask(() => itemRefs.current[active]?.focus());
  }

  const items = view?.items ?? [];

  const onListKey = (event: KeyboardEvent) => {
    const next = nextListIndex(event.key, active, items.length);
    if (next === null) return;
    event.preventDefault();
    setActive(next);
    itemRefs.current[next]?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && details) {
      event.preventDefault();
      close();
    }
  };

  const total = view ? WORK_LIST_KINDS.reduce((sum, kind) => sum + view.counts[kind], 0) : 0;

  return (
    <main class="worklist" onKeyDown={onKeyDown}>
      <header class="worklist-header">
        <h1>{t('worklist_title')}</h1>
        <p class="worklist-intro">{t('worklist_intro')}</p>
        <label class="worklist-user">
          <span>{t('worklist_user_label')}</span>
          <select value={userId ?? ''} onChange={(event) => setUserId((event.currentTarget as HTMLSelectElement).value || null)}>
            <option value="">{t('worklist_user_unknown')}</option>
            {(view?.users ?? []).map((user) => (
              <option key={user.id} value={user.id}>
                {user.name}
              </option>
            ))}
          </select>
        </label>
      </header>

      <div class="worklist-controls">
        <label class="worklist-search">
          <span>{t('worklist_search_label')}</span>
          <input type="search" value={search} onInput={(event) => setSearch((event.currentTarget as HTMLInputElement).value)} />
        </label>
        <div class="worklist-filters" role="group" aria-label={t('worklist_filters')}>
          <button type="button" aria-pressed={filter === null} onClick={() => setFilter(null)}>
            {t('worklist_filter_all', [total])}
          </button>
          {WORK_LIST_KINDS.map((kind) => (
            <button key={kind} type="button" data-kind={kind} aria-pressed={filter === kind} onClick={() => setFilter(kind)}>
              {t('worklist_filter_kind', [t(KIND_KEYS[kind]), view?.counts[kind] ?? 0])}
            </button>
          ))}
        </div>
        <button type="button" class="worklist-refresh" onClick={() => void load()}>
          {t('worklist_refresh')}
        </button>
      </div>

      <p class={`worklist-status${status?.kind === 'error' ? ' is-error' : ''}`} role="status" aria-live="polite">
        {status?.text ?? ''}
      </p>

      {!view ? (
        <p>{t('worklist_loading')}</p>
      ) : items.length === 0 ? (
        <p class="worklist-empty">{t('worklist_empty')}</p>
      ) : (
        <ul class="worklist-items" aria-label={t('worklist_list_label')} onKeyDown={onListKey}>
          {items.map((item, index) => (
            <li key={item.id}>
              <button
                type="button"
                ref={(element) => {
                  itemRefs.current[index] = element;
                }}
                tabIndex={index === active ? 0 : -1}
                data-item={item.id}
                data-kind={item.kind}
                class={`worklist-item${item.unread ? ' is-unread' : ''}${details?.item.id === item.id ? ' is-open' : ''}`}
                aria-current={details?.item.id === item.id ? 'true' : undefined}
                onFocus={() => setActive(index)}
                onClick={() => {
                  setActive(index);
                  void open(item);
                }}
              >
                <span class="worklist-item-kind">{t(KIND_KEYS[item.kind])}</span>
                <span class="worklist-item-name">{item.patientName ?? t('worklist_no_name')}</span>
                <span class="worklist-item-time">{format(item.at)}</span>
                {item.unread ? <span class="worklist-item-unread">{t('worklist_unread')}</span> : null}
              </button>
            </li>
          ))}
        </ul>
      )}

      {details ? (
        <Details
          key={details.item.id}
          details={details}
          deps={deps}
          format={format}
          actor={actor}
          onClose={close}
          onDone={(text) => {
            setStatus({ kind: 'info', text });
            setDetails(null);
            void load();
          }}
          onStatus={setStatus}
        />
      ) : null}
    </main>
  );
}

interface DetailsProps {
  details: WorkListDetails;
  deps: WorkListDependencies;
  format: (iso: string | undefined) => string;
  actor: () => Practitioner | undefined;
  onClose: () => void;
  onDone: (text: string) => void;
  onStatus: (status: Status) => void;
}

function Details({ details, deps, format, actor, onClose, onDone, onStatus }: DetailsProps) {
  const { t, client } = deps;
  const { item } = details;
  const [phone, setPhone] = useState(details.patient.phone ?? '');
  const [callMoment, setCallMoment] = useState<CallMoment>(details.callMoment ?? 'no-preference');
  const [note, setNote] = useState(details.note ?? '');
  const [busy, setBusy] = useState(false);
  const [confirmingDiscard, setConfirmingDiscard] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const editable = (item.kind === 'needs-attention' && item.problem?.kind !== 'auth' && details.callMoment !== undefined) || item.kind === 'draft';

  async function send(event: Event): Promise<void> {
    event.preventDefault();
    // Sending patient data needs the assistant's own click or key, not a script's.
    if (!event.isTrusted || busy) return;
    setBusy(true);
    const who = actor();
    const noteChanged = note.trim() !== (details.note ?? '').trim();
    const response =
      item.kind === 'draft'
        ? await client.send({
            type: 'worklist/complete-draft',
            draftId: item.draftId!,
            phone,
            callMoment,
            ...(noteChanged ? { note } : {}),
            ...(who ? { actor: who } : {}),
          })
        : await client.send({
            type: 'worklist/resend',
            referralId: item.referralId!,
            changes: {
              ...(phone !== (details.patient.phone ?? '') ? { phone } : {}),
              ...(callMoment !== details.callMoment ? { callMoment } : {}),
              ...(noteChanged ? { note } : {}),
            },
            ...(who ? { actor: who } : {}),
          });
    setBusy(false);
    if (response.ok) onDone(t('worklist_sent'));
    else onStatus({ kind: 'error', text: t('worklist_send_failed', [describeFailure(response.error)]) });
  }

  async function discard(event: Event): Promise<void> {
    // Removing a recorded consent is the assistant's own act: a real click, and asked twice.
    if (!event.isTrusted || busy || item.kind !== 'draft') return;
    if (!confirmingDiscard) {
      setConfirmingDiscard(true);
      return;
    }
    setBusy(true);
    const who = actor();
    const response = await client.send({ type: 'worklist/discard-draft', draftId: item.draftId!, ...(who ? { actor: who } : {}) });
    setBusy(false);
    if (response.ok) onDone(t('worklist_discarded'));
    else onStatus({ kind: 'error', text: t('worklist_send_failed', [describeFailure(response.error)]) });
  }

  async function copyJournal(event: Event): Promise<void> {
    if (!event.isTrusted || !details.journalText) return;
    try {
      await deps.clipboard.writeText(details.journalText);
      onStatus({ kind: 'info', text: t('worklist_copied') });
    } catch {
      onStatus({ kind: 'error', text: t('worklist_copy_failed') });
    }
  }

  const problem = item.problem;
  const feedback = item.feedback;
  return (
    <section class="worklist-details" aria-labelledby="worklist-details-heading">
      <div class="worklist-details-head">
        <h2 id="worklist-details-heading" tabIndex={-1} ref={heading}>
          {details.patient.name ?? t('worklist_no_name')}
        </h2>
        <button type="button" onClick={onClose}>
          {t('worklist_close')}
        </button>
      </div>
      <p class="worklist-details-kind">{t(KIND_KEYS[item.kind])}</p>
      <dl>
        {item.kind !== 'dismissed-today' ? (
          <>
            <dt>{t('worklist_phone')}</dt>
            <dd>{details.patient.phone ?? t('worklist_phone_unknown')}</dd>
          </>
        ) : null}
        {details.createdAt ? (
          <>
            <dt>{t('worklist_created')}</dt>
            <dd>{format(details.createdAt)}</dd>
          </>
        ) : null}
      </dl>
      {item.recipient ? <p>{t('worklist_recipient', [item.recipient])}</p> : null}
      {details.consent ? <p>{t('worklist_consent_by', [details.consent.recordedBy.name ?? details.consent.recordedBy.agb ?? '?', format(details.consent.recordedAt)])}</p> : null}
      {problem ? (
        <p class="worklist-problem" role="alert">
          {problem.kind === 'auth'
            ? t('worklist_refused_auth')
            : problem.kind === 'http'
              ? t('worklist_refused_http', [problem.httpStatus ?? '', problem.detail])
              : t('worklist_refused_configuration', [problem.detail])}
        </p>
      ) : null}
      {item.kind === 'overdue' ? <p>{t('worklist_overdue_since', [format(item.at)])}</p> : null}
      {item.kind === 'dismissed-today' && item.dismissalReason ? (
        <p>{t(item.dismissalReason === 'not-now' ? 'worklist_dismissed_reason_not_now' : 'worklist_dismissed_reason_not_relevant')}</p>
      ) : null}
      {feedback ? (
        <div class="worklist-feedback">
          {feedback.outcome ? <p>{t(`outcome_${feedback.outcome.replaceAll('-', '_')}` as MessageKey)}</p> : null}
          {feedback.contactedAt ? <p>{t('worklist_feedback_contacted', [format(feedback.contactedAt)])}</p> : null}
          {feedback.partners.length > 0 ? (
            <p>{t('feedback_partners', [feedback.partners.map((partner) => t(`partner_${partner.replaceAll('-', '_')}` as MessageKey)).join(', ')])}</p>
          ) : null}
          {feedback.noteForGp ? <p>{t('worklist_feedback_note', [feedback.noteForGp])}</p> : null}
        </div>
      ) : null}

      {editable ? (
        <form class="worklist-form" onSubmit={(event) => void send(event)}>
          <label>
            <span>{t('phoneLabel')}</span>
            <input type="tel" autocomplete="off" value={phone} onInput={(event) => setPhone((event.currentTarget as HTMLInputElement).value)} />
            <small>{t('phoneHint')}</small>
          </label>
          <label>
            <span>{t('callMomentLabel')}</span>
            <select value={callMoment} onChange={(event) => setCallMoment((event.currentTarget as HTMLSelectElement).value as CallMoment)}>
              {CALL_MOMENTS.map((moment) => (
                <option key={moment} value={moment}>
                  {t(`callMoment_${moment.replaceAll('-', '_')}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>{t('worklist_note')}</span>
            <textarea rows={3} value={note} disabled={!details.noteShared} onInput={(event) => setNote((event.currentTarget as HTMLTextAreaElement).value)} />
            {!details.noteShared ? <small>{t('worklist_note_not_shared')}</small> : null}
          </label>
          {details.consent ? <p class="worklist-on-behalf">{t('worklist_send_on_behalf', [details.consent.recordedBy.name ?? details.consent.recordedBy.agb ?? '?'])}</p> : null}
          <button type="submit" class="worklist-primary" disabled={busy}>
            {item.kind === 'draft' ? t('worklist_send') : t('worklist_resend')}
          </button>
          {item.kind === 'draft' ? (
            <p class="worklist-discard">
              {confirmingDiscard ? <span role="alert">{t('worklist_discard_question')} </span> : null}
              <button type="button" disabled={busy} onClick={(event) => void discard(event)}>
                {confirmingDiscard ? t('worklist_discard_confirm') : t('worklist_discard')}
              </button>
            </p>
          ) : null}
        </form>
      ) : null}

      {details.journalText ? (
        <div class="worklist-journal">
          <p class="worklist-journal-label">{t('worklist_journal_label')}</p>
          <p class="worklist-journal-text">{details.journalText}</p>
          <button type="button" onClick={(event) => void copyJournal(event)}>
            {t('worklist_copy_journal')}
          </button>
        </div>
      ) : null}
    </section>
  );
}
