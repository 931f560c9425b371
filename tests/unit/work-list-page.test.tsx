// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackgroundClient, PageRequest } from '../../extension/pages/background-client';
import { nextListIndex } from '../../extension/pages/worklist/list-navigation';
import { WorkListApp } from '../../extension/pages/worklist/WorkListApp';
import en from '../../extension/public/_locales/en/messages.json';
import nl from '../../extension/public/_locales/nl/messages.json';
import { translatorFromBundle } from '../../extension/shared/i18n';
import { WORK_LIST_KINDS, type WorkListDetails, type WorkListItem, type WorkListKind, type WorkListView } from '../../extension/shared/work-list';

// The side panel's work list (pages/worklist) against a fake background: filters with counts, search,
// the keyboard (arrows, Home/End, Escape), opening an item, and page text shown as text only.

const ITEMS: WorkListItem[] = [
  {
    id: 'attention:00000000-0000-4000-8000-000000000001',
    kind: 'needs-attention',
    at: '2026-11-23T10:00:00Z',
    patientName: 'Ria Weigering',
    unread: true,
    ruleSetIds: ['vroegsignaal-geldzorgen'],
    referralId: '00000000-0000-4000-8000-000000000001',
    recipient: 'Sociaal wijkteam Heuvelland',
    problem: { kind: 'http', httpStatus: 400, detail: '<img src=x onerror=alert(1)>' },
  },
  { id: 'draft:00000000-0000-4000-8000-000000001001', kind: 'draft', at: '2026-11-23T09:00:00Z', patientName: 'Noor Concept', unread: true, ruleSetIds: ['vroegsignaal-geldzorgen'], draftId: '00000000-0000-4000-8000-000000001001' },
  { id: 'dismissed:7', kind: 'dismissed-today', at: '2026-11-23T08:00:00Z', patientName: null, unread: false, ruleSetIds: ['vroegsignaal-geldzorgen'], dismissalReason: 'not-now' },
];

function viewFor(filter?: WorkListKind, search?: string): WorkListView {
  const found = ITEMS.filter((item) => !search || (item.patientName ?? '').toLowerCase().includes(search.toLowerCase()));
  return {
    items: found.filter((item) => !filter || item.kind === filter),
    counts: Object.fromEntries(WORK_LIST_KINDS.map((kind) => [kind, found.filter((item) => item.kind === kind).length])) as WorkListView['counts'],
    unread: ITEMS.filter((item) => item.unread).length,
    users: [
      { id: 'huisarts-1', name: 'dr. E. Denkbeeld', role: 'gp', agb: '01999001' },
      { id: 'assistent-1', name: 'Sanne Proef', role: 'assistant' },
    ],
  };
}

function mount(locale: 'nl' | 'en' = 'nl') {
  const sent: PageRequest[] = [];
  const copied: string[] = [];
  const client: BackgroundClient = {
    send: (async (message: PageRequest) => {
      sent.push(message);
      if (message.type === 'worklist/get') return { ok: true, data: viewFor(message.filter, message.search) };
      if (message.type === 'worklist/open') {
        const item = ITEMS.find((candidate) => candidate.id === message.itemId)!;
        const details: WorkListDetails = {
          item: { ...item, unread: false },
          patient: { name: item.patientName, phone: item.kind === 'draft' ? null : '06-99990001' },
          callMoment: 'morning',
          note: 'Liever niet tussen 12 en 13 uur bellen.',
          noteShared: true,
          consent: { recordedBy: { name: 'dr. E. Denkbeeld' }, recordedAt: '2026-11-23T09:00:00Z' },
        };
        return { ok: true, data: details };
      }
      return { ok: false, error: { code: 'internal', message: 'unexpected' } };
    }) as BackgroundClient['send'],
  };
  render(<WorkListApp deps={{ client, t: translatorFromBundle(locale === 'nl' ? nl : en), locale, clipboard: { writeText: async (text) => void copied.push(text) } }} />);
  return { sent, copied };
}

const itemButtons = () => [...document.querySelectorAll<HTMLButtonElement>('button[data-item]')];

afterEach(cleanup);

