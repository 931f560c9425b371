// @vitest-environment happy-dom
/**
 * The way back in the sidebar: what the social team reported shows, quietly, when the patient is
 * opened again; an overdue callback is flagged; consent can be withdrawn, only with a real click.
 */
import { cleanup, fireEvent, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { feedbackSentence } from '../../extension/pages/sidebar/ReferralStatusView';
import { translatorFromBundle } from '../../extension/shared/i18n';
import type { SidebarGuard } from '../../extension/pages/sidebar/click-guard';
import type { ReferralStatus, RequestMessage } from '../../extension/shared/messages';
import type { ReferralFeedback } from '../../contract/referral-status';
import nl from '../../extension/public/_locales/nl/messages.json';
import en from '../../extension/public/_locales/en/messages.json';
import { defaultRuleSet } from './helpers';
import { mountSidebar } from './sidebar-harness';

const ruleSet = defaultRuleSet();

const delivered: ReferralStatus = {
  referralId: '00000000-0000-4000-8000-00000000f001',
  ruleSetId: ruleSet.id,
  state: 'delivered',
  createdAt: '2026-11-25T10:00:00Z',
  deliveredAt: '2026-11-25T10:00:05Z',
  attempts: 1,
  recipient: 'Sociaal wijkteam Heuvelland',
};

const handled: ReferralFeedback = {
  taskStatus: 'completed',
  businessStatus: 'handled-with-partners',
  businessStatusText: 'Opgepakt door het sociaal team met partners',
  contactedAt: '2026-11-27T10:15:00+01:00',
  failedAttempts: 0,
  outcome: 'handled-with-partners',
  partners: ['credit-bank', 'language-help'],
  noteForGp: 'Afspraak met budgetcoach op 3 december.',
  callbackDueBy: '2026-11-27T23:00:00Z',
  lastModified: '2026-11-27T10:20:00+01:00',
};

async function openPatient(referrals: ReferralStatus[], options: { guard?: SidebarGuard; withdrawAnswer?: (message: RequestMessage) => unknown; locale?: 'nl' | 'en' } = {}) {
  return mountSidebar({
    ...(options.locale ? { locale: options.locale } : {}),
    ...(options.guard ? { guard: options.guard } : {}),
    answer: (message) => {
      if (message.type === 'patient/opened') return { ok: true, data: { referrals, suppressed: [{ ruleSetId: ruleSet.id, reason: 'open-referral' }] } };
      if (message.type === 'referral/withdraw') return options.withdrawAnswer?.(message) ?? { ok: true, data: { ...referrals[0]!, withdrawal: { withdrawnAt: '2026-11-27T11:00:00Z', state: 'queued' } } };
      return { ok: true, data: {} };
    },
  });
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(cleanup);

describe('what the social team reported, in the sidebar', () => {
  it('says it in one sentence, in Dutch and in English', () => {
    expect(feedbackSentence(handled, 'nl', translatorFromBundle(nl))).toBe('Gebeld op 27 nov, opgepakt door het sociaal team met partners.');
    expect(feedbackSentence(handled, 'en', translatorFromBundle(en))).toBe('Called on 27 Nov, taken up by the social team with partners.');
    expect(feedbackSentence({ ...handled, contactedAt: null, outcome: null, failedAttempts: 2, taskStatus: 'in-progress', businessStatus: 'contact-attempted' }, 'nl', translatorFromBundle(nl))).toBe(
      'Nog niet bereikt (2 × gebeld).',
    );
    expect(feedbackSentence({ ...handled, contactedAt: null, outcome: null, taskStatus: 'in-progress', businessStatus: null, businessStatusText: 'In behandeling bij team Noord' }, 'nl', translatorFromBundle(nl))).toBe(
      'In behandeling bij team Noord.',
    );
  });

  it('shows the outcome, partners and note quietly in the tab when the patient is opened again', async () => {
    await openPatient([{ ...delivered, feedback: handled, feedbackCheckedAt: '2026-11-27T10:30:00Z' }]);
    const tab = screen.getByRole('button', { name: 'Vroegsignaal openen: terugkoppeling van het sociaal team' });
    expect(tab.textContent).toBe('Vroegsignaal · terugkoppeling');
    expect(screen.queryByText(/opgepakt door het sociaal team/)).toBeNull();
    fireEvent.click(tab);
    expect(screen.getByText('Gebeld op 27 nov, opgepakt door het sociaal team met partners.')).toBeTruthy();
    expect(screen.getByText('Partners: Kredietbank, taalhulp')).toBeTruthy();
    expect(screen.getByText('Afspraak met budgetcoach op 3 december.').tagName).toBe('BDI');
  });

  it('flags a callback that is overdue', async () => {
    await openPatient([{ ...delivered, overdue: true, feedback: { ...handled, taskStatus: 'received', businessStatus: 'received', contactedAt: null, outcome: null, partners: [], noteForGp: null } }]);
    fireEvent.click(screen.getByRole('button', { name: /terugkoppeling/ }));
    expect(screen.getByText(/Te laat: het sociaal team heeft de patiënt na 2 werkdagen nog niet gesproken/)).toBeTruthy();
    expect(screen.getByText('Ontvangen door het sociaal team, nog niet gebeld.')).toBeTruthy();
  });

  it('asks for a token check, instead of retrying, when the receiver refuses the token', async () => {
    await openPatient([{ ...delivered, state: 'failed', lastError: { kind: 'auth', httpStatus: 401, detail: 'token refused' } }]);
    fireEvent.click(screen.getByRole('button', { name: /openen/ }));
    expect(screen.getByText(/Aandacht nodig: Sociaal wijkteam Heuvelland weigert de toegangssleutel/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Nu opnieuw proberen' })).toBeNull();
  });
});

describe('withdrawing consent', () => {
  it('asks first, then withdraws this referral for this patient and shows that the team is being told', async () => {
    const { sent } = await openPatient([{ ...delivered, feedback: handled }]);
    fireEvent.click(screen.getByRole('button', { name: /terugkoppeling/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Toestemming intrekken…' }));
    expect(sent.some((message) => message.type === 'referral/withdraw')).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Ja, toestemming intrekken' }));
    await settled();
    expect(sent.filter((message) => message.type === 'referral/withdraw')).toEqual([
      { type: 'referral/withdraw', adapterId: 'demo-his', patientKey: 'P-1001', referralId: delivered.referralId, practitioner: { name: 'dr. E. Denkbeeld', agb: '01999001' } },
    ]);
    expect(await screen.findByText(/Toestemming ingetrokken op 27 november 2026; wordt aan het sociaal team doorgegeven/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Toestemming intrekken…' })).toBeNull();
  });

  it('withdraws nothing when the guard refuses the click, and says why', async () => {
    const refusing: SidebarGuard = { trusted: () => true, confirm: async () => 'covered' };
    const { sent } = await openPatient([delivered], { guard: refusing });
    fireEvent.click(screen.getByRole('button', { name: /openen/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Toestemming intrekken…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Ja, toestemming intrekken' }));
    await settled();
    expect(sent.some((message) => message.type === 'referral/withdraw')).toBe(false);
    expect(screen.getByRole('alert').textContent).toMatch(/^Niet ingetrokken: /);
  });

  it('says so when the background could not withdraw', async () => {
    await openPatient([delivered], { withdrawAnswer: () => ({ ok: false, error: { code: 'unavailable', message: 'database gesloten' } }) });
    fireEvent.click(screen.getByRole('button', { name: /openen/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Toestemming intrekken…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Ja, toestemming intrekken' }));
    expect(await screen.findByText('Intrekken is niet gelukt: database gesloten')).toBeTruthy();
  });

  it('shows a referral withdrawn before it was sent as never sent', async () => {
    await openPatient([{ ...delivered, state: 'withdrawn', withdrawnAt: '2026-11-26T09:00:00Z', deliveredAt: undefined } as ReferralStatus]);
    fireEvent.click(screen.getByRole('button', { name: /openen/ }));
    expect(screen.getByText(/Toestemming ingetrokken op 26 november 2026: de verwijzing is niet verstuurd/)).toBeTruthy();
  });
});
