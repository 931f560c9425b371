import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { Translate } from '../../shared/i18n';
import type { Refusal } from './dependencies';
import { ProblemList } from './ui';

/** The latest outcome; `serial` tells two equal outcomes apart, so a repeated refusal takes focus again. */
export type Status = { kind: 'done'; message: ComponentChildren; serial: number } | { kind: 'refused'; refusal: Refusal; serial: number } | null;

/**
 * Where every action says how it went. Successes go to a polite live region and leave focus where
 * it is; a refusal is an alert that takes focus, so its problems are read out and scrolled into
 * view even when the administrator acted far down the page. Dismissing it gives focus back.
 */
export function StatusArea({ status, t, onDismiss }: { status: Status; t: Translate; onDismiss(): void }) {
  const alertRef = useRef<HTMLDivElement>(null);
  const focusBefore = useRef<Element | null>(null);
  const serial = status?.serial;
  const refused = status?.kind === 'refused';

  useEffect(() => {
    if (!refused) return;
    const active = alertRef.current?.ownerDocument.activeElement ?? null;
    if (active !== alertRef.current) focusBefore.current = active;
    alertRef.current?.focus();
  }, [serial, refused]);

  const dismiss = () => {
    const back = focusBefore.current;
    focusBefore.current = null;
    onDismiss();
    if (back instanceof HTMLElement && back.isConnected) back.focus();
  };

  return (
    <div class={`vs-status-area${status ? ' vs-status-area-active' : ''}`}>
      <p role="status" class="vs-status-done">
        {status?.kind === 'done' ? status.message : null}
      </p>
      {status?.kind === 'refused' && (
        <div role="alert" class="vs-status-refused" tabIndex={-1} ref={alertRef}>
          <p class="vs-status-summary">{status.refusal.summary}</p>
          {status.refusal.problems.length > 0 && <ProblemList problems={status.refusal.problems} />}
          {status.refusal.unchanged && <p class="vs-status-unchanged">{status.refusal.unchanged}</p>}
          <button type="button" class="vs-secondary vs-small" onClick={dismiss}>
            {t('options_dismiss')}
          </button>
        </div>
      )}
    </div>
  );
}