describe('the work list page', () => {
  it('shows the items with counts per kind, unread ones marked, and a name it does not have as such', async () => {
    mount();
    await screen.findByText('Ria Weigering');
    expect(screen.getByRole('button', { name: 'Alles (3)' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByRole('button', { name: 'Aandacht nodig (1)' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Nog te versturen (1)' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Terugbellen te laat (0)' })).toBeTruthy();
    expect(itemButtons().map((button) => button.dataset.kind)).toEqual(['needs-attention', 'draft', 'dismissed-today']);
    expect(itemButtons().filter((button) => button.classList.contains('is-unread'))).toHaveLength(2);
    expect(screen.getByText('(naam niet bewaard)')).toBeTruthy();
  });

  it('filters by kind and searches by name, asking the background', async () => {
    const { sent } = mount();
    await screen.findByText('Ria Weigering');
    fireEvent.click(screen.getByRole('button', { name: 'Nog te versturen (1)' }));
    await waitFor(() => expect(itemButtons().map((button) => button.dataset.kind)).toEqual(['draft']));
    expect(sent.at(-1)).toEqual({ type: 'worklist/get', filter: 'draft' });
    fireEvent.click(screen.getByRole('button', { name: 'Alles (3)' }));
    fireEvent.input(screen.getByLabelText('Zoek op naam'), { target: { value: 'ria' } });
    await waitFor(() => expect(itemButtons()).toHaveLength(1));
    expect(sent.at(-1)).toEqual({ type: 'worklist/get', search: 'ria' });
    expect(screen.getByRole('button', { name: 'Alles (1)' })).toBeTruthy();
  });

  it('walks the list with the arrow keys (one tab stop), opens with a click or Enter, and closes with Escape', async () => {
    const { sent } = mount();
    await screen.findByText('Ria Weigering');
    const buttons = itemButtons();
    expect(buttons.map((button) => button.tabIndex)).toEqual([0, -1, -1]);
    buttons[0]!.focus();
    fireEvent.keyDown(buttons[0]!, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(itemButtons()[1]);
    await waitFor(() => expect(itemButtons().map((button) => button.tabIndex)).toEqual([-1, 0, -1]));
    fireEvent.keyDown(itemButtons()[1]!, { key: 'End' });
    expect(document.activeElement).toBe(itemButtons()[2]);
    fireEvent.keyDown(itemButtons()[2]!, { key: 'Home' });
    expect(document.activeElement).toBe(itemButtons()[0]);
    fireEvent.keyDown(itemButtons()[0]!, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(itemButtons()[0]);

    // Enter on a button is its click.
    fireEvent.click(itemButtons()[0]!);
    const heading = await screen.findByRole('heading', { level: 2, name: 'Ria Weigering' });
    // The only assistant configured is who opens it (for the audit log).
    expect(sent.find((message) => message.type === 'worklist/open')).toEqual({ type: 'worklist/open', itemId: ITEMS[0]!.id, actor: { name: 'Sanne Proef' } });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    expect(screen.getByText('06-99990001')).toBeTruthy();
    // The receiver's reason is text, never markup.
    expect(screen.getByRole('alert').textContent).toContain('<img src=x onerror=alert(1)>');
    expect(document.querySelector('.worklist-details img')).toBeNull();
    expect(screen.getByRole('button', { name: 'Opnieuw versturen' })).toBeTruthy();

    fireEvent.keyDown(heading, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('heading', { level: 2 })).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(itemButtons()[0]));
  });

  it('offers a draft with an empty phone to fill in and "Versturen", in English too', async () => {
    mount('en');
    await screen.findByText('Noor Concept');
    fireEvent.click(itemButtons()[1]!);
    await screen.findByRole('heading', { level: 2, name: 'Noor Concept' });
    expect(screen.getByRole('button', { name: 'Send' })).toBeTruthy();
    expect((screen.getByLabelText(/Phone number/i) as HTMLInputElement).value).toBe('');
    expect(screen.getByText('Sent on behalf of dr. E. Denkbeeld, with the patient\'s recorded consent.')).toBeTruthy();
  });

  it('moves the focus by key as a roving tabindex should', () => {
    expect(nextListIndex('ArrowDown', 0, 3)).toBe(1);
    expect(nextListIndex('ArrowDown', 2, 3)).toBe(2);
    expect(nextListIndex('ArrowUp', 0, 3)).toBe(0);
    expect(nextListIndex('End', 0, 3)).toBe(2);
    expect(nextListIndex('Home', 2, 3)).toBe(0);
    expect(nextListIndex('a', 1, 3)).toBeNull();
    expect(nextListIndex('ArrowDown', 0, 0)).toBeNull();
  });
});
