import { describe, expect, it, vi } from 'vitest';
import type { RequestMessage, Response } from '../../extension/shared/messages';
import { isSidebarVisible, type SidebarState } from '../../extension/content/sidebar/sidebar-state';
import { createSidebarController, type SendMessage } from '../../extension/content/sidebar/sidebar-controller';
import type { Trigger } from '../../extension/shared/rule-engine';
import { defaultRuleSet } from './helpers';

const ruleSet = defaultRuleSet();
const N01: Trigger = { kind: 'code', code: 'N01', baseCode: 'N01', title: { nl: 'Hoofdpijn', en: 'Headache' } };
const mila = { key: 'P-1001', name: 'Mila Voorbeeld', phone: '06-99990001' };
const henk = { key: 'P-1002', name: 'Henk Proefhuis', phone: '06-99990002' };

function setup(answer: (message: RequestMessage) => Response<unknown> = () => ({ ok: true, data: { latestReferral: null } })) {
  const sent: RequestMessage[] = [];
  const renders: SidebarState[] = [];
  const send = vi.fn(async (message: RequestMessage) => {
    sent.push(message);
    return answer(message);
  }) as unknown as SendMessage;
  const controller = createSidebarController({
    ruleSet,
    locale: 'nl',
    send,
    readPractitioner: () => ({ name: 'dr. E. Denkbeeld' }),
    render: (state) => renders.push(state),
    reportError: () => {},
    describeSubmitError: (response) => response.error.message,
  });
  return { controller, sent, renders };
}

describe('sidebar per patient', () => {
  it('appears on a trigger for an open patient and not without one', () => {
    const { controller } = setup();
    controller.triggersFound([N01]);
    expect(isSidebarVisible(controller.state)).toBe(false);
    controller.patientChanged(mila);
    controller.triggersFound([N01]);
    expect(controller.state).toMatchObject({ phase: 'questions', trigger: N01, patientKey: 'P-1001' });
    expect(isSidebarVisible(controller.state)).toBe(true);
  });

  it('forgets every answer, field and status of the previous patient on a switch', () => {
    const { controller } = setup();
    controller.patientChanged(mila);
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
    const { controller, sent } = setup((message) =>
      message.type === 'referral/submit'
        ? (new Promise((resolve) => (answerSubmit = resolve)) as never)
        : { ok: true, data: { latestReferral: null } },
    );
    controller.patientChanged(mila);
    controller.triggersFound([N01]);
    controller.actions.answer('make-ends-meet', 'yes');
    controller.actions.goToConsent();
    controller.actions.editForm({ consentGiven: true });
    controller.actions.submit();
    expect(sent.find((m) => m.type === 'referral/submit')).toMatchObject({
      patientKey: 'P-1001',
      referral: { patient: { name: 'Mila Voorbeeld', phone: '06-99990001' }, practitioner: { name: 'dr. E. Denkbeeld' } },
    });

    controller.patientChanged(henk);
    answerSubmit({ ok: true, data: { referralId: '00000000-0000-4000-8000-000000000001', state: 'queued', createdAt: '2026-11-23T10:00:00Z', attempts: 0, recipient: 'x' } });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(controller.state).toMatchObject({ patientKey: 'P-1002', phase: 'idle', referral: null });
    expect(isSidebarVisible(controller.state)).toBe(false);
  });

  it('cannot submit before consent is ticked', () => {
    const { controller, sent } = setup();
    controller.patientChanged(mila);
    controller.triggersFound([N01]);
    controller.actions.answer('make-ends-meet', 'yes');
    controller.actions.goToConsent();
    controller.actions.submit();
    expect(sent.some((m) => m.type === 'referral/submit')).toBe(false);
    expect(controller.state.phase).toBe('consent');
  });

  it('keeps a dismissed prompt away for that patient for the rest of the consult, with the reason recorded', async () => {
    const { controller, sent } = setup();
    controller.patientChanged(mila);
    controller.triggersFound([N01]);
    controller.actions.dismiss('not-relevant');
    expect(isSidebarVisible(controller.state)).toBe(false);
    controller.triggersFound([N01]);
    expect(isSidebarVisible(controller.state)).toBe(false);

    controller.patientChanged(henk);
    controller.triggersFound([N01]);
    expect(isSidebarVisible(controller.state)).toBe(true);

    controller.patientChanged(mila);
    controller.triggersFound([N01]);
    expect(isSidebarVisible(controller.state)).toBe(false);
    expect(sent).toContainEqual({ type: 'screening/recorded', patientKey: 'P-1001', outcome: 'dismissed', reason: 'not-relevant', trigger: { kind: 'code', baseCode: 'N01' } });
  });

  it('shows an earlier referral instead of asking again', async () => {
    const earlier = { referralId: '00000000-0000-4000-8000-000000000001', state: 'delivered' as const, createdAt: '2026-11-01T09:00:00Z', attempts: 1, recipient: 'Sociaal wijkteam (demo)' };
    const { controller } = setup(() => ({ ok: true, data: { latestReferral: earlier } }));
    controller.patientChanged(mila);
    await vi.waitFor(() => expect(controller.state.earlierReferral).toEqual(earlier));
    controller.triggersFound([N01]);
    expect(controller.state).toMatchObject({ phase: 'idle', expanded: false });
    expect(isSidebarVisible(controller.state)).toBe(true);
  });

  it('ignores an earlier-referral lookup that answers after the GP opened another patient', async () => {
    const earlier = { referralId: '00000000-0000-4000-8000-000000000001', state: 'delivered' as const, createdAt: '2026-11-01T09:00:00Z', attempts: 1, recipient: 'x' };
    const lookups = new Map<string, (value: Response<unknown>) => void>();
    const { controller } = setup((message) =>
      message.type === 'patient/opened' ? (new Promise((resolve) => lookups.set(message.patientKey, resolve)) as never) : { ok: true, data: {} },
    );
    controller.patientChanged(mila);
    await vi.waitFor(() => expect(lookups.has('P-1001')).toBe(true));
    controller.patientChanged(henk);
    lookups.get('P-1001')!({ ok: true, data: { latestReferral: earlier } });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(controller.state).toMatchObject({ patientKey: 'P-1002', earlierReferral: null });
    expect(isSidebarVisible(controller.state)).toBe(false);
  });
});
