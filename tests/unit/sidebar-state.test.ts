import { describe, expect, it, vi } from 'vitest';
import type { ReferralStatus, RequestMessage, Response } from '../../extension/shared/messages';
import { isSidebarVisible, type SidebarState } from '../../extension/pages/sidebar/sidebar-state';
import { createSidebarController } from '../../extension/pages/sidebar/sidebar-controller';
import type { SendMessage } from '../../extension/shared/messages';
import type { PageContext } from '../../extension/shared/sidebar-channel';
import type { RuleSetMatch } from '../../extension/shared/rule-engine';
import { defaultRuleSet, lonelinessRuleSet } from './helpers';

const money = defaultRuleSet();
const lonely = { ...lonelinessRuleSet(), recurrence: undefined };
const N01: RuleSetMatch = { ruleSetId: money.id, trigger: { kind: 'code', code: 'N01', baseCode: 'N01', title: { nl: 'Hoofdpijn', en: 'Headache' } } };
const P06money: RuleSetMatch = { ruleSetId: money.id, trigger: { kind: 'code', code: 'P06', baseCode: 'P06', title: { nl: 'Slaapstoornis', en: 'Sleep disturbance' } } };
const P06lonely: RuleSetMatch = { ruleSetId: lonely.id, trigger: P06money.trigger };
const mila = { key: 'P-1001', name: 'Mila Voorbeeld', phone: '06-99990001', birthDate: '' };
const henk = { key: 'P-1002', name: 'Henk Proefhuis', phone: '06-99990002', birthDate: '' };
const nothingKnown = { ok: true, data: { referrals: [], suppressed: [] } } as const;

function status(overrides: Partial<ReferralStatus> = {}): ReferralStatus {
  return {
    referralId: '00000000-0000-4000-8000-000000000001',
    ruleSetId: money.id,
    state: 'delivered',
    createdAt: '2026-11-01T09:00:00Z',
    attempts: 1,
    recipient: 'Sociaal wijkteam Heuvelland',
    ...overrides,
  };
}

