import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Problem } from '../../shared/messages';
import type { OptionsDependencies } from './dependencies';
import { msg, ProblemList } from './ui';

/** How long typing must pause before the background checks the text. */
const VALIDATE_AFTER_MS = 300;

/** What a JSON editor edits, how it is labelled, and what happens on save and cancel. */
export interface JsonEditorProps {
  /** Prefix for element ids; one editor per prefix on the page. */
  id: string;
  label: string;
  heading: ComponentChildren;
  section: 'ruleSets' | 'adapters';
  initial: string;
  deps: OptionsDependencies;
  /** Saves the text; resolves true when it was saved (the owner then closes the editor). */
  onSave(source: string): Promise<boolean>;
  onCancel(): void;
  /** Shown between the heading and the text, e.g. the adapter builder's warnings. */
  notes?: ComponentChildren;
  /** Shown below the buttons, with the current text, e.g. a test on an open tab. */
  extra?: (source: string) => ComponentChildren;
  /** Opened by a click of the administrator: take the focus, and give it back to that button on closing. */
  autoFocus?: boolean;
}

type Validity = { state: 'unknown' } | { state: 'valid'; name: string } | { state: 'invalid'; problems: Problem[] };

/**
 * A JSON editor for one rule set or adapter, checked by the background as the administrator types
 * (the same validation that saving uses), so every problem shows with its path before saving.
 */
export function JsonEditor({ id, label, heading, section, initial, deps, onSave, onCancel, notes, extra, autoFocus = false }: JsonEditorProps) {
  const { t } = deps;
  const [text, setText] = useState(initial);
  const [validity, setValidity] = useState<Validity>({ state: 'unknown' });
  const [saving, setSaving] = useState(false);
  const latest = useRef(0);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // Only an editor the administrator just opened takes the focus; one that appears by itself
    // (the builder's proposal) must not pull it away from wherever they are.
    if (!autoFocus) return;
    const opener = textRef.current?.ownerDocument.activeElement;
    textRef.current?.focus();
    return () => {
      // Closing removes the focused button: hand focus back to what opened the editor, unless it moved on.
      const active = opener?.ownerDocument.activeElement;
      const focusInside = !active || active === opener?.ownerDocument.body || rootRef.current?.contains(active);
      if (focusInside && opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, []);

  useEffect(() => {
    // Only the answer for the latest text counts; an earlier check may come back after a later one.
    const serial = ++latest.current;
    const handle = deps.timers.setTimeout(() => {
      void deps.client.send({ type: 'options/validate-item', section, source: text }).then((reply) => {
        if (serial !== latest.current) return;
        if (reply.ok) setValidity({ state: 'valid', name: reply.data.name });
        else setValidity({ state: 'invalid', problems: reply.error.problems?.length ? reply.error.problems : [{ path: '', message: reply.error.message }] });
      });
    }, VALIDATE_AFTER_MS);
    return () => deps.timers.clearTimeout(handle);
  }, [text]);

  const save = async () => {
    setSaving(true);
    const saved = await onSave(text);
    // A saved editor is unmounted by its owner; only a refused one stays to be corrected.
    if (!saved) setSaving(false);
  };

  return (
    <div class="vs-editor" role="group" aria-labelledby={`${id}-heading`} ref={rootRef}>
      <h3 id={`${id}-heading`}>{heading}</h3>
      {notes}
      <div class="vs-field">
        <label for={`${id}-text`}>{label}</label>
        <textarea
          id={`${id}-text`}
          ref={textRef}
          class="vs-code"
          rows={24}
          spellcheck={false}
          autocomplete="off"
          value={text}
          aria-invalid={validity.state === 'invalid'}
          aria-describedby={`${id}-validity`}
          onInput={(event) => setText(event.currentTarget.value)}
        />
      </div>
      <div id={`${id}-validity`} class="vs-validity" aria-live="polite">
        {validity.state === 'valid' && <p class="vs-ok">{msg(t, 'options_editor_valid', validity.name)}</p>}
        {validity.state === 'invalid' && (
          <>
            <p class="vs-error">{t('options_editor_invalid')}</p>
            <ProblemList problems={validity.problems} />
          </>
        )}
      </div>
      <div class="vs-actions">
        <button type="button" class="vs-primary" disabled={saving} onClick={() => void save()}>
          {t('options_save')}
        </button>
        <button type="button" class="vs-secondary" onClick={onCancel}>
          {t('options_cancel')}
        </button>
      </div>
      {extra?.(text)}
    </div>
  );
}
