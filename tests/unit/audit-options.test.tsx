// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditExport } from '../../extension/shared/audit';
import type { RequestMessage, Response, SendMessage } from '../../extension/shared/messages';
import { createSidebarController } from '../../extension/pages/sidebar/sidebar-controller';
import type { PageContext } from '../../extension/shared/sidebar-channel';
import { baseView, geldzorgen, mount } from './options-harness';

// The options page's audit-log section (export with the chain check, this workstation's name, the
// retention terms) and the sidebar's "prompt shown" message, with fake backgrounds.

afterEach(cleanup);

const WORKSTATION = { id: '3f2a9c1e-0000-4000-8000-000000000001' };

function exported(verification: AuditExport['verification'], fileName = 'vroegsignaal-auditlog-3f2a9c1e-2026-11-23.csv'): Response<AuditExport> {
  return { ok: true, data: { fileName, text: 'seq\r\n', mediaType: 'text/csv;charset=utf-8', verification, exported: verification.count } };
}

/** A paragraph whose whole text is `text` (values inside it sit in elements of their own). */
function paragraph(text: string) {
  return (_content: string, element: Element | null) => element?.tagName === 'P' && element.textContent === text;
}

function auditSection() {
  return within(screen.getByRole('region', { name: 'Auditlog' }));
}

describe('options page: audit log', () => {
  it('exports the chosen period after the chain check and says the chain is unbroken', async () => {
    const { sent, log } = await mount(baseView(), {
      'options/audit-info': () => ({ ok: true, data: { workstation: WORKSTATION, entries: 412 } }),
      'options/export-audit': () => exported({ ok: true, count: 412, head: 'f'.repeat(64) }),
    });
    const section = auditSection();
    await section.findByText(paragraph('De log heeft nu 412 regels.'));
    fireEvent.input(section.getByLabelText('Van'), { target: { value: '2026-11-01' } });
    fireEvent.input(section.getByLabelText('Tot en met'), { target: { value: '2026-11-30' } });
    fireEvent.click(section.getByRole('button', { name: 'CSV downloaden' }));
    const result = await section.findByRole('status');
    expect(result.textContent).toBe('Keten gecontroleerd: 412 regels, onbroken.');
    expect(sent.at(-1)).toEqual({ type: 'options/export-audit', format: 'csv', from: '2026-11-01', to: '2026-11-30' });
    expect(log.at(-1)).toBe('download vroegsignaal-auditlog-3f2a9c1e-2026-11-23.csv 5');
  });

  it('still downloads a broken chain, and alerts where it broke and how', async () => {
    const { log } = await mount(baseView(), {
      'options/audit-info': () => ({ ok: true, data: { workstation: WORKSTATION, entries: 40 } }),
      'options/export-audit': () => exported({ ok: false, count: 40, firstBad: { seq: 17, reason: 'deleted' } }, 'log.jsonl'),
    });
    fireEvent.click(auditSection().getByRole('button', { name: 'JSON Lines downloaden' }));
    const alert = await auditSection().findByRole('alert');
    expect(alert.textContent).toContain('Keten gebroken bij regel 17 (verwijderd).');
    expect(log.at(-1)).toBe('download log.jsonl 5');
  });

  it('speaks English too', async () => {
    await mount(
      baseView(),
      {
        'options/audit-info': () => ({ ok: true, data: { workstation: WORKSTATION, entries: 3 } }),
        'options/export-audit': () => exported({ ok: false, count: 3, firstBad: { seq: 2, reason: 'reordered' } }),
      },
      { locale: 'en' },
    );
    const section = within(screen.getByRole('region', { name: 'Audit log' }));
    fireEvent.click(section.getByRole('button', { name: 'Download CSV' }));
    expect((await section.findByRole('alert')).textContent).toContain('Chain broken at entry 2 (reordered).');
  });

  it('names this workstation, showing its fixed code', async () => {
    const { sent } = await mount(baseView(), {
      'options/audit-info': () => ({ ok: true, data: { workstation: WORKSTATION, entries: 0 } }),
      'options/name-workstation': (message) => ({ ok: true, data: { ...WORKSTATION, name: message.name } }),
    });
    const section = auditSection();
    await section.findByText(WORKSTATION.id);
    fireEvent.input(section.getByLabelText('Naam van deze werkplek'), { target: { value: ' Spreekkamer 2 ' } });
    fireEvent.click(section.getByRole('button', { name: 'Naam opslaan' }));
    await waitFor(() => expect(sent.at(-1)).toEqual({ type: 'options/name-workstation', name: 'Spreekkamer 2' }));
  });

  it('saves the retention terms with the practice, leaving defaults out, and refuses an audit term under five years', async () => {
    const view = baseView({ practice: { value: { name: 'Huisartsenpraktijk Voorbeeld', agb: '01999002' }, source: 'saved' } });
    const { sent } = await mount(view, { 'options/audit-info': () => ({ ok: true, data: { workstation: WORKSTATION, entries: 0 } }) });
    const section = auditSection();
    expect(section.getByLabelText<HTMLInputElement>('Persoonsgegevens bewaren (dagen)').value).toBe('365');
    expect(section.getByLabelText<HTMLInputElement>('Auditlog bewaren (jaren)').value).toBe('5');

    fireEvent.input(section.getByLabelText('Auditlog bewaren (jaren)'), { target: { value: '3' } });
    fireEvent.click(section.getByRole('button', { name: 'Bewaartermijnen opslaan' }));
    expect(await section.findByText(paragraph('Vul een heel getal in tussen 5 en 20.'))).toBeTruthy();
    expect(sent.some((message) => message.type === 'options/save-practice')).toBe(false);

    fireEvent.input(section.getByLabelText('Auditlog bewaren (jaren)'), { target: { value: '7' } });
    fireEvent.input(section.getByLabelText('Persoonsgegevens bewaren (dagen)'), { target: { value: '365' } });
    fireEvent.click(section.getByRole('button', { name: 'Bewaartermijnen opslaan' }));
    await waitFor(() =>
      expect(sent.at(-1)).toEqual({ type: 'options/save-practice', practice: { name: 'Huisartsenpraktijk Voorbeeld', agb: '01999002', retention: { auditLogYears: 7 } } }),
    );
  });

  it('keeps the retention terms when the practice’s name is saved', async () => {
    const view = baseView({ practice: { value: { name: 'Praktijk', retention: { personalDataDays: 90 } }, source: 'saved' } });
    const { sent } = await mount(view, { 'options/audit-info': () => ({ ok: true, data: { workstation: WORKSTATION, entries: 0 } }) });
    const practice = within(screen.getByRole('region', { name: 'Praktijk' }));
    fireEvent.click(practice.getByRole('button', { name: /opslaan/i }));
    await waitFor(() => expect(sent.at(-1)).toEqual({ type: 'options/save-practice', practice: { name: 'Praktijk', retention: { personalDataDays: 90 } } }));
  });
});