function setup(
  answer: (message: RequestMessage) => Response<unknown> | Promise<Response<unknown>> = () => nothingKnown,
  page: Partial<PageContext> = {},
  practitionerOnPage: { name?: string } = { name: 'dr. E. Denkbeeld' },
) {
  const sent: RequestMessage[] = [];
  const renders: SidebarState[] = [];
  const send = vi.fn(async (message: RequestMessage) => {
    sent.push(message);
    return answer(message);
  }) as unknown as SendMessage;
  const controller = createSidebarController({
    page: {
      adapterId: 'demo-his',
      ruleSets: [money, lonely],
      recipients: { [money.id]: 'Sociaal wijkteam Heuvelland', [lonely.id]: 'Sociaal wijkteam Heuvelland' },
      users: [],
      locale: 'nl',
      ...page,
    },
    send,
    render: (state) => renders.push(state),
    reportError: () => {},
    describeSubmitError: (response) => response.error.message,
  });
  // The content script reads the GP's name from the page with every patient it reports.
  const patientChanged = controller.patientChanged;
  controller.patientChanged = (patient, practitioner = practitionerOnPage) => patientChanged(patient, practitioner);
  return { controller, sent, renders };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Opens a patient and waits until the background said what it knows of them. */
async function open(controller: ReturnType<typeof setup>['controller'], patient = mila) {
  controller.patientChanged(patient);
  await vi.waitFor(() => expect(controller.state.historyLoaded).toBe(true));
}

describe('sidebar per patient', () => {
  it('appears on a trigger for an open patient and not without one', async () => {
    const { controller } = setup();
    controller.triggersFound([N01]);
    expect(isSidebarVisible(controller.state)).toBe(false);
    await open(controller);
    controller.triggersFound([N01]);
    expect(controller.state).toMatchObject({ phase: 'questions', fired: [N01], patientKey: 'P-1001' });
    expect(isSidebarVisible(controller.state)).toBe(true);
  });

  it('waits for what the background knows before prompting for a trigger already on screen', async () => {
    let answerLookup!: (value: Response<unknown>) => void;
    const { controller } = setup((message) => (message.type === 'patient/opened' ? new Promise((resolve) => (answerLookup = resolve)) : nothingKnown));
    controller.patientChanged(mila);
    controller.triggersFound([N01]);
    expect(isSidebarVisible(controller.state)).toBe(false);
    answerLookup({ ok: true, data: { referrals: [], suppressed: [{ ruleSetId: money.id, reason: 'cooldown', until: '2027-02-01T00:00:00Z' }] } });
    await settle();
    expect(controller.state).toMatchObject({ historyLoaded: true, phase: 'idle', fired: [] });
  });

  it('forgets every answer, field and status of the previous patient on a switch', async () => {
    const { controller } = setup();
    await open(controller);
    controller.triggersFound([N01]);
    controller.actions.answer('make-ends-meet', 'yes');
    controller.actions.goToConsent();
    controller.actions.editForm({ phone: '06-99990009', note: 'alleen voor Mila', consentGiven: true });

    controller.patientChanged(henk);
    const state = controller.state;
    expect(state.patientKey).toBe('P-1002');
    expect(state.phase).toBe('idle');
    expect(state.answers).toEqual({});
    expect(state.form).toMatchObject({ name: 'Henk Proefhuis', phone: '06-99990002', note: '', consentGiven: false });
    expect(JSON.stringify(state)).not.toMatch(/Mila|99990009|alleen voor/);
    expect(isSidebarVisible(state)).toBe(false);
  });

  it('does not show a referral answer that arrives after the GP opened the next patient', async () => {
    let answerSubmit!: (value: Response<unknown>) => void;
    const { controller, sent } = setup((message) => (message.type === 'referral/submit' ? new Promise((resolve) => (answerSubmit = resolve)) : nothingKnown));
    await open(controller);
    controller.triggersFound([N01]);
    controller.actions.answer('make-ends-meet', 'yes');
    controller.actions.goToConsent();
    controller.actions.editForm({ consentGiven: true });
    controller.actions.submit();
    expect(sent.find((m) => m.type === 'referral/submit')).toMatchObject({
      adapterId: 'demo-his',
      patientKey: 'P-1001',
      ruleSetIds: [money.id],
      referral: { patient: { name: 'Mila Voorbeeld', phone: '06-99990001' }, practitioner: { name: 'dr. E. Denkbeeld' }, lifeDomains: ['daily-functioning'] },
    });

    await open(controller, henk);
    answerSubmit({ ok: true, data: [status({ state: 'queued' })] });
    await settle();
    expect(controller.state).toMatchObject({ patientKey: 'P-1002', phase: 'idle', referrals: [] });
    expect(isSidebarVisible(controller.state)).toBe(false);
  });

  it('cannot submit before consent is ticked', async () => {
    const { controller, sent } = setup();
    await open(controller);
    controller.triggersFound([N01]);
    controller.actions.answer('make-ends-meet', 'yes');
    controller.actions.goToConsent();
    controller.actions.submit();
    expect(sent.some((m) => m.type === 'referral/submit')).toBe(false);
    expect(controller.state.phase).toBe('consent');
  });

  it('keeps a dismissed prompt away for that patient for the rest of the consult, with the reason recorded', async () => {
    const { controller, sent } = setup();
    await open(controller);
    controller.triggersFound([N01]);
    controller.actions.dismiss('not-relevant');
    expect(isSidebarVisible(controller.state)).toBe(false);
    controller.triggersFound([N01]);
    expect(isSidebarVisible(controller.state)).toBe(false);

    await open(controller, henk);
    controller.triggersFound([N01]);
    expect(isSidebarVisible(controller.state)).toBe(true);

    controller.patientChanged(mila);
    controller.triggersFound([N01]);
    expect(isSidebarVisible(controller.state)).toBe(false);
    expect(sent).toContainEqual({
      type: 'screening/recorded',
      adapterId: 'demo-his',
      patientKey: 'P-1001',
      ruleSetIds: [money.id],
      outcome: 'dismissed',
      reason: 'not-relevant',
      trigger: { kind: 'code', baseCode: 'N01' },
      answers: {},
      practitioner: { name: 'dr. E. Denkbeeld' },
      // For the assistant's list of prompts put aside today.
      patientName: 'Mila Voorbeeld',
    });
  });

  it('shows an earlier referral instead of asking again for that rule set', async () => {
    const earlier = status();
    const { controller } = setup(() => ({ ok: true, data: { referrals: [earlier], suppressed: [{ ruleSetId: money.id, reason: 'open-referral' }] } }));
    await open(controller);
    expect(controller.state.earlierReferrals).toEqual([earlier]);
    controller.triggersFound([N01]);
    expect(controller.state).toMatchObject({ phase: 'idle', expanded: false });
    expect(isSidebarVisible(controller.state)).toBe(true);
  });

  it('ignores a lookup that answers after the GP opened another patient', async () => {
    const lookups = new Map<string, (value: Response<unknown>) => void>();
    const { controller } = setup((message) =>
      message.type === 'patient/opened' ? new Promise((resolve) => lookups.set(message.patientKey, resolve)) : { ok: true, data: {} },
    );
    controller.patientChanged(mila);
    await vi.waitFor(() => expect(lookups.has('P-1001')).toBe(true));
    controller.patientChanged(henk);
    lookups.get('P-1001')!({ ok: true, data: { referrals: [status()], suppressed: [] } });
    await settle();
    expect(controller.state).toMatchObject({ patientKey: 'P-1002', earlierReferrals: [] });
    expect(isSidebarVisible(controller.state)).toBe(false);
  });
});

describe('two rule sets firing together', () => {
  it('make one prompt with each question once, and refer for each positive rule set in one submit', async () => {
    const { controller, sent } = setup((message) =>
      message.type === 'referral/submit'
        ? { ok: true, data: [status(), status({ referralId: '00000000-0000-4000-8000-000000000002', ruleSetId: lonely.id })] }
        : nothingKnown,
    );
    await open(controller);
    controller.triggersFound([P06money, P06lonely]);
    expect(controller.state.fired.map((m) => m.ruleSetId)).toEqual([money.id, lonely.id]);
    controller.triggersFound([P06lonely, N01]);
    expect(controller.state.fired).toHaveLength(2);

    for (const question of ['make-ends-meet', 'often-alone', 'misses-people']) controller.actions.answer(question, 'yes');
    controller.actions.goToConsent();
    expect(controller.state.form.lifeDomains).toEqual(['daily-functioning', 'participation', 'meaningfulness']);
    controller.actions.editForm({ consentGiven: true });
    controller.actions.submit();
    expect(sent.find((m) => m.type === 'referral/submit')).toMatchObject({ ruleSetIds: [money.id, lonely.id] });
    await settle();
    expect(controller.state.phase).toBe('referral');
    expect(controller.state.referrals).toHaveLength(2);
  });

  it('refer only for the rule sets that are positive', async () => {
    const { controller, sent } = setup();
    await open(controller);
    controller.triggersFound([P06money, P06lonely]);
    controller.actions.answer('make-ends-meet', 'yes');
    controller.actions.answer('often-alone', 'yes');
    controller.actions.goToConsent();
    controller.actions.editForm({ consentGiven: true });
    controller.actions.submit();
    expect(sent.find((m) => m.type === 'referral/submit')).toMatchObject({ ruleSetIds: [money.id] });
  });

  it('keep a suppressed rule set out while another still prompts', async () => {
    const { controller } = setup(() => ({ ok: true, data: { referrals: [], suppressed: [{ ruleSetId: lonely.id, reason: 'cooldown', until: '2027-01-01T00:00:00Z' }] } }));
    await open(controller);
    controller.triggersFound([P06lonely, P06money]);
    expect(controller.state.fired.map((m) => m.ruleSetId)).toEqual([money.id]);
  });

  it('record a negative screen for every rule set that fired', async () => {
    const { controller, sent } = setup();
    await open(controller);
    controller.triggersFound([P06money, P06lonely]);
    for (const question of ['make-ends-meet', 'sleep-money-worries', 'unopened-mail', 'often-alone', 'misses-people', 'wants-more-contact']) controller.actions.answer(question, 'no');
    controller.actions.closeNegative();
    expect(sent.find((m) => m.type === 'screening/recorded')).toMatchObject({ outcome: 'negative', ruleSetIds: [money.id, lonely.id] });
  });
});

describe('who records consent', () => {
  const users = [
    { id: 'ans', name: 'A. Assistent', role: 'assistant' as const },
    { id: 'huisarts', name: 'dr. H. Verzonnen', role: 'gp' as const, agb: '01999002' },
  ];

  async function toConsent(controller: ReturnType<typeof setup>['controller']) {
    await open(controller);
    controller.triggersFound([N01]);
    controller.actions.answer('make-ends-meet', 'yes');
    controller.actions.goToConsent();
  }

  it('is the GP the page shows, when it shows one', async () => {
    const { controller } = setup(undefined, { users });
    await toConsent(controller);
    expect(controller.state.referrer).toEqual({ name: 'dr. E. Denkbeeld' });
  });

  it('is the practice\'s only GP when the page does not say, and can be chosen from the users', async () => {
    const { controller } = setup(undefined, { users }, {});
    await toConsent(controller);
    expect(controller.state.referrer).toEqual({ name: 'dr. H. Verzonnen', agb: '01999002' });
    controller.actions.chooseReferrer('ans');
    expect(controller.state.referrer).toEqual({ name: 'A. Assistent' });
  });
});

describe('opening a prompt without moving the EHR under the GP', () => {
  it('shows a prompt in the tab and opens the panel only once the GP pauses typing', async () => {
    const { controller } = setup();
    await open(controller, mila);
    controller.triggersFound([N01]);
    expect(controller.state).toMatchObject({ phase: 'questions', expanded: false, openWhenPaused: true });
    controller.typingPaused();
    expect(controller.state).toMatchObject({ expanded: true, openWhenPaused: false });
  });

  it('opens the panel for triggers that waited for the patient\'s history when the pause came first', async () => {
    let answerHistory: (value: Response<unknown>) => void = () => {};
    const { controller } = setup((message) => (message.type === 'patient/opened' ? new Promise((resolve) => (answerHistory = resolve)) : nothingKnown));
    controller.patientChanged(mila);
    controller.triggersFound([N01]);
    controller.typingPaused();
    expect(controller.state).toMatchObject({ phase: 'idle', expanded: false });
    answerHistory(nothingKnown);
    await vi.waitFor(() => expect(controller.state).toMatchObject({ phase: 'questions', expanded: true }));
  });

  it('leaves a panel the GP closed closed, and a new trigger waits for a new pause', async () => {
    const { controller } = setup();
    await open(controller, mila);
    controller.triggersFound([N01]);
    controller.actions.toggle();
    controller.actions.toggle();
    expect(controller.state.expanded).toBe(false);
    controller.typingPaused();
    expect(controller.state.expanded).toBe(false);
  });
});
