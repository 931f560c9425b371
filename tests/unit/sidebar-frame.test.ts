import { describe, expect, it, vi } from 'vitest';
import { createClickGuard, MIN_VISIBLE_MS } from '../../extension/pages/sidebar/click-guard';
import { layoutFor, PLACEMENT_TIMEOUT_MS, startSidebarFrame } from '../../extension/pages/sidebar/sidebar-frame';
import type { SidebarState } from '../../extension/pages/sidebar/sidebar-state';
import type { RequestMessage, SendMessage } from '../../extension/shared/messages';
import type { FromSidebarFrame, PlacementProblem, ToSidebarFrame } from '../../extension/shared/sidebar-channel';
import { defaultRuleSet } from './helpers';

/** An event as the browser makes it for a real click (`isTrusted` cannot be set by a script). */
function gesture(trusted: boolean, at = { x: 50, y: 60 }): Event {
  return { isTrusted: trusted, detail: 1, clientX: at.x, clientY: at.y, currentTarget: null, target: null } as unknown as Event;
}

function guardAt(options: { activation?: boolean; placement?: PlacementProblem | null | Error } = {}) {
  let now = 10_000;
  const asked: Array<{ x: number; y: number }> = [];
  const guard = createClickGuard({
    now: () => now,
    hasUserActivation: () => options.activation ?? true,
    askPlacement: async (x, y) => {
      asked.push({ x, y });
      if (options.placement instanceof Error) throw options.placement;
      return options.placement ?? null;
    },
  });
  return { guard, asked, advance: (ms: number) => (now += ms) };
}

describe('the click guard', () => {
  it('lets a real gesture on a sidebar seen for a moment through, and asks what is on top where it landed', async () => {
    const { guard, asked, advance } = guardAt();
    guard.visibilityChanged(true);
    advance(MIN_VISIBLE_MS);
    expect(await guard.confirm(gesture(true, { x: 12, y: 34 }))).toBeNull();
    expect(asked).toEqual([{ x: 12, y: 34 }]);
  });

  it('refuses a script-made event, and a gesture without user activation', async () => {
    const { guard, advance } = guardAt();
    guard.visibilityChanged(true);
    advance(MIN_VISIBLE_MS);
    expect(guard.trusted(gesture(false))).toBe(false);
    expect(await guard.confirm(gesture(false))).toBe('untrusted');
    const inactive = guardAt({ activation: false });
    inactive.guard.visibilityChanged(true);
    inactive.advance(MIN_VISIBLE_MS);
    expect(await inactive.guard.confirm(gesture(true))).toBe('untrusted');
  });

  it('refuses while the browser says the sidebar is not wholly visible, and just after it became visible again', async () => {
    const { guard, advance } = guardAt();
    expect(await guard.confirm(gesture(true))).toBe('not-visible');
    guard.visibilityChanged(true);
    advance(MIN_VISIBLE_MS - 1);
    expect(await guard.confirm(gesture(true))).toBe('too-soon');
    advance(1);
    expect(await guard.confirm(gesture(true))).toBeNull();
    // Covered for a moment: the clock starts again when it is uncovered.
    guard.visibilityChanged(false);
    expect(await guard.confirm(gesture(true))).toBe('not-visible');
    guard.visibilityChanged(true);
    advance(100);
    expect(await guard.confirm(gesture(true))).toBe('too-soon');
  });

  it('refuses what the page side reports at the click point, and refuses when it cannot tell', async () => {
    const covered = guardAt({ placement: 'covered' });
    covered.guard.visibilityChanged(true);
    covered.advance(MIN_VISIBLE_MS);
    expect(await covered.guard.confirm(gesture(true))).toBe('covered');
    const silent = guardAt({ placement: new Error('no answer') });
    silent.guard.visibilityChanged(true);
    silent.advance(MIN_VISIBLE_MS);
    expect(await silent.guard.confirm(gesture(true))).toBe('not-visible');
  });
});

describe('the sidebar frame', () => {
  const ruleSet = defaultRuleSet();
  const page = { adapterId: 'demo-his', ruleSets: [ruleSet], recipients: { [ruleSet.id]: 'Sociaal wijkteam' }, users: [], locale: 'nl' as const };

  function frame() {
    const posted: FromSidebarFrame[] = [];
    const sent: RequestMessage[] = [];
    const timers: Array<() => void> = [];
    let deliver: (message: ToSidebarFrame) => void = () => {};
    const views: Array<SidebarState | null> = [];
    const started = startSidebarFrame({
      channel: { postMessage: (message) => posted.push(message), onMessage: (listener) => (deliver = listener) },
      send: (async (message: RequestMessage) => {
        sent.push(message);
        return { ok: true, data: { referrals: [], suppressed: [] } };
      }) as unknown as SendMessage,
      render: (view) => views.push(view?.state ?? null),
      reportError: () => {},
      describeSubmitError: () => '',
      setTimeout: (callback) => timers.push(callback),
    });
    return { started, posted, sent, views, timers, deliver: (message: ToSidebarFrame) => deliver(message) };
  }

  it('takes the tab strip when told the page, opens the panel for a prompt once the GP pauses, and screens in its own name', async () => {
    const f = frame();
    f.deliver({ type: 'session', page });
    f.deliver({ type: 'patient', patient: { key: 'P-1001', name: 'Mila Voorbeeld', phone: '06-99990001', birthDate: '' }, practitioner: {} });
    await vi.waitFor(() => expect(f.sent).toEqual([{ type: 'patient/opened', adapterId: 'demo-his', patientKey: 'P-1001' }]));
    // The tab's strip is taken as soon as the page is known, so that a prompt never moves the EHR.
    expect(f.posted.filter((m) => m.type === 'layout')).toEqual([{ type: 'layout', layout: 'tab' }]);
    f.deliver({ type: 'triggers', matches: [{ ruleSetId: ruleSet.id, trigger: { kind: 'code', code: 'N01', baseCode: 'N01', title: { nl: 'Hoofdpijn', en: 'Headache' } } }] });
    await vi.waitFor(() => expect(f.views.at(-1)?.phase).toBe('questions'));
    expect(f.posted.filter((m) => m.type === 'layout')).toEqual([{ type: 'layout', layout: 'tab' }]);
    f.deliver({ type: 'typing-paused' });
    await vi.waitFor(() => expect(f.posted).toContainEqual({ type: 'layout', layout: 'panel' }));
    expect(layoutFor(f.views.at(-1)!)).toBe('panel');
  });

  it('matches placement answers to their questions and gives up on a silent content script', async () => {
    const f = frame();
    const first = f.started.askPlacement(1, 2);
    const second = f.started.askPlacement(3, 4);
    const ids = f.posted.filter((m): m is Extract<FromSidebarFrame, { type: 'placement?' }> => m.type === 'placement?').map((m) => m.id);
    f.deliver({ type: 'placement', id: ids[1]!, problem: 'covered' });
    await expect(second).resolves.toBe('covered');
    f.timers[0]!();
    await expect(first).rejects.toThrow(/did not answer/);
    expect(PLACEMENT_TIMEOUT_MS).toBeGreaterThan(0);
  });

  it('forgets the page and refuses pending questions when the content script goes away', async () => {
    const f = frame();
    f.deliver({ type: 'session', page });
    const pending = f.started.askPlacement(1, 2);
    f.started.disconnected();
    await expect(pending).rejects.toThrow();
    expect(f.views.at(-1)).toBeNull();
  });
});
