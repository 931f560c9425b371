/**
 * The way back in the FHIR Task: what status each stage of the social team's work gives, and that
 * what the receiver writes is what the extension reads — also from a server that knows none of our codes.
 */
import { describe, expect, it } from 'vitest';
import {
  businessStatusFor,
  readTaskFeedback,
  taskFeedbackFields,
  taskFromSearchBundle,
  taskSearchUrl,
  taskStatusFor,
  type ReferralProgress,
} from '../../contract/referral-status';

const fresh: ReferralProgress = { contactedAt: null, failedAttempts: 0, outcome: null, partners: [], noteForGp: null, withdrawn: false };

describe('Task status for the social team\'s progress', () => {
  it.each([
    ['just arrived', fresh, 'received', 'received'],
    ['called once without reaching the patient', { ...fresh, failedAttempts: 1 }, 'in-progress', 'contact-attempted'],
    ['reached', { ...fresh, contactedAt: '2026-11-27T10:15:00+01:00' }, 'in-progress', 'contacted'],
    ['handled with partners', { ...fresh, contactedAt: '2026-11-27T10:15:00+01:00', outcome: 'handled-with-partners' }, 'completed', 'handled-with-partners'],
    ['passed to the credit bank', { ...fresh, contactedAt: '2026-11-27T10:15:00+01:00', outcome: 'passed-to-credit-bank' }, 'completed', 'passed-to-credit-bank'],
    ['already known at the credit bank', { ...fresh, contactedAt: '2026-11-27T10:15:00+01:00', outcome: 'known-at-credit-bank' }, 'completed', 'known-at-credit-bank'],
    ['declined help (an answer too)', { ...fresh, contactedAt: '2026-11-27T10:15:00+01:00', outcome: 'declined' }, 'completed', 'declined'],
    ['never reachable', { ...fresh, failedAttempts: 3, outcome: 'not-reachable' }, 'failed', 'not-reachable'],
    ['consent withdrawn, whatever happened before', { ...fresh, failedAttempts: 2, withdrawn: true }, 'cancelled', 'consent-withdrawn'],
  ] as const)('%s → %s / %s', (_stage, progress, status, business) => {
    expect(taskStatusFor(progress)).toBe(status);
    expect(businessStatusFor(progress)).toBe(business);
  });
});

describe('feedback written by the receiver, read by the extension', () => {
  it('survives the round trip through a Task with every field', () => {
    const progress: ReferralProgress = {
      contactedAt: '2026-11-27T10:15:00+01:00',
      failedAttempts: 1,
      outcome: 'handled-with-partners',
      partners: ['credit-bank', 'language-help'],
      noteForGp: 'Afspraak met budgetcoach op 3 december.',
      withdrawn: false,
    };
    const task = { resourceType: 'Task', intent: 'order', ...taskFeedbackFields(progress, '2026-11-27T10:20:00+01:00', '2026-12-01T23:00:00.000Z') };
    expect(task.status).toBe('completed');
    expect(readTaskFeedback(task)).toEqual({
      taskStatus: 'completed',
      businessStatus: 'handled-with-partners',
      businessStatusText: 'Opgepakt door het sociaal team met partners',
      contactedAt: '2026-11-27T10:15:00+01:00',
      failedAttempts: 1,
      outcome: 'handled-with-partners',
      partners: ['credit-bank', 'language-help'],
      noteForGp: 'Afspraak met budgetcoach op 3 december.',
      callbackDueBy: '2026-12-01T23:00:00.000Z',
      lastModified: '2026-11-27T10:20:00+01:00',
    });
  });

  it('reads a plain Task from another FHIR server: status and its words, nothing invented', () => {
    const foreign = { resourceType: 'Task', status: 'in-progress', intent: 'order', businessStatus: { text: 'In behandeling bij team Noord' } };
    expect(readTaskFeedback(foreign)).toMatchObject({
      taskStatus: 'in-progress',
      businessStatus: null,
      businessStatusText: 'In behandeling bij team Noord',
      contactedAt: null,
      outcome: null,
      partners: [],
      noteForGp: null,
      callbackDueBy: null,
    });
  });

  it('ignores codes it does not know and refuses what is not a Task', () => {
    const task = {
      resourceType: 'Task',
      status: 'completed',
      output: [
        { type: { coding: [{ system: 'https://vroegsignaal.example/fhir/CodeSystem/referral-output', code: 'outcome' }] }, valueCodeableConcept: { coding: [{ system: 'https://vroegsignaal.example/fhir/CodeSystem/referral-outcome', code: 'made-up' }] } },
        { type: { coding: [{ system: 'https://vroegsignaal.example/fhir/CodeSystem/referral-output', code: 'contact-attempts' }] }, valueInteger: -4 },
      ],
    };
    expect(readTaskFeedback(task)).toMatchObject({ outcome: null, failedAttempts: 0 });
    expect(readTaskFeedback({ resourceType: 'Task', status: 'finished' })).toBeNull();
    expect(readTaskFeedback({ resourceType: 'ServiceRequest', status: 'active' })).toBeNull();
    expect(readTaskFeedback('Task')).toBeNull();
  });

  it('asks any FHIR server for the Task by the referral identifier', () => {
    expect(taskSearchUrl('https://fhir.regio.example/fhir/', '5b0c7f4e-2d7a-4f8e-9a51-3c2b1d0e9f11')).toBe(
      'https://fhir.regio.example/fhir/Task?identifier=urn%3Aietf%3Arfc%3A3986%7Curn%3Auuid%3A5b0c7f4e-2d7a-4f8e-9a51-3c2b1d0e9f11',
    );
    const task = { resourceType: 'Task', status: 'received' };
    expect(taskFromSearchBundle({ resourceType: 'Bundle', type: 'searchset', entry: [{ resource: { resourceType: 'OperationOutcome' } }, { resource: task }] })).toBe(task);
    expect(taskFromSearchBundle({ resourceType: 'Bundle', type: 'searchset', total: 0 })).toBeNull();
  });
});