describe('sidebar: prompt shown', () => {
  const page = { adapterId: 'demo-his', ruleSets: [geldzorgen], locale: 'nl', users: [], recipients: {} } as unknown as PageContext;
  const N01 = { ruleSetId: geldzorgen.id, trigger: { kind: 'code', code: 'N01', baseCode: 'N01' } } as never;

  it('tells the background once per patient and rule set in a consult, when the prompt becomes visible', async () => {
    const sent: RequestMessage[] = [];
    const send = (async (message: RequestMessage) => {
      sent.push(message);
      if (message.type === 'patient/opened') return { ok: true, data: { referrals: [], suppressed: [] } };
      return { ok: true, data: { recorded: true } };
    }) as SendMessage;
    const controller = createSidebarController({ page, send, render: () => {}, reportError: () => {}, describeSubmitError: () => '' });
    const shown = () => sent.filter((message) => message.type === 'prompt/shown');

    controller.patientChanged({ key: 'P-1001', name: 'Mila Voorbeeld', phone: '06-99990001' } as never, { name: 'dr. E. Denkbeeld' });
    await waitFor(() => expect(controller.state.historyLoaded).toBe(true));
    expect(shown()).toEqual([]);
    controller.triggersFound([N01]);
    controller.triggersFound([N01]);
    controller.actions.toggle();
    controller.actions.toggle();
    expect(shown()).toEqual([
      { type: 'prompt/shown', adapterId: 'demo-his', patientKey: 'P-1001', ruleSetIds: [geldzorgen.id], trigger: { kind: 'code', baseCode: 'N01' }, practitioner: { name: 'dr. E. Denkbeeld' } },
    ]);
    // Nothing about the patient but the EHR key, which the background pseudonymises.
    expect(JSON.stringify(shown())).not.toMatch(/Mila|06-/);

    controller.patientChanged({ key: 'P-1002', name: 'Henk', phone: '' } as never);
    await waitFor(() => expect(controller.state.historyLoaded).toBe(true));
    controller.triggersFound([N01]);
    controller.patientChanged({ key: 'P-1001', name: 'Mila Voorbeeld', phone: '06-99990001' } as never);
    await waitFor(() => expect(controller.state.historyLoaded).toBe(true));
    controller.triggersFound([N01]);
    expect(shown().map((message) => (message as { patientKey: string }).patientKey)).toEqual(['P-1001', 'P-1002']);
  });
});
